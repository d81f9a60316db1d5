package io.dirigent.core.validation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Kubernetes' defaults for {@code autoscaling/v2} ({@code SetDefaults_HorizontalPodAutoscaler}),
 * so a stored autoscaler says what it would scale on and how fast, as on Kubernetes — though
 * nothing acts on it yet.
 */
final class AutoscalingDefaults {

  /** Kubernetes' default target when an autoscaler names no metric: 80% of the pods' CPU requests. */
  static final int DEFAULT_CPU_UTILIZATION = 80;

  private AutoscalingDefaults() {}

  /**
   * At least one replica; 80% CPU when no metric is named; and once {@code behavior} is given,
   * every rule it leaves out filled in as the controller would apply it: scale up by at most 4 pods
   * or 100% per 15 s (whichever is more), scale down by at most 100% per 15 s. The scale-down
   * window stays unset: the controller's own flag decides it.
   */
  static void horizontalPodAutoscaler(ObjectNode autoscaler) {
    ObjectNode spec = Defaults.child(autoscaler, "spec");
    Defaults.putIfAbsent(spec, "minReplicas", 1);
    if (spec.path("metrics").isEmpty()) {
      ObjectNode resource = spec.putArray("metrics").addObject().put("type", "Resource").putObject("resource").put("name", "cpu");
      resource.putObject("target").put("type", "Utilization").put("averageUtilization", DEFAULT_CPU_UTILIZATION);
    }
    if (spec.get("behavior") instanceof ObjectNode behavior) {
      ObjectNode up = Defaults.child(behavior, "scaleUp");
      Defaults.putIfAbsent(up, "stabilizationWindowSeconds", 0);
      Defaults.putIfAbsent(up, "selectPolicy", "Max");
      if (!up.hasNonNull("policies")) {
        ArrayNode policies = up.putArray("policies");
        policies.addObject().put("type", "Pods").put("value", 4).put("periodSeconds", 15);
        policies.addObject().put("type", "Percent").put("value", 100).put("periodSeconds", 15);
      }
      ObjectNode down = Defaults.child(behavior, "scaleDown");
      Defaults.putIfAbsent(down, "selectPolicy", "Max");
      if (!down.hasNonNull("policies")) {
        down.putArray("policies").addObject().put("type", "Percent").put("value", 100).put("periodSeconds", 15);
      }
    }
  }
}
