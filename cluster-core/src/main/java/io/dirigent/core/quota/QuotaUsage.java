package io.dirigent.core.quota;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.PodPhase;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one object counts against a ResourceQuota, by the quota's resource names, as Kubernetes'
 * quota evaluators count it: {@code count/RESOURCE} for any kind; {@code pods} and the pods'
 * compute resources ({@code requests.cpu} or {@code cpu}, {@code limits.memory}, ...) for a pod
 * that has not ended; {@code services}, {@code services.nodeports}, {@code services.loadbalancers};
 * the object counts of configmaps, secrets, replicationcontrollers, resourcequotas and
 * persistentvolumeclaims, and a claim's {@code requests.storage}. Pure, for table tests.
 */
public final class QuotaUsage {

  /** The object counts a quota may name by the plural alone. */
  private static final Set<String> COUNTED = Set.of("pods", "services", "configmaps", "secrets", "replicationcontrollers",
      "resourcequotas", "persistentvolumeclaims");
  /** Compute resources a pod's containers must each set when a quota limits them. */
  private static final Map<String, String[]> COMPUTE = Map.of(
      "cpu", new String[] {"requests", "cpu"}, "requests.cpu", new String[] {"requests", "cpu"},
      "memory", new String[] {"requests", "memory"}, "requests.memory", new String[] {"requests", "memory"},
      "limits.cpu", new String[] {"limits", "cpu"}, "limits.memory", new String[] {"limits", "memory"},
      "ephemeral-storage", new String[] {"requests", "ephemeral-storage"},
      "requests.ephemeral-storage", new String[] {"requests", "ephemeral-storage"},
      "limits.ephemeral-storage", new String[] {"limits", "ephemeral-storage"});

  private QuotaUsage() {}

  /**
   * What {@code object} of {@code resource} ({@code pods}, {@code deployments.apps}) uses of the
   * resource names a quota may name; every name that applies, zero or not.
   */
  public static Map<String, BigDecimal> of(String resource, JsonNode object) {
    Map<String, BigDecimal> usage = new TreeMap<>();
    usage.put("count/" + resource, BigDecimal.ONE);
    if (COUNTED.contains(resource)) {
      usage.put(resource, BigDecimal.ONE);
    }
    switch (resource) {
      case "pods" -> {
        if (ended(object)) {
          usage.clear();
          usage.put("count/pods", BigDecimal.ONE);
          return usage;
        }
        JsonNode spec = object.path("spec");
        Map<String, BigDecimal> requests = PodResources.total(spec, "requests");
        Map<String, BigDecimal> limits = PodResources.total(spec, "limits");
        requests.forEach((name, amount) -> {
          usage.put("requests." + name, amount);
          if (name.equals("cpu") || name.equals("memory") || name.equals("ephemeral-storage")) {
            usage.put(name, amount);
          }
        });
        limits.forEach((name, amount) -> usage.put("limits." + name, amount));
      }
      case "services" -> {
        String type = object.path("spec").path("type").asText("ClusterIP");
        long nodePorts = 0;
        if (type.equals("NodePort") || type.equals("LoadBalancer")) {
          for (JsonNode port : object.path("spec").path("ports")) {
            nodePorts++;
          }
        }
        usage.put("services.nodeports", BigDecimal.valueOf(nodePorts));
        usage.put("services.loadbalancers", type.equals("LoadBalancer") ? BigDecimal.ONE : BigDecimal.ZERO);
      }
      case "persistentvolumeclaims" ->
          usage.put("requests.storage", Amounts.of(object.path("spec").path("resources").path("requests").path("storage").asText(null)));
      default -> { }
    }
    return usage;
  }

  /** A pod that has ended uses nothing but its count/pods: its resources are free again. */
  private static boolean ended(JsonNode pod) {
    PodPhase phase = PodPhase.of(pod);
    return phase == PodPhase.SUCCEEDED || phase == PodPhase.FAILED;
  }

  /**
   * For a pod under a quota that limits compute resources: the ones its containers do not all set
   * ({@code limits.cpu}, ...), sorted; Kubernetes refuses such a pod ("must specify").
   */
  public static List<String> unspecified(String resource, JsonNode object, Set<String> limited) {
    if (!resource.equals("pods")) {
      return List.of();
    }
    Set<String> missing = new TreeSet<>();
    for (String name : limited) {
      String[] where = COMPUTE.get(name);
      if (where != null && !PodResources.without(object.path("spec"), where[0], where[1]).isEmpty()) {
        missing.add(name);
      }
    }
    return new ArrayList<>(missing);
  }

  /** The namespace an object counts in. */
  public static String namespace(JsonNode object) {
    return KubeJson.namespace(object);
  }
}
