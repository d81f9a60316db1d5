package io.dirigent.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * HorizontalPodAutoscalers ({@code autoscaling/v2}) as Kubernetes'
 * {@code pkg/apis/autoscaling/validation} checks them: replica bounds, the target to scale, each
 * metric naming one source of its type with a target that fits it, and scaling behaviour within
 * Kubernetes' limits. Nothing acts on an autoscaler yet; these are the API's rules only.
 */
final class AutoscalingRules {

  static final int MAX_PERIOD_SECONDS = 1800;
  static final int MAX_STABILIZATION_WINDOW_SECONDS = 3600;
  static final List<String> METRIC_SOURCE_TYPES = List.of("ContainerResource", "External", "Object", "Pods", "Resource");
  private static final List<String> SELECT_POLICIES = List.of("Disabled", "Max", "Min");
  private static final List<String> POLICY_TYPES = List.of("Percent", "Pods");
  private static final List<String> TARGET_TYPES = List.of("Utilization", "Value", "AverageValue");

  private AutoscalingRules() {}

  /** {@code validateHorizontalPodAutoscalerSpec}, with scale-to-zero off as Kubernetes ships it. */
  static void horizontalPodAutoscaler(JsonNode spec, List<FieldError> errors) {
    JsonNode min = spec.path("minReplicas");
    JsonNode max = spec.path("maxReplicas");
    if (present(min) && min.asLong() < 1) {
      errors.add(FieldError.invalid("spec.minReplicas", min.asText(), "must be greater than or equal to 1"));
    }
    if (max.asLong(0) < 1) {
      errors.add(FieldError.invalid("spec.maxReplicas", max.asText("0"), "must be greater than 0"));
    }
    if (present(min) && max.asLong(0) < min.asLong()) {
      errors.add(FieldError.invalid("spec.maxReplicas", max.asText("0"), "must be greater than or equal to `minReplicas`"));
    }
    reference(spec.path("scaleTargetRef"), "spec.scaleTargetRef", errors);
    JsonNode metrics = spec.path("metrics");
    for (int i = 0; i < metrics.size(); i++) {
      metric(metrics.get(i), "spec.metrics[" + i + "]", errors);
    }
    JsonNode behavior = spec.path("behavior");
    if (behavior.isObject()) {
      scalingRules(behavior.path("scaleUp"), "spec.behavior.scaleUp", errors);
      scalingRules(behavior.path("scaleDown"), "spec.behavior.scaleDown", errors);
    }
  }

  /** {@code ValidateCrossVersionObjectReference}: a kind and a name, each a path segment. */
  private static void reference(JsonNode reference, String at, List<FieldError> errors) {
    ObjectReferences.pathSegment(reference, "kind", at, errors);
    ObjectReferences.pathSegment(reference, "name", at, errors);
  }

  /** {@code validateMetricSpec}: a known type, the one source it names filled in, and no other. */
  private static void metric(JsonNode metric, String at, List<FieldError> errors) {
    String type = metric.path("type").asText("");
    if (type.isEmpty()) {
      errors.add(FieldError.required(at + ".type", "must specify a metric source type"));
    }
    List<String> present = new java.util.ArrayList<>();
    for (String source : List.of("object", "external", "pods", "resource", "containerResource")) {
      if (metric.path(source).isObject()) {
        present.add(source);
      }
    }
    if (!present.isEmpty()) {
      source(present.get(0), metric.path(present.get(0)), at + "." + present.get(0), errors);
    }
    String expected = METRIC_SOURCE_TYPES.contains(type) ? Character.toLowerCase(type.charAt(0)) + type.substring(1) : null;
    if (expected == null) {
      errors.add(FieldError.notSupported(at + ".type", type, METRIC_SOURCE_TYPES));
    } else if (!present.contains(expected)) {
      errors.add(FieldError.required(at + "." + expected, "must populate information for the given metric source"));
    }
    if (present.size() != 1) {
      for (String other : present) {
        if (!other.equals(expected)) {
          errors.add(FieldError.forbidden(at + "." + other, "must populate the given metric source only"));
        }
      }
    }
  }

  private static void source(String kind, JsonNode source, String at, List<FieldError> errors) {
    JsonNode target = source.path("target");
    String targetAt = at + ".target";
    switch (kind) {
      case "object" -> {
        reference(source.path("describedObject"), at + ".describedObject", errors);
        metricName(source.path("metric"), at + ".metric", errors);
        target(target, targetAt, errors);
        if (!present(target.path("value")) && !present(target.path("averageValue"))) {
          errors.add(FieldError.required(targetAt + ".averageValue", "must set either a target value or averageValue"));
        }
      }
      case "external" -> {
        metricName(source.path("metric"), at + ".metric", errors);
        target(target, targetAt, errors);
        if (!present(target.path("value")) && !present(target.path("averageValue"))) {
          errors.add(FieldError.required(targetAt + ".averageValue", "must set either a target value for metric or a per-pod target"));
        }
        if (present(target.path("value")) && present(target.path("averageValue"))) {
          errors.add(FieldError.forbidden(targetAt + ".value", "may not set both a target value for metric and a per-pod target"));
        }
      }
      case "pods" -> {
        metricName(source.path("metric"), at + ".metric", errors);
        target(target, targetAt, errors);
        if (!present(target.path("averageValue"))) {
          errors.add(FieldError.required(targetAt + ".averageValue", "must specify a positive target averageValue"));
        }
      }
      default -> {
        // resource and containerResource: a resource by name, its target a utilization or an average value.
        if (source.path("name").asText("").isEmpty()) {
          errors.add(FieldError.required(at + ".name", "must specify a resource name"));
        }
        if (kind.equals("containerResource")) {
          String container = source.path("container").asText("");
          if (container.isEmpty()) {
            errors.add(FieldError.required(at + ".container", "must specify a container"));
          } else {
            NameRules.dns1123Label(container).forEach(problem -> errors.add(FieldError.invalid(at + ".container", container, problem)));
          }
        }
        target(target, targetAt, errors);
        boolean utilization = present(target.path("averageUtilization"));
        boolean averageValue = present(target.path("averageValue"));
        if (!utilization && !averageValue) {
          errors.add(FieldError.required(targetAt + ".averageUtilization", "must set either a target raw value or a target utilization"));
        } else if (utilization && averageValue) {
          errors.add(FieldError.forbidden(targetAt + ".averageValue", "may not set both a target raw value and a target utilization"));
        }
      }
    }
  }

  /** {@code validateMetricTarget}: a known type, positive quantities, a utilization of at least 1%. */
  private static void target(JsonNode target, String at, List<FieldError> errors) {
    String type = target.path("type").asText("");
    if (type.isEmpty()) {
      errors.add(FieldError.required(at + ".type", "must specify a metric target type"));
    }
    if (!TARGET_TYPES.contains(type)) {
      errors.add(FieldError.invalid(at + ".type", type, "must be either Utilization, Value, or AverageValue"));
    }
    for (String field : List.of("value", "averageValue")) {
      JsonNode quantity = target.path(field);
      if (present(quantity)) {
        var amount = Quantities.amount(quantity.asText());
        if (amount.isEmpty()) {
          errors.add(FieldError.invalid(at + "." + field, quantity.asText(), Quantities.FORMAT_ERROR));
        } else if (amount.get().signum() != 1) {
          errors.add(FieldError.invalid(at + "." + field, quantity.asText(), "must be positive"));
        }
      }
    }
    JsonNode utilization = target.path("averageUtilization");
    if (present(utilization) && utilization.asLong() < 1) {
      errors.add(FieldError.invalid(at + ".averageUtilization", utilization.asText(), "must be greater than 0"));
    }
  }

  private static void metricName(JsonNode metric, String at, List<FieldError> errors) {
    String name = metric.path("name").asText("");
    if (name.isEmpty()) {
      errors.add(FieldError.required(at + ".name", "must specify a metric name"));
    } else {
      NameRules.pathSegmentName(name).forEach(problem -> errors.add(FieldError.invalid(at + ".name", name, problem)));
    }
  }

  /** {@code validateScalingRules}: a window of 0 to an hour, a known select policy, at least one policy, each within limits. */
  private static void scalingRules(JsonNode rules, String at, List<FieldError> errors) {
    if (!rules.isObject()) {
      return;
    }
    JsonNode window = rules.path("stabilizationWindowSeconds");
    if (present(window) && window.asLong() < 0) {
      errors.add(FieldError.invalid(at + ".stabilizationWindowSeconds", window.asText(), "must be greater than or equal to zero"));
    }
    if (present(window) && window.asLong() > MAX_STABILIZATION_WINDOW_SECONDS) {
      errors.add(FieldError.invalid(at + ".stabilizationWindowSeconds", window.asText(),
          "must be less than or equal to " + MAX_STABILIZATION_WINDOW_SECONDS));
    }
    JsonNode select = rules.path("selectPolicy");
    if (present(select) && !SELECT_POLICIES.contains(select.asText())) {
      errors.add(FieldError.notSupported(at + ".selectPolicy", select.asText(), SELECT_POLICIES));
    }
    JsonNode policies = rules.path("policies");
    if (policies.isEmpty()) {
      errors.add(FieldError.required(at + ".policies", "must specify at least one Policy"));
    }
    for (int i = 0; i < policies.size(); i++) {
      JsonNode policy = policies.get(i);
      String policyAt = at + ".policies[" + i + "]";
      String type = policy.path("type").asText("");
      if (!POLICY_TYPES.contains(type)) {
        errors.add(FieldError.notSupported(policyAt + ".type", type, POLICY_TYPES));
      }
      if (policy.path("value").asLong(0) <= 0) {
        errors.add(FieldError.invalid(policyAt + ".value", policy.path("value").asText("0"), "must be greater than zero"));
      }
      long period = policy.path("periodSeconds").asLong(0);
      if (period <= 0) {
        errors.add(FieldError.invalid(policyAt + ".periodSeconds", policy.path("periodSeconds").asText("0"), "must be greater than zero"));
      }
      if (period > MAX_PERIOD_SECONDS) {
        errors.add(FieldError.invalid(policyAt + ".periodSeconds", policy.path("periodSeconds").asText(),
            "must be less than or equal to " + MAX_PERIOD_SECONDS));
      }
    }
  }

  private static boolean present(JsonNode value) {
    return !value.isMissingNode() && !value.isNull();
  }
}
