package io.dirigent.controllers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a StatefulSet controller does next to its pods, as Kubernetes' stateful_set_control decides
 * it — pure, over the pods by ordinal. Worked example, OrderedReady, 3 replicas, web-0 Running and
 * Ready, web-1 Pending: web-2 is not made until web-1 is Ready ({@code [WAIT]}); scaled to 1 with
 * all Ready, web-2 goes first, then web-1 once web-2 is gone. Parallel makes and removes every pod
 * at once. A RollingUpdate, once every pod is Running and Ready, deletes the highest pod at or above
 * the partition that is not at the update revision — one at a time; it comes back at the new
 * revision. OnDelete leaves updates to the user; pods made anew take the update revision.
 */
final class StatefulSetPlan {

  private StatefulSetPlan() {}

  /** One pod as the controller sees it. */
  record PodState(int ordinal, String revision, boolean runningAndReady, boolean terminating, boolean failed) {
    PodState {
      Objects.requireNonNull(revision, "revision");
    }
  }

  /** Make the pod of this ordinal at this revision, or delete it. */
  record Action(Kind kind, int ordinal, String revision) {}

  enum Kind { CREATE, DELETE }

  /**
   * @param pods the set's pods by ordinal (ordinals at or above {@code replicas} included)
   */
  static List<Action> plan(int replicas, boolean parallel, boolean rollingUpdate, int partition, String currentRevision, String updateRevision,
      Map<Integer, PodState> pods) {
    List<Action> actions = new ArrayList<>();
    boolean healthy = true;
    for (int ordinal = 0; ordinal < replicas; ordinal++) {
      PodState pod = pods.get(ordinal);
      boolean atCurrent = rollingUpdate && ordinal < partition;
      if (pod == null) {
        actions.add(new Action(Kind.CREATE, ordinal, atCurrent ? currentRevision : updateRevision));
        healthy = false;
      } else if (pod.failed() && !pod.terminating()) {
        actions.add(new Action(Kind.DELETE, ordinal, pod.revision()));
        healthy = false;
      } else if (pod.terminating() || !pod.runningAndReady()) {
        healthy = false;
      } else {
        continue;
      }
      if (!parallel) {
        return actions;
      }
    }
    List<PodState> condemned = pods.values().stream().filter(pod -> pod.ordinal() >= replicas)
        .sorted((a, b) -> Integer.compare(b.ordinal(), a.ordinal())).toList();
    for (PodState pod : condemned) {
      if (!parallel && (!healthy || pod.terminating())) {
        // One at a time, highest first, and only while the rest are Running and Ready.
        return actions;
      }
      if (!pod.terminating()) {
        actions.add(new Action(Kind.DELETE, pod.ordinal(), pod.revision()));
        if (!parallel) {
          return actions;
        }
      }
    }
    if (!rollingUpdate || !healthy || !actions.isEmpty() || !condemned.isEmpty()) {
      return actions;
    }
    for (int ordinal = replicas - 1; ordinal >= Math.max(partition, 0); ordinal--) {
      PodState pod = pods.get(ordinal);
      if (!pod.revision().equals(updateRevision)) {
        actions.add(new Action(Kind.DELETE, ordinal, pod.revision()));
        return actions;
      }
    }
    return actions;
  }
}
