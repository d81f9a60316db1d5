package io.dirigent.controllers;

import io.dirigent.core.api.PodConditions;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Kubernetes' availability (podutil.IsPodAvailable): a pod Ready for longer than
 * minReadySeconds; without minReadySeconds, a Ready pod at once.
 */
final class Availability {

  /** How long after a pod is due to turn available it is looked at again, so that it has by then. */
  static final Duration MARGIN = Duration.ofMillis(100);

  private Availability() {}

  /**
   * Whether {@code pod} is available at {@code now}. Without minReadySeconds the time the pod
   * turned Ready does not matter — its node's clock stamped it, and may run ahead of ours. With
   * them, a Ready pod whose transition time is unknown is not available, as in Kubernetes.
   */
  static boolean availableFor(Pod pod, int minReadySeconds, Instant now) {
    PodCondition ready = readyCondition(pod);
    if (ready == null) {
      return false;
    }
    if (minReadySeconds <= 0) {
      return true;
    }
    Instant since = transitionTime(ready);
    return since != null && since.plusSeconds(minReadySeconds).isBefore(now);
  }

  /** When the pod last became Ready; null if it is not Ready or that time is unknown. */
  static Instant readySince(Pod pod) {
    PodCondition ready = readyCondition(pod);
    return ready == null ? null : transitionTime(ready);
  }

  /**
   * How long until the soonest ready pod turns available, and {@link #MARGIN}; null if none will
   * without a change.
   */
  static Duration nextAvailable(List<Pod> pods, int minReadySeconds, Instant now) {
    if (minReadySeconds <= 0) {
      return null;
    }
    Duration next = null;
    for (Pod pod : pods) {
      Instant since = readySince(pod);
      if (since != null) {
        // Zero left: due now, but available only once it has been ready for longer.
        Duration left = Duration.between(now, since.plusSeconds(minReadySeconds));
        if (!left.isNegative() && (next == null || left.compareTo(next) < 0)) {
          next = left;
        }
      }
    }
    return next == null ? null : next.plus(MARGIN);
  }

  /** The pod's Ready condition when it is True, else null. */
  private static PodCondition readyCondition(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return null;
    }
    for (PodCondition condition : pod.getStatus().getConditions()) {
      if (PodConditions.READY.equals(condition.getType()) && PodConditions.TRUE.equals(condition.getStatus())) {
        return condition;
      }
    }
    return null;
  }

  private static Instant transitionTime(PodCondition condition) {
    if (condition.getLastTransitionTime() == null) {
      return null;
    }
    try {
      return Instant.parse(condition.getLastTransitionTime());
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
