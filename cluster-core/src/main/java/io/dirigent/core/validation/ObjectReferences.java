package io.dirigent.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The parts of a reference to another object that end up in a URL when it is followed — an
 * autoscaler's target, an Ingress's resource backend, an IngressClass's parameters — checked as
 * Kubernetes' {@code IsValidPathSegmentName} checks them.
 */
final class ObjectReferences {

  private ObjectReferences() {}

  /** A required reference part that must be a URL path segment ({@code IsValidPathSegmentName}). */
  static void pathSegment(JsonNode reference, String field, String at, List<FieldError> errors) {
    String value = reference.path(field).asText("");
    if (value.isEmpty()) {
      errors.add(FieldError.required(at + "." + field, ""));
    } else {
      NameRules.pathSegmentName(value).forEach(problem -> errors.add(FieldError.invalid(at + "." + field, value, problem)));
    }
  }
}
