package io.dirigent.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.dirigent.compat.ProtobufBodies;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.scaladsl.model.EntityStreamException;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;

/**
 * Reads request bodies: JSON or YAML objects, up to a size limit. A body that is too large, of
 * a media type the API does not read, or not a well-formed object fails with a Status saying so.
 * Well-formed is strict, as Kubernetes' decoder is: no key twice in one object, nothing after the
 * object, nesting at most {@value #MAX_DEPTH} deep, no string that is not Unicode (a lone
 * surrogate) — so that what is accepted can be stored, encoded and read back by every reader.
 */
final class RequestBodies {

  /** Deepest nesting of objects and arrays in a body: far more than any Kubernetes object needs, far less than breaks a reader. */
  static final int MAX_DEPTH = 100;
  private static final ObjectMapper JSON = strict(KubeJson.MAPPER.copy());
  private static final ObjectMapper YAML = strict(new YAMLMapper());
  private static final java.util.Set<String> CORE_TAGS = java.util.Set.of("str", "int", "bool", "null", "float", "map", "seq").stream()
      .map(tag -> "tag:yaml.org,2002:" + tag).collect(java.util.stream.Collectors.toUnmodifiableSet());

  private final long maxBytes;
  private final Materializer materializer;
  /** What the bodies being read at once may hold, all clients together; their Content-Length counts, or maxBytes without one. */
  private final java.util.concurrent.atomic.AtomicLong budget;

  /** How long a body may take to arrive: pekko.http.server.request-timeout, which Pekko counts only once it has. */
  private final long readTimeoutMillis;

  RequestBodies(long maxBytes, long bytesInFlight, java.time.Duration readTimeout, Materializer materializer) {
    this.maxBytes = maxBytes;
    this.readTimeoutMillis = readTimeout.toMillis();
    this.materializer = materializer;
    this.budget = new java.util.concurrent.atomic.AtomicLong(Math.max(bytesInFlight, maxBytes));
  }

  /** The largest body read; also the most a JSON patch may copy. */
  long maxBytes() {
    return maxBytes;
  }

  /** A request body that cannot be used, with the Status to answer. */
  static final class BodyException extends RuntimeException {
    private final ObjectNode status;

    BodyException(ObjectNode status) {
      super(status.path("message").asText(), null, false, false);
      this.status = status;
    }

    ObjectNode status() {
      return status;
    }
  }

  /** The body as an object, or empty when the request has none. */
  CompletionStage<Optional<ObjectNode>> optional(HttpRequest request) {
    String mediaType = mediaType(request);
    return reading(request, bytes -> bytes.length == 0 ? Optional.<ObjectNode>empty() : Optional.of(parse(mediaType, bytes)));
  }

  /** The body as an object; a request without one is refused (400). */
  CompletionStage<ObjectNode> required(HttpRequest request) {
    return optional(request).thenApply(body -> body.orElseThrow(() -> StoreError.of(StoreError.Reason.BAD_REQUEST,
        "the request has no body; send the object as JSON or YAML").toException()));
  }

  /** The patch a PATCH request carries, in the form its media type names. */
  CompletionStage<Patch> patch(HttpRequest request) {
    String mediaType = mediaType(request);
    Patch.Type type = switch (mediaType) {
      case "application/json-patch+json" -> Patch.Type.JSON;
      case "application/merge-patch+json" -> Patch.Type.MERGE;
      case "application/strategic-merge-patch+json" -> Patch.Type.STRATEGIC;
      case "application/apply-patch+yaml" -> Patch.Type.APPLY;
      default -> throw new BodyException(ApiStatus.failure(415, "UnsupportedMediaType",
          ("the patch's media type \"%s\" is not supported: use application/merge-patch+json, application/json-patch+json,"
              + " application/strategic-merge-patch+json or application/apply-patch+yaml").formatted(mediaType)));
    };
    return reading(request, bytes -> patch(type, bytes));
  }

  /** The patch of {@code type} in {@code bytes}; a BodyException when it is none. */
  static Patch patch(Patch.Type type, byte[] bytes) {
    if (bytes.length == 0) {
      throw new BodyException(ApiStatus.failure(400, "BadRequest", "the request has no patch"));
    }
    // An applied configuration is YAML (of which JSON, what kubectl sends, is a part).
    JsonNode tree = tree(type == Patch.Type.APPLY ? YAML : JSON, bytes);
    if (type == Patch.Type.JSON && !tree.isArray()) {
      throw new BodyException(ApiStatus.failure(400, "BadRequest", "a JSON patch must be an array of operations"));
    }
    if ((type == Patch.Type.STRATEGIC || type == Patch.Type.APPLY) && !tree.isObject()) {
      throw new BodyException(ApiStatus.failure(400, "BadRequest",
          type == Patch.Type.APPLY ? "an applied configuration must be one object" : "a strategic merge patch must be a JSON object"));
    }
    return new Patch(type, tree);
  }

  /** A patch as the client sent it. */
  record Patch(Type type, JsonNode body) {
    /** APPLY: a server-side apply's configuration, merged as a strategic merge patch. */
    enum Type { JSON, MERGE, STRATEGIC, APPLY }
  }

  private static String mediaType(HttpRequest request) {
    return request.entity().getContentType().mediaType().toString().toLowerCase();
  }

  private static ObjectMapper strict(ObjectMapper mapper) {
    mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build());
    mapper.getFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    return mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /**
   * Reads the body and hands it to {@code then} (parsing it), holding its size from the shared
   * budget meanwhile: many large bodies at once are answered 429 rather than read into the heap
   * together.
   */
  private <T> CompletionStage<T> reading(HttpRequest request, java.util.function.Function<byte[], T> then) {
    long length = request.entity().getContentLengthOption().orElse(maxBytes);
    long reserved = Math.min(length, maxBytes);
    if (reserved > 0 && budget.addAndGet(-reserved) < 0) {
      budget.addAndGet(reserved);
      request.discardEntityBytes(materializer);
      return java.util.concurrent.CompletableFuture.failedFuture(
          new BodyException(ApiStatus.tooManyRequests("the server is reading as many request bodies as it holds at once")));
    }
    return read(request).thenApply(then).whenComplete((result, failure) -> budget.addAndGet(reserved));
  }

  private CompletionStage<byte[]> read(HttpRequest request) {
    if (request.entity().getContentLengthOption().orElse(0L) > maxBytes) {
      // Read and dropped (up to Pekko's own limit, pekko.http.server.parsing.max-content-length)
      // before the answer: a connection closed on a body still arriving is reset, and the client
      // never reads its 413.
      return request.entity().discardBytes(materializer).completionStage()
          .handle((drained, failure) -> {
            throw tooLarge();
          });
    }
    return request.entity().withSizeLimit(maxBytes).toStrict(readTimeoutMillis, maxBytes, materializer)
        .handle((strict, failure) -> {
          if (failure != null) {
            Throwable cause = StoreException.cause(failure);
            // Pekko says "too large" two ways: while streaming, and when the whole entity is collected.
            if (cause instanceof EntityStreamSizeException
                || (cause instanceof EntityStreamException && String.valueOf(cause.getMessage()).contains("too large"))) {
              throw tooLarge();
            }
            if (cause instanceof java.util.concurrent.TimeoutException) {
              throw new BodyException(ApiStatus.failure(504, "Timeout",
                  "Timeout: the request body did not arrive within %d s".formatted(readTimeoutMillis / 1000)));
            }
            throw new CompletionException(cause);
          }
          return strict.getData().toArray();
        });
  }

  private BodyException tooLarge() {
    return new BodyException(ApiStatus.failure(413, "RequestEntityTooLarge",
        "the request body is larger than the limit of %d bytes".formatted(maxBytes)));
  }

  /**
   * Refuses YAML tags beyond the core schema's: JSON has nothing that a tag could stand for
   * ({@code !!binary}, {@code !!python/object:os.system}, {@code !custom}), and a reader that
   * honoured one would make objects of the client's choosing. The reader here ignores them; the
   * body is refused rather than stored as if they were not there.
   */
  private static void onlyCoreTags(byte[] bytes) throws IOException {
    try (JsonParser parser = YAML.getFactory().createParser(bytes)) {
      while (parser.nextToken() != null) {
        Object tag = parser.getTypeId();
        if (tag != null && !CORE_TAGS.contains(tag.toString())) {
          throw new BodyException(ApiStatus.failure(400, "BadRequest",
              "the request body is not valid YAML: the tag %s is not allowed".formatted(tag.toString().replace("tag:yaml.org,2002:", "!!"))));
        }
      }
    }
  }

  /** The object in {@code bytes} of {@code mediaType}; a BodyException when it is none. */
  static ObjectNode parse(String mediaType, byte[] bytes) {
    if (ProtobufBodies.isProtobuf(mediaType)) {
      try {
        return ProtobufBodies.decode(bytes);
      } catch (IllegalArgumentException e) {
        throw new BodyException(ApiStatus.failure(400, "BadRequest", e.getMessage()));
      }
    }
    ObjectMapper mapper = switch (mediaType) {
      case "application/json" -> JSON;
      case "application/yaml", "application/x-yaml", "text/yaml" -> YAML;
      default -> throw new BodyException(ApiStatus.failure(415, "UnsupportedMediaType",
          "the body's media type \"%s\" is not supported: send application/json, application/yaml or application/vnd.kubernetes.protobuf".formatted(mediaType)));
    };
    JsonNode tree = tree(mapper, bytes);
    if (!tree.isObject()) {
      throw new BodyException(ApiStatus.failure(400, "BadRequest", "the request body must be one object"));
    }
    return (ObjectNode) tree;
  }

  private static JsonNode tree(ObjectMapper mapper, byte[] bytes) {
    try {
      if (mapper == YAML) {
        onlyCoreTags(bytes);
      }
      JsonNode tree = mapper.readTree(bytes);
      if (tree == null || tree.isMissingNode()) {
        throw new BodyException(ApiStatus.failure(400, "BadRequest", "the request body is empty"));
      }
      String badText = TextChecks.firstUnpairedSurrogate(tree);
      if (badText != null) {
        throw new BodyException(ApiStatus.failure(400, "BadRequest",
            "the request body is not valid %s: %s holds a lone UTF-16 surrogate, which is not Unicode".formatted(mapper == YAML ? "YAML" : "JSON", badText)));
      }
      return tree;
    } catch (JsonProcessingException e) {
      throw new BodyException(ApiStatus.failure(400, "BadRequest",
          "the request body is not valid %s: %s".formatted(mapper == YAML ? "YAML" : "JSON", e.getOriginalMessage())));
    } catch (IOException e) {
      throw new BodyException(ApiStatus.failure(400, "BadRequest", "the request body could not be read: " + e.getMessage()));
    }
  }
}
