package io.dirigent.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.validation.FieldError;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes {@code Status} objects: every error the API returns, and the success answer of a
 * delete that returns no object.
 */
final class ApiStatus {

  private ApiStatus() {}

  /** A failure with its HTTP code as Kubernetes reports it; {@code type} and {@code name} fill the details. */
  static ObjectNode failure(StoreError error, ResourceType type, String pathName) {
    String name = pathName != null ? pathName : error.name();
    ObjectNode status = base("Failure", error.message(), error.reason().status(), error.reason().code());
    if (type != null || name != null || !error.causes().isEmpty()) {
      ObjectNode details = status.putObject("details");
      if (name != null && !name.isEmpty()) {
        details.put("name", name);
      }
      if (type != null) {
        if (!type.group().isEmpty()) {
          details.put("group", type.group());
        }
        // Kubernetes names the resource here, except for Invalid, which names the kind.
        details.put("kind", error.reason() == StoreError.Reason.INVALID ? type.kind() : type.plural());
      }
      if (!error.causes().isEmpty()) {
        ArrayNode causes = details.putArray("causes");
        for (FieldError cause : error.causes()) {
          causes.addObject()
              .put("reason", cause.type().reason())
              .put("message", cause.body())
              .put("field", cause.field());
        }
      }
    }
    return status;
  }

  /** The answer to a request that succeeded without an object to return. */
  static ObjectNode success(int code) {
    ObjectNode status = JsonNodeFactory.instance.objectNode().put("kind", "Status").put("apiVersion", "v1");
    status.putObject("metadata");
    return status.put("status", "Success").put("code", code);
  }

  /** Kubernetes' reason for an HTTP code a node or a stream answers with. */
  static String reason(int code) {
    return switch (code) {
      case 400 -> "BadRequest";
      case 404 -> "NotFound";
      case 503 -> "ServiceUnavailable";
      default -> "InternalError";
    };
  }

  /** How long a client told 429 waits before it tries again. */
  static final long RETRY_AFTER_SECONDS = 1;

  /** Kubernetes' 429: a client over one of its bounds ({@code what}), told when to try again. */
  static ObjectNode tooManyRequests(String what) {
    ObjectNode status = failure(429, "TooManyRequests", "Too many requests, please try again later (" + what + ").");
    status.putObject("details").put("retryAfterSeconds", RETRY_AFTER_SECONDS);
    return status;
  }

  /** A failure that is not the store's: a malformed request, a wrong method, a missing path. */
  static ObjectNode failure(int code, String reason, String message) {
    return base("Failure", message, reason, code);
  }

  /**
   * The fields of a Status in the order Kubernetes' serializer writes them (the Go struct's order).
   * Clients compare error bodies as text — the Python client's {@code FailToCreateError} prints
   * the body verbatim — so the order is part of the answer.
   */
  static final List<String> FIELD_ORDER =
      List.of("kind", "apiVersion", "metadata", "status", "message", "reason", "details", "code");

  /**
   * {@code status} with its fields in {@link #FIELD_ORDER} (fields Kubernetes does not know come
   * last). Callers add {@code details} after the code, so the order is fixed here, once, where a
   * Status leaves the server.
   */
  static ObjectNode inKubernetesOrder(ObjectNode status) {
    ObjectNode ordered = JsonNodeFactory.instance.objectNode();
    for (String field : FIELD_ORDER) {
      if (status.has(field)) {
        ordered.set(field, status.get(field));
      }
    }
    for (Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = status.fields(); it.hasNext(); ) {
      Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> field = it.next();
      if (!ordered.has(field.getKey())) {
        ordered.set(field.getKey(), field.getValue());
      }
    }
    return ordered;
  }

  private static ObjectNode base(String outcome, String message, String reason, int code) {
    ObjectNode status = JsonNodeFactory.instance.objectNode()
        .put("kind", "Status")
        .put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", outcome).put("message", message).put("reason", reason).put("code", code);
    return status;
  }
}
