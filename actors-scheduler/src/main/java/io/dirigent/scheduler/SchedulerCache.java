package io.dirigent.scheduler;

import io.fabric8.kubernetes.api.model.Node;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The nodes as the scheduler sees them and the pods that take room on them, as kube-scheduler's
 * cache keeps them: pods seen bound, and pods <em>assumed</em> on the node the scheduler chose for
 * them from the decision until their binding is seen (or fails), so the next decisions already
 * count them and no node is over-committed. A pod bound to a node not seen yet counts on it from
 * the moment it appears.
 *
 * <p>Not thread-safe: the scheduler's actor owns it.
 */
final class SchedulerCache {

  /** Where a pod takes room, and whether the store has confirmed it. */
  private record Placement(String node, PodInfo pod, boolean assumed) {}

  private final Map<String, NodeInfo> nodes = new HashMap<>();
  private final List<NodeInfo> nodeList = new ArrayList<>();
  private final Map<String, Placement> placements = new HashMap<>();

  /**
   * A node was seen (new or changed); answers whether the change could let a pod fit that did not:
   * a new node, more room, fewer taints, Ready, uncordoned, new labels.
   */
  boolean upsertNode(Node node) {
    NodeInfo info = nodes.get(node.getMetadata().getName());
    if (info == null) {
      info = new NodeInfo(node);
      nodes.put(info.name(), info);
      nodeList.add(info);
      for (Placement placement : placements.values()) {
        if (placement.node().equals(info.name())) {
          info.add(placement.pod());
        }
      }
      return true;
    }
    boolean friendlier = becameFriendlier(info.node(), node);
    info.update(node);
    return friendlier;
  }

  void removeNode(String name) {
    NodeInfo gone = nodes.remove(name);
    if (gone != null) {
      nodeList.remove(gone);
    }
  }

  /** The nodes in the order they were first seen (the algorithm's rotation walks this list). */
  List<NodeInfo> nodes() {
    return Collections.unmodifiableList(nodeList);
  }

  Optional<NodeInfo> node(String name) {
    return Optional.ofNullable(nodes.get(name));
  }

  /** The scheduler chose {@code node} for {@code pod}: it takes room there until the binding is seen or fails. */
  void assume(PodInfo pod, String node) {
    place(pod, node, true);
  }

  /**
   * The store says {@code podKey} is bound to {@code node}: answers true when it already counts
   * there (seen bound, or assumed — now confirmed), false when it must be given to {@link #bound}.
   * A status write of a running pod costs no more than this lookup.
   */
  boolean confirm(String podKey, String node) {
    Placement known = placements.get(podKey);
    if (known == null || !known.node().equals(node)) {
      return false;
    }
    if (known.assumed()) {
      placements.put(podKey, new Placement(node, known.pod(), false));
    }
    return true;
  }

  /** The store says {@code pod} is bound to {@code node}, where it did not count yet (or elsewhere). */
  void bound(PodInfo pod, String node) {
    place(pod, node, false);
  }

  /**
   * The binding of {@code podKey} to {@code node} failed: if it is still assumed there, the room
   * is freed; a pod meanwhile seen bound (anywhere) stays where the store says it is.
   */
  void forgetAssumed(String podKey, String node) {
    Placement known = placements.get(podKey);
    if (known != null && known.assumed() && known.node().equals(node)) {
      remove(podKey);
    }
  }

  /** The pod finished or is gone: the room it took is free. Answers whether it took any. */
  boolean remove(String podKey) {
    Placement gone = placements.remove(podKey);
    if (gone != null) {
      node(gone.node()).ifPresent(info -> info.remove(podKey));
    }
    return gone != null;
  }

  /** Whether the pod is bound or assumed somewhere. */
  boolean isPlaced(String podKey) {
    return placements.containsKey(podKey);
  }

  /** Whether the pod is assumed (chosen, its binding not yet seen). */
  boolean isAssumed(String podKey) {
    Placement placement = placements.get(podKey);
    return placement != null && placement.assumed();
  }

  private void place(PodInfo pod, String node, boolean assumed) {
    Placement before = placements.put(pod.key(), new Placement(node, pod, assumed));
    if (before != null && !before.node().equals(node)) {
      node(before.node()).ifPresent(info -> info.remove(pod.key()));
    }
    node(node).ifPresent(info -> info.add(pod));
  }

  private static boolean becameFriendlier(Node before, Node after) {
    return !Objects.equals(before.getMetadata().getLabels(), after.getMetadata().getLabels())
        || !Objects.equals(before.getSpec(), after.getSpec())
        || !Objects.equals(before.getStatus() == null ? null : before.getStatus().getAllocatable(),
            after.getStatus() == null ? null : after.getStatus().getAllocatable())
        || NodeInfo.readyIn(before) != NodeInfo.readyIn(after);
  }
}
