package io.dirigent.core.quota;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a pod asks of a node for quotas: the sum of its containers' requests and limits (an init
 * container runs before the others, so the larger of the largest init container and the sum), as
 * Kubernetes' pod quota evaluator and LimitRanger's Pod limits count them.
 */
public final class PodResources {

  private PodResources() {}

  /** {@code requests} or {@code limits} of the pod's containers, by resource (cpu, memory, ...). */
  public static Map<String, BigDecimal> total(JsonNode spec, String which) {
    Map<String, BigDecimal> sum = new TreeMap<>();
    for (JsonNode container : spec.path("containers")) {
      container.path("resources").path(which).fields().forEachRemaining(e -> sum.merge(e.getKey(), Amounts.of(e.getValue().asText()), BigDecimal::add));
    }
    for (JsonNode container : spec.path("initContainers")) {
      container.path("resources").path(which).fields().forEachRemaining(e -> sum.merge(e.getKey(), Amounts.of(e.getValue().asText()), BigDecimal::max));
    }
    return sum;
  }

  /** The names of the pod's containers (init containers too) that do not set {@code which} of {@code resource}. */
  public static List<String> without(JsonNode spec, String which, String resource) {
    List<String> missing = new ArrayList<>();
    for (String list : new String[] {"initContainers", "containers"}) {
      for (JsonNode container : spec.path(list)) {
        if (!container.path("resources").path(which).has(resource)) {
          missing.add(container.path("name").asText());
        }
      }
    }
    return missing;
  }
}
