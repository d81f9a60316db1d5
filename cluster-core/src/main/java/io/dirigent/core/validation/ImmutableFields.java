package io.dirigent.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fields an update may not change, for kinds whose identity they are ({@code ValidateImmutableField}):
 * a RuntimeClass's handler (pods already admitted run on it) and an IngressClass's controller
 * (the controller that took its Ingresses would lose them).
 */
public final class ImmutableFields {

  /** JSON pointers of the fields each resource keeps for life. */
  static final Map<String, List<String>> FIELDS = Map.of(
      "runtimeclasses.node.k8s.io", List.of("/handler"),
      "ingressclasses.networking.k8s.io", List.of("/spec/controller"));

  private ImmutableFields() {}

  /** The immutable fields {@code next} changed from {@code current}; empty when the update may go ahead. */
  public static List<FieldError> changed(ResourceType type, ObjectNode current, ObjectNode next) {
    List<FieldError> errors = new ArrayList<>();
    for (String pointer : FIELDS.getOrDefault(type.resource(), List.of())) {
      JsonNode after = next.at(pointer);
      if (!KubeJson.sameContent(current.at(pointer), after)) {
        errors.add(FieldError.invalid(pointer.substring(1).replace('/', '.'), after.asText(), "field is immutable"));
      }
    }
    return errors;
  }
}
