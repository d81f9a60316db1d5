package io.dirigent.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * RuntimeClasses ({@code node.k8s.io/v1}) as Kubernetes' {@code pkg/apis/node/validation} checks
 * them: the handler names a container runtime configuration, so it is a DNS label; the overhead is
 * resource quantities not below zero; the scheduling constraints are node labels and tolerations.
 * Dirigent's nodes run one runtime, so a pod's {@code runtimeClassName} selects nothing yet.
 */
final class RuntimeClassRules {

  private static final List<String> OPERATORS = List.of("Equal", "Exists");
  private static final List<String> EFFECTS = List.of("NoExecute", "NoSchedule", "PreferNoSchedule");

  private RuntimeClassRules() {}

  static void validate(JsonNode runtimeClass, List<FieldError> errors) {
    String handler = runtimeClass.path("handler").asText("");
    NameRules.dns1123Label(handler).forEach(problem -> errors.add(FieldError.invalid("handler", handler, problem)));
    runtimeClass.path("overhead").path("podFixed").fields().forEachRemaining(entry -> {
      String at = "overhead.podFixed[" + entry.getKey() + "]";
      var amount = Quantities.amount(entry.getValue().asText());
      if (amount.isEmpty()) {
        errors.add(FieldError.invalid(at, entry.getValue().asText(), Quantities.FORMAT_ERROR));
      } else if (amount.get().signum() < 0) {
        errors.add(FieldError.invalid(at, entry.getValue().asText(), "must be greater than or equal to 0"));
      }
    });
    JsonNode scheduling = runtimeClass.path("scheduling");
    java.util.Map<String, String> nodeSelector = new java.util.LinkedHashMap<>();
    scheduling.path("nodeSelector").fields().forEachRemaining(entry -> nodeSelector.put(entry.getKey(), entry.getValue().asText()));
    errors.addAll(MetadataRules.labels(nodeSelector, "scheduling.nodeSelector"));
    JsonNode tolerations = scheduling.path("tolerations");
    for (int i = 0; i < tolerations.size(); i++) {
      toleration(tolerations.get(i), "scheduling.tolerations[" + i + "]", errors);
    }
  }

  /** {@code ValidateTolerations}, for one toleration: a key, an operator that fits its value, a known effect. */
  private static void toleration(JsonNode toleration, String at, List<FieldError> errors) {
    String key = toleration.path("key").asText("");
    if (!key.isEmpty()) {
      NameRules.qualifiedName(key).forEach(problem -> errors.add(FieldError.invalid(at + ".key", key, problem)));
    }
    String operator = toleration.path("operator").asText("");
    if (key.isEmpty() && !operator.equals("Exists")) {
      errors.add(FieldError.invalid(at + ".operator", operator, "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
    }
    String value = toleration.path("value").asText("");
    switch (operator) {
      case "", "Equal" -> NameRules.labelValue(value).forEach(problem -> errors.add(FieldError.invalid(at + ".value", value, problem)));
      case "Exists" -> {
        if (!value.isEmpty()) {
          errors.add(FieldError.invalid(at + ".operator", value, "value must be empty when `operator` is 'Exists'"));
        }
      }
      default -> errors.add(FieldError.notSupported(at + ".operator", operator, OPERATORS));
    }
    String effect = toleration.path("effect").asText("");
    if (!effect.isEmpty() && !EFFECTS.contains(effect)) {
      errors.add(FieldError.notSupported(at + ".effect", effect, EFFECTS));
    }
  }
}
