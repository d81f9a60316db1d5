package io.dirigent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.crd.CustomObjects;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.validation.UnknownFields;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.Query;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * The {@code fieldValidation} query parameter of writes, as Kubernetes has it. Fields the kind
 * does not declare are dropped: {@code Ignore} (the default) says nothing of them, {@code Warn}
 * names each in a {@code Warning} header, {@code Strict} refuses the request with 400
 * BadRequest and writes nothing.
 */
final class FieldValidation {

  enum Mode { IGNORE, WARN, STRICT }

  private static final UnknownFields UNKNOWN_FIELDS = new UnknownFields(KubeJson.MAPPER);

  private FieldValidation() {}

  static Mode mode(Query query) {
    String value = query.get("fieldValidation").orElse("");
    return switch (value) {
      case "", "Ignore" -> Mode.IGNORE;
      case "Warn" -> Mode.WARN;
      case "Strict" -> Mode.STRICT;
      default -> throw StoreError.of(StoreError.Reason.BAD_REQUEST,
          "fieldValidation instance value \"%s\" is invalid: use Ignore, Warn or Strict".formatted(value)).toException();
    };
  }

  /**
   * Checks {@code object} against its kind's schema and removes the fields it does not declare,
   * as Kubernetes drops them when it decodes an object. In Strict mode an unknown field is a
   * BadRequest; in Warn mode the answer is the warnings to send; otherwise it is empty.
   */
  static List<String> check(Mode mode, ResourceType type, JsonNode object) {
    // A custom object's fields are those its version's schema declares.
    List<String> unknown = (type.isCustom() ? CustomObjects.prune(type, (ObjectNode) object) : UNKNOWN_FIELDS.remove(object, type.javaType())).stream()
        .map(path -> "unknown field \"%s\"".formatted(path))
        .toList();
    if (mode == Mode.STRICT && !unknown.isEmpty()) {
      throw StoreError.of(StoreError.Reason.BAD_REQUEST, "strict decoding error: " + String.join(", ", unknown)).toException();
    }
    return mode == Mode.WARN ? unknown : List.of();
  }

  /** {@code response} with one {@code Warning} header per warning, in the form kubectl prints. */
  static HttpResponse withWarnings(HttpResponse response, List<String> warnings) {
    if (warnings.isEmpty()) {
      return response;
    }
    return response.addHeaders(warnings.stream()
        .map(warning -> (org.apache.pekko.http.javadsl.model.HttpHeader) RawHeader.create("Warning", "299 - " + quoted(warning)))
        .collect(Collectors.toList()));
  }

  private static String quoted(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
