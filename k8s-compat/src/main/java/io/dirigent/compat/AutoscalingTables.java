package io.dirigent.compat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.compat.Tables.Column;
import java.util.ArrayList;
import java.util.List;

/**
 * kubectl's table of HorizontalPodAutoscalers, as Kubernetes' printer makes it: the target as
 * {@code Kind/name}, the first two metrics as {@code current/target} ({@code cpu: 45%/80%},
 * {@code <unknown>} until measured), the replica bounds and the current count.
 */
final class AutoscalingTables {

  private static final Column NAME = new Column("Name", "string", "name", 0);
  private static final int MAX_METRICS = 2;
  private static final String UNKNOWN = "<unknown>";

  private AutoscalingTables() {}

  /** Kubernetes declares the counts as strings although the cells are integers; kubectl prints them alike. */
  static List<Column> columns(Column age) {
    return List.of(NAME, Column.of("Reference"), Column.of("Targets"), Column.of("MinPods"), Column.of("MaxPods"), Column.of("Replicas"), age);
  }

  static List<Object> cells(JsonNode autoscaler, String age) {
    JsonNode spec = autoscaler.path("spec");
    JsonNode status = autoscaler.path("status");
    String reference = spec.path("scaleTargetRef").path("kind").asText("") + "/" + spec.path("scaleTargetRef").path("name").asText("");
    String minPods = spec.hasNonNull("minReplicas") ? spec.path("minReplicas").asText() : "<unset>";
    return List.of(autoscaler.path("metadata").path("name").asText(), reference, metrics(spec.path("metrics"), status.path("currentMetrics")),
        minPods, spec.path("maxReplicas").asLong(), status.path("currentReplicas").asLong(), age);
  }

  /** Kubernetes' {@code formatHPAMetrics}: each spec metric beside the status metric at the same index. */
  static String metrics(JsonNode specs, JsonNode statuses) {
    if (specs.isEmpty()) {
      return "<none>";
    }
    List<String> shown = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      JsonNode spec = specs.get(i);
      JsonNode status = statuses.path(i);
      String type = spec.path("type").asText("");
      shown.add(switch (type) {
        case "External", "Object" -> {
          String source = type.equals("External") ? "external" : "object";
          JsonNode target = spec.path(source).path("target");
          JsonNode current = status.path(source).path("current");
          yield target.hasNonNull("averageValue")
              ? current.path("averageValue").asText(UNKNOWN) + "/" + target.path("averageValue").asText() + " (avg)"
              : current.path("value").asText(UNKNOWN) + "/" + target.path("value").asText("");
        }
        case "Pods" -> status.path("pods").path("current").path("averageValue").asText(UNKNOWN) + "/"
            + spec.path("pods").path("target").path("averageValue").asText("");
        case "Resource", "ContainerResource" -> {
          String source = type.equals("Resource") ? "resource" : "containerResource";
          JsonNode target = spec.path(source).path("target");
          JsonNode current = status.path(source).path("current");
          String name = spec.path(source).path("name").asText("") + ": ";
          if (target.hasNonNull("averageValue")) {
            yield name + current.path("averageValue").asText(UNKNOWN) + "/" + target.path("averageValue").asText();
          }
          String now = current.hasNonNull("averageUtilization") ? current.path("averageUtilization").asLong() + "%" : UNKNOWN;
          String wanted = target.hasNonNull("averageUtilization") ? target.path("averageUtilization").asLong() + "%" : "<auto>";
          yield name + now + "/" + wanted;
        }
        default -> "<unknown type>";
      });
    }
    String joined = String.join(", ", shown.subList(0, Math.min(MAX_METRICS, shown.size())));
    return shown.size() > MAX_METRICS ? joined + " + " + (shown.size() - MAX_METRICS) + " more..." : joined;
  }
}
