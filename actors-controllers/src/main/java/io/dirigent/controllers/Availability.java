package io.dirigent.controllers;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Kubernetes' availability: a pod ready for at least minReadySeconds. */
final class Availability {

  private Availability() {}

  static boolean availableFor(Pod pod, int minReadySeconds, Instant now) {
    Instant since = readySince(pod);
    return since != null && !since.plusSeconds(minReadySeconds).isAfter(now);
  }

  /** When the pod last became Ready, or null if it is not Ready. */
  static Instant readySince(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return null;
    }
    for (PodCondition condition : pod.getStatus().getConditions()) {
      if (condition.getType().equals("Ready") && condition.getStatus().equals("True")) {
        try {
          return condition.getLastTransitionTime() == null ? Instant.EPOCH : Instant.parse(condition.getLastTransitionTime());
        } catch (java.time.format.DateTimeParseException e) {
          return Instant.EPOCH;
        }
      }
    }
    return null;
  }

  /** How long until the next ready pod turns available; null if none will without a change. */
  static Duration nextAvailable(List<Pod> pods, int minReadySeconds, Instant now) {
    if (minReadySeconds <= 0) {
      return null;
    }
    Duration next = null;
    for (Pod pod : pods) {
      Instant since = readySince(pod);
      if (since != null) {
        Duration left = Duration.between(now, since.plusSeconds(minReadySeconds));
        if (!left.isNegative() && (next == null || left.compareTo(next) < 0)) {
          next = left.plusMillis(100);
        }
      }
    }
    return next;
  }
}
