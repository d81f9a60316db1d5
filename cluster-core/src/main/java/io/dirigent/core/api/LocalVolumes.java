package io.dirigent.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * What a PersistentVolume says about where it lives: the one node its required node affinity pins
 * it to (as the local-path provisioner writes it: {@code kubernetes.io/hostname In [node]}) and
 * its path there. Read by the store's access rules, the controllers, the scheduler and the node.
 */
public final class LocalVolumes {

  private LocalVolumes() {}

  /**
   * The node every required term of {@code pv}'s node affinity names by hostname (In, one value);
   * empty when it names none or several, or does not pin it to one node.
   */
  public static Optional<String> node(JsonNode pv) {
    JsonNode terms = pv == null ? null : pv.path("spec").path("nodeAffinity").path("required").path("nodeSelectorTerms");
    if (terms == null || !terms.isArray() || terms.isEmpty()) {
      return Optional.empty();
    }
    String pinned = null;
    for (JsonNode term : terms) {
      String named = null;
      for (JsonNode expression : term.path("matchExpressions")) {
        JsonNode values = expression.path("values");
        if (Storage.HOSTNAME_LABEL.equals(expression.path("key").asText()) && "In".equals(expression.path("operator").asText())
            && values.size() == 1) {
          named = values.get(0).asText();
        }
      }
      if (named == null || (pinned != null && !pinned.equals(named))) {
        return Optional.empty();
      }
      pinned = named;
    }
    return Optional.ofNullable(pinned);
  }

  /** Whether {@code pv} is pinned to {@code node}. */
  public static boolean pinnedTo(JsonNode pv, String node) {
    return node(pv).map(node::equals).orElse(false);
  }

  /** The volume's path on its node: {@code spec.local.path} or {@code spec.hostPath.path}; empty for other sources. */
  public static Optional<String> path(JsonNode pv) {
    JsonNode spec = pv.path("spec");
    String path = spec.path("local").path("path").asText(spec.path("hostPath").path("path").asText(""));
    return path.isEmpty() ? Optional.empty() : Optional.of(path);
  }

  /** Whether {@code proposed} is {@code current} with some of its finalizers removed and nothing else changed. */
  public static boolean onlyFinalizersRemoved(JsonNode current, JsonNode proposed) {
    if (current == null || proposed == null) {
      return false;
    }
    for (String field : new String[] {"spec", "status"}) {
      if (!KubeJson.sameContent(current.path(field), proposed.path(field))) {
        return false;
      }
    }
    JsonNode before = current.path("metadata");
    JsonNode after = proposed.path("metadata");
    for (String field : new String[] {"labels", "annotations", "ownerReferences", "name"}) {
      if (!KubeJson.sameContent(before.path(field), after.path(field))) {
        return false;
      }
    }
    Set<String> kept = new HashSet<>();
    before.path("finalizers").forEach(finalizer -> kept.add(finalizer.asText()));
    for (JsonNode finalizer : after.path("finalizers")) {
      if (!kept.contains(finalizer.asText())) {
        return false;
      }
    }
    return true;
  }
}
