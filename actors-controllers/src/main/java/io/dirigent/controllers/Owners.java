package io.dirigent.controllers;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.core.informer.InformerStore;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Owner references and label selectors, as the workload controllers use them. */
final class Owners {

  private Owners() {}

  /**
   * The controller owner reference of an object as an informer delivers it: read from the JSON,
   * so mapping a change to its owner's key costs no typed copy.
   */
  static Optional<JsonNode> controllerRef(JsonNode object) {
    for (JsonNode reference : object.path("metadata").path("ownerReferences")) {
      if (reference.path("controller").asBoolean(false)) {
        return Optional.of(reference);
      }
    }
    return Optional.empty();
  }

  /** The key of {@code object}'s controller owner when it is of {@code kind}: {@code namespace/name}. */
  static Optional<String> controllerKey(JsonNode object, String kind) {
    return controllerRef(object).filter(reference -> kind.equals(reference.path("kind").asText()))
        .map(reference -> InformerStore.key(io.dirigent.core.api.KubeJson.namespace(object), reference.path("name").asText()));
  }

  /** The controller owner reference of {@code object}, if any. */
  static Optional<OwnerReference> controllerOf(HasMetadata object) {
    List<OwnerReference> references = object.getMetadata().getOwnerReferences();
    if (references == null) {
      return Optional.empty();
    }
    return references.stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst();
  }

  static boolean ownedBy(HasMetadata object, HasMetadata owner) {
    return controllerOf(object).map(r -> r.getUid().equals(owner.getMetadata().getUid())).orElse(false);
  }

  /** A controller reference to {@code owner}, blocking its foreground deletion as Kubernetes sets it. */
  static OwnerReference reference(HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  /** Whether {@code labels} satisfy a LabelSelector (an empty selector matches nothing, as for workloads). */
  static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    Map<String, String> actual = labels == null ? Map.of() : labels;
    Map<String, String> wanted = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
    List<LabelSelectorRequirement> expressions = selector.getMatchExpressions() == null ? List.of() : selector.getMatchExpressions();
    if (wanted.isEmpty() && expressions.isEmpty()) {
      return false;
    }
    for (var entry : wanted.entrySet()) {
      if (!entry.getValue().equals(actual.get(entry.getKey()))) {
        return false;
      }
    }
    for (LabelSelectorRequirement requirement : expressions) {
      List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
      boolean present = actual.containsKey(requirement.getKey());
      boolean ok = switch (requirement.getOperator()) {
        case "In" -> present && values.contains(actual.get(requirement.getKey()));
        case "NotIn" -> !present || !values.contains(actual.get(requirement.getKey()));
        case "Exists" -> present;
        case "DoesNotExist" -> !present;
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Whether a Service's plain selector (all labels equal) selects {@code labels}; empty selects nothing. */
  static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    if (selector == null || selector.isEmpty()) {
      return false;
    }
    Map<String, String> actual = labels == null ? Map.of() : labels;
    return selector.entrySet().stream().allMatch(e -> e.getValue().equals(actual.get(e.getKey())));
  }
}
