package io.dirigent.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.ResourceType;
import java.util.List;
import java.util.Map;

/**
 * The status counters Kubernetes' OpenAPI schema marks required, present on every stored version.
 *
 * <p>In Kubernetes these are Go integers without {@code omitempty}: a new DaemonSet answers
 * {@code "status":{"currentNumberScheduled":0,...}} before its controller has run, and a status
 * update that leaves one out stores it as 0. Typed clients rely on it: the Python client's
 * {@code V1DaemonSetStatus} refuses a status without {@code currentNumberScheduled}, so a create
 * whose answer carried {@code "status":{}} failed although the object was stored.
 */
public final class RequiredStatus {

  /** Required integer status fields by resource (group-qualified plural), from Kubernetes' OpenAPI. */
  static final Map<String, List<String>> COUNTERS = Map.of(
      "replicasets.apps", List.of("replicas"),
      "replicationcontrollers", List.of("replicas"),
      "statefulsets.apps", List.of("replicas"),
      "poddisruptionbudgets.policy", List.of("currentHealthy", "desiredHealthy", "disruptionsAllowed", "expectedPods"),
      "daemonsets.apps", List.of("currentNumberScheduled", "numberMisscheduled", "desiredNumberScheduled", "numberReady"),
      // autoscaling/v2 requires desiredReplicas only; currentReplicas is optional there (v1 requires both).
      "horizontalpodautoscalers.autoscaling", List.of("desiredReplicas"));

  private RequiredStatus() {}

  /** Sets each required counter {@code object}'s status lacks to 0, in place; other kinds are left alone. */
  public static void fill(ResourceType type, ObjectNode object) {
    List<String> counters = COUNTERS.get(type.resource());
    if (counters == null) {
      return;
    }
    JsonNode status = object.get("status");
    ObjectNode target = status instanceof ObjectNode existing ? existing : object.putObject("status");
    for (String counter : counters) {
      if (!target.hasNonNull(counter)) {
        target.put(counter, 0);
      }
    }
  }
}
