package io.dirigent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.cli.client.ApiClient;
import io.dirigent.cli.client.CliException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** The pod a command works on when it is named through its workload or service ({@code deploy/web}). */
final class Pods {

  private Pods() {}

  /** The pod itself, or the best pod the object selects: running and ready first, then running, then newest. */
  static JsonNode pick(ApiClient client, String namespace, Target target) {
    if (target.type().resource().equals("pods")) {
      return client.get(ApiClient.path(target.type(), namespace, target.name()));
    }
    JsonNode object = client.get(ApiClient.path(target.type(), namespace, target.name()));
    String selector = selector(object, target);
    JsonNode list = client.get(ApiClient.query(ApiClient.path(ClientOptions.resource("pods"), namespace, null), Map.of("labelSelector", selector)));
    List<JsonNode> pods = new ArrayList<>();
    list.path("items").forEach(pods::add);
    return pods.stream()
        .filter(pod -> pod.path("metadata").path("deletionTimestamp").isMissingNode())
        .min(Comparator.comparingInt(Pods::rank).thenComparing(
            pod -> pod.path("metadata").path("creationTimestamp").asText(), Comparator.reverseOrder()))
        .orElseThrow(() -> new CliException("no pods of " + target.label() + " (selector " + selector + ")"));
  }

  /** The label selector {@code object} picks its pods with, as a query. */
  private static String selector(JsonNode object, Target target) {
    JsonNode selector = object.path("spec").path("selector");
    JsonNode labels = selector.has("matchLabels") || selector.has("matchExpressions") ? selector.path("matchLabels") : selector;
    if (selector.has("matchExpressions") && !selector.path("matchExpressions").isEmpty()) {
      throw new CliException("cannot find the pods of " + target.label() + ": its selector uses matchExpressions; name a pod");
    }
    List<String> terms = new ArrayList<>();
    labels.fields().forEachRemaining(entry -> terms.add(entry.getKey() + "=" + entry.getValue().asText()));
    if (terms.isEmpty()) {
      throw new CliException(target.label() + " selects no pods; name a pod");
    }
    return String.join(",", terms);
  }

  private static int rank(JsonNode pod) {
    boolean running = pod.path("status").path("phase").asText().equals("Running");
    boolean ready = false;
    for (JsonNode condition : pod.path("status").path("conditions")) {
      if (condition.path("type").asText().equals("Ready") && condition.path("status").asText().equals("True")) {
        ready = true;
      }
    }
    return running && ready ? 0 : running ? 1 : 2;
  }
}
