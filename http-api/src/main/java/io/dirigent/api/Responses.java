package io.dirigent.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** JSON responses, and failures turned into Kubernetes Status responses. */
final class Responses {

  private static final Logger log = LoggerFactory.getLogger(Responses.class);

  private Responses() {}

  static HttpResponse json(int code, JsonNode body) {
    return HttpResponse.create().withStatus(code).withEntity(ContentTypes.APPLICATION_JSON, jsonBytes(body));
  }

  /** A JSON body under a Content-Type with Kubernetes' parameters ({@code as=Table}, discovery). */
  static HttpResponse json(int code, JsonNode body, String contentType) {
    return HttpResponse.create().withStatus(code).withEntity(ContentTypes.parse(contentType), jsonBytes(body));
  }

  /**
   * {@code body} as Kubernetes' JSON serializer writes it: Go's {@code json.Encoder} ends every
   * object with a newline, and clients that print a body (the Python client's errors) show it.
   */
  static byte[] jsonBytes(JsonNode body) {
    try {
      byte[] json = KubeJson.MAPPER.writeValueAsBytes(isStatus(body) ? ApiStatus.inKubernetesOrder((ObjectNode) body) : body);
      byte[] line = java.util.Arrays.copyOf(json, json.length + 1);
      line[json.length] = '\n';
      return line;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree that cannot be written", e);
    }
  }

  static HttpResponse status(ObjectNode status) {
    return json(status.path("code").asInt(), status);
  }

  /** Whether {@code body} is a Status, whichever route answers with it. */
  private static boolean isStatus(JsonNode body) {
    return body instanceof ObjectNode && "Status".equals(body.path("kind").asText()) && "v1".equals(body.path("apiVersion").asText());
  }

  /**
   * The Status for a failed request on {@code path} (null outside resource paths). A failure
   * that is not the store's is logged and answered 500 without its details.
   */
  static HttpResponse failure(Throwable failure, ApiPath path) {
    Throwable cause = StoreException.cause(failure);
    if (cause instanceof StoreException e) {
      return failure(e.error(), path);
    }
    if (cause instanceof RequestBodies.BodyException e) {
      HttpResponse response = status(e.status());
      return e.status().path("code").asInt() == 429
          ? response.addHeader(org.apache.pekko.http.javadsl.model.headers.RetryAfter.create(ApiStatus.RETRY_AFTER_SECONDS)) : response;
    }
    log.error("request failed", cause);
    return status(ApiStatus.failure(500, "InternalError", "an internal error occurred; the server log has the details"));
  }

  static HttpResponse failure(StoreError error) {
    return failure(error, null);
  }

  /**
   * The Status of a store's refusal. When the store is unavailable for now (a member without the
   * quorum, a journal that is away) or did not answer in time (the object's member just died and
   * its shard is moving), it says when to try again, as Kubernetes' storage timeouts do — client-go
   * and kubectl retry a 503 or 504 that carries Retry-After by themselves.
   */
  private static HttpResponse failure(StoreError error, ApiPath path) {
    com.fasterxml.jackson.databind.node.ObjectNode body = ApiStatus.failure(error, path == null ? null : path.type(), path == null ? null : path.name());
    if (error.reason() != StoreError.Reason.UNAVAILABLE && error.reason() != StoreError.Reason.TIMEOUT) {
      return status(body);
    }
    (body.get("details") instanceof com.fasterxml.jackson.databind.node.ObjectNode details ? details : body.putObject("details"))
        .put("retryAfterSeconds", ApiStatus.RETRY_AFTER_SECONDS);
    return status(body).addHeader(org.apache.pekko.http.javadsl.model.headers.RetryAfter.create(ApiStatus.RETRY_AFTER_SECONDS));
  }
}
