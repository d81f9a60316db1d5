package io.dirigent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.core.api.ResourceType;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** kubectl-like tables: the columns kubectl shows for each kind, NAME and AGE for the rest. */
final class Tables {

  private Tables() {}

  static List<String> header(ResourceType type, boolean wide, boolean allNamespaces) {
    List<String> header = new ArrayList<>();
    if (allNamespaces && type.namespaced()) {
      header.add("NAMESPACE");
    }
    header.add("NAME");
    header.addAll(switch (type.resource()) {
      case "pods" -> wide ? List.of("READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE") : List.of("READY", "STATUS", "RESTARTS", "AGE");
      case "deployments.apps" -> List.of("READY", "UP-TO-DATE", "AVAILABLE", "AGE");
      case "replicasets.apps" -> List.of("DESIRED", "CURRENT", "READY", "AGE");
      case "daemonsets.apps" -> List.of("DESIRED", "CURRENT", "READY", "AGE");
      case "services" -> List.of("TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE");
      case "nodes" -> List.of("STATUS", "ROLES", "AGE", "VERSION");
      case "namespaces" -> List.of("STATUS", "AGE");
      case "configmaps" -> List.of("DATA", "AGE");
      case "secrets" -> List.of("TYPE", "DATA", "AGE");
      default -> List.of("AGE");
    });
    return header;
  }

  static List<String> row(ResourceType type, JsonNode object, boolean wide, boolean allNamespaces, Instant now) {
    List<String> row = new ArrayList<>();
    JsonNode metadata = object.path("metadata");
    if (allNamespaces && type.namespaced()) {
      row.add(metadata.path("namespace").asText());
    }
    row.add(metadata.path("name").asText());
    String age = age(metadata.path("creationTimestamp").asText(""), now);
    JsonNode spec = object.path("spec");
    JsonNode status = object.path("status");
    switch (type.resource()) {
      case "pods" -> {
        int containers = spec.path("containers").size();
        int ready = 0;
        int restarts = 0;
        for (JsonNode container : status.path("containerStatuses")) {
          ready += container.path("ready").asBoolean() ? 1 : 0;
          restarts += container.path("restartCount").asInt();
        }
        row.addAll(List.of(ready + "/" + containers, podStatus(object), Integer.toString(restarts), age));
        if (wide) {
          row.add(status.path("podIP").asText("<none>"));
          row.add(spec.path("nodeName").asText("<none>"));
        }
      }
      case "deployments.apps" -> row.addAll(List.of(
          status.path("readyReplicas").asInt() + "/" + spec.path("replicas").asInt(1),
          Integer.toString(status.path("updatedReplicas").asInt()), Integer.toString(status.path("availableReplicas").asInt()), age));
      case "replicasets.apps" -> row.addAll(List.of(Integer.toString(spec.path("replicas").asInt(1)),
          Integer.toString(status.path("replicas").asInt()), Integer.toString(status.path("readyReplicas").asInt()), age));
      case "daemonsets.apps" -> row.addAll(List.of(Integer.toString(status.path("desiredNumberScheduled").asInt()),
          Integer.toString(status.path("currentNumberScheduled").asInt()), Integer.toString(status.path("numberReady").asInt()), age));
      case "services" -> {
        List<String> ports = new ArrayList<>();
        for (JsonNode port : spec.path("ports")) {
          String nodePort = port.hasNonNull("nodePort") ? ":" + port.path("nodePort").asInt() : "";
          ports.add(port.path("port").asInt() + nodePort + "/" + port.path("protocol").asText("TCP"));
        }
        row.addAll(List.of(spec.path("type").asText("ClusterIP"), spec.path("clusterIP").asText("<none>"), "<none>",
            ports.isEmpty() ? "<none>" : String.join(",", ports), age));
      }
      case "nodes" -> {
        String ready = "Unknown";
        for (JsonNode condition : status.path("conditions")) {
          if (condition.path("type").asText().equals("Ready")) {
            ready = condition.path("status").asText().equals("True") ? "Ready" : "NotReady";
          }
        }
        if (spec.path("unschedulable").asBoolean()) {
          ready += ",SchedulingDisabled";
        }
        row.addAll(List.of(ready, "<none>", age, status.path("nodeInfo").path("kubeletVersion").asText("")));
      }
      case "namespaces" -> row.addAll(List.of(status.path("phase").asText("Active"), age));
      case "configmaps" -> row.addAll(List.of(Integer.toString(object.path("data").size() + object.path("binaryData").size()), age));
      case "secrets" -> row.addAll(List.of(object.path("type").asText("Opaque"), Integer.toString(object.path("data").size()), age));
      default -> row.add(age);
    }
    return row;
  }

  /** Prints rows in columns three spaces apart, as kubectl does. */
  static void print(PrintWriter out, List<List<String>> rows) {
    int columns = rows.stream().mapToInt(List::size).max().orElse(0);
    int[] widths = new int[columns];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        line.append(row.get(i));
        if (i < row.size() - 1) {
          line.append(" ".repeat(widths[i] - row.get(i).length() + 3));
        }
      }
      out.println(line);
    }
    out.flush();
  }

  /** kubectl's short ages: 45s, 3m20s, 17m, 5h12m, 9h, 3d4h, 12d. */
  static String age(String timestamp, Instant now) {
    if (timestamp.isEmpty()) {
      return "<unknown>";
    }
    Duration age;
    try {
      age = Duration.between(Instant.parse(timestamp), now);
    } catch (DateTimeParseException e) {
      return "<invalid>";
    }
    long seconds = Math.max(0, age.getSeconds());
    if (seconds < 120) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 10) {
      return seconds % 60 == 0 ? minutes + "m" : minutes + "m" + seconds % 60 + "s";
    }
    long hours = minutes / 60;
    if (hours < 3) {
      return minutes + "m";
    }
    if (hours < 8) {
      return minutes % 60 == 0 ? hours + "h" : hours + "h" + minutes % 60 + "m";
    }
    long days = hours / 24;
    if (hours < 48) {
      return hours + "h";
    }
    if (days < 8) {
      return hours % 24 == 0 ? days + "d" : days + "d" + hours % 24 + "h";
    }
    return days + "d";
  }

  /**
   * The STATUS column kubectl prints for a pod: the phase, unless a container says more — an init
   * container still running or failing ({@code Init:0/2}, {@code Init:Error}), or an app
   * container waiting ({@code CrashLoopBackOff}, {@code ErrImagePull}) or terminated
   * ({@code Completed}, {@code OOMKilled}); {@code Terminating} once deletion started.
   */
  static String podStatus(JsonNode pod) {
    JsonNode status = pod.path("status");
    String reason = status.hasNonNull("reason") ? status.path("reason").asText() : status.path("phase").asText("Pending");
    JsonNode inits = status.path("initContainerStatuses");
    boolean initializing = false;
    for (int i = 0; i < inits.size(); i++) {
      JsonNode state = inits.get(i).path("state");
      if (state.path("terminated").path("exitCode").asInt(-1) == 0) {
        continue;
      }
      if (state.has("terminated")) {
        JsonNode terminated = state.path("terminated");
        reason = "Init:" + (terminated.hasNonNull("reason") ? terminated.path("reason").asText() : "ExitCode:" + terminated.path("exitCode").asInt());
      } else if (state.path("waiting").hasNonNull("reason") && !state.path("waiting").path("reason").asText().equals("PodInitializing")) {
        reason = "Init:" + state.path("waiting").path("reason").asText();
      } else {
        reason = "Init:" + i + "/" + pod.path("spec").path("initContainers").size();
      }
      initializing = true;
      break;
    }
    if (!initializing) {
      JsonNode containers = status.path("containerStatuses");
      for (int i = containers.size() - 1; i >= 0; i--) {
        JsonNode state = containers.get(i).path("state");
        if (state.path("waiting").hasNonNull("reason")) {
          reason = state.path("waiting").path("reason").asText();
        } else if (state.has("terminated")) {
          JsonNode terminated = state.path("terminated");
          reason = terminated.hasNonNull("reason") ? terminated.path("reason").asText() : "ExitCode:" + terminated.path("exitCode").asInt();
        }
      }
    }
    return pod.path("metadata").hasNonNull("deletionTimestamp") ? "Terminating" : reason;
  }
}
