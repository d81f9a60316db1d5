package io.dirigent.controllers;

import io.dirigent.core.api.ConditionStatus;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The arithmetic of a PodDisruptionBudget's status, as Kubernetes' disruption controller does it:
 * how many pods the budget expects and wants healthy, how many are, and so how many may be
 * disrupted now. Pure, for table tests.
 */
final class DisruptionBudgets {

  /** How long an eviction's pod stays counted as disrupted before it is gone (DeletionTimeout). */
  static final Duration DELETION_TIMEOUT = Duration.ofMinutes(2);

  static final String DISRUPTION_ALLOWED = "DisruptionAllowed";
  static final String SUFFICIENT_PODS = "SufficientPods";
  static final String INSUFFICIENT_PODS = "InsufficientPods";
  static final String SYNC_FAILED = "SyncFailed";

  private DisruptionBudgets() {}

  /** One pod the budget selects: whether it is being deleted, and whether it is Ready. */
  record PodState(String name, boolean deleting, boolean ready, Optional<String> controllerUid) {}

  /** What the status says; {@code failure} (SyncFailed) when it cannot be counted, then nothing may be disrupted. */
  record Counts(int expectedPods, int desiredHealthy, int currentHealthy, int disruptionsAllowed,
      Map<String, Instant> disruptedPods, Optional<Duration> recheck, Optional<String> failure) {

    String conditionStatus() {
      return ConditionStatus.of(failure.isEmpty() && disruptionsAllowed > 0);
    }

    String conditionReason() {
      return failure.isPresent() ? SYNC_FAILED : disruptionsAllowed > 0 ? SUFFICIENT_PODS : INSUFFICIENT_PODS;
    }
  }

  /**
   * The budget's counts. {@code scales}: for each pod's controller (by uid), the replicas it
   * asks for — a Deployment's for its ReplicaSets' pods — absent when the pod has none Dirigent
   * knows the scale of. {@code disrupted}: the status's disruptedPods (evicted, not yet deleted).
   */
  static Counts count(IntOrString minAvailable, IntOrString maxUnavailable, List<PodState> pods, Map<String, Integer> scales,
      Map<String, Instant> disrupted, Instant now) {
    int expected;
    int desired;
    if (maxUnavailable != null || minAvailable != null && minAvailable.getStrVal() != null) {
      Optional<String> unmanaged = pods.stream().filter(pod -> pod.controllerUid().map(uid -> !scales.containsKey(uid)).orElse(true))
          .map(PodState::name).findFirst();
      if (unmanaged.isPresent()) {
        return failed(pods, "found no controllers for pod \"" + unmanaged.get() + "\"");
      }
      expected = pods.stream().map(pod -> pod.controllerUid().orElseThrow()).distinct().mapToInt(scales::get).sum();
      if (maxUnavailable != null) {
        desired = Math.max(0, expected - RollingMath.resolve(maxUnavailable, expected, true));
      } else {
        desired = RollingMath.resolve(minAvailable, expected, true);
      }
    } else {
      expected = pods.size();
      desired = minAvailable == null ? 0 : Math.max(0, minAvailable.getIntVal() == null ? 0 : minAvailable.getIntVal());
    }
    // An evicted pod counts as disrupted until it is being deleted, or for DELETION_TIMEOUT at most.
    Map<String, Instant> stillDisrupted = new TreeMap<>();
    Instant recheckAt = null;
    for (PodState pod : pods) {
      Instant evicted = disrupted.get(pod.name());
      if (evicted == null || pod.deleting()) {
        continue;
      }
      Instant expires = evicted.plus(DELETION_TIMEOUT);
      if (expires.isAfter(now)) {
        stillDisrupted.put(pod.name(), evicted);
        recheckAt = recheckAt == null || expires.isBefore(recheckAt) ? expires : recheckAt;
      }
    }
    int healthy = (int) pods.stream().filter(pod -> !pod.deleting() && pod.ready() && !stillDisrupted.containsKey(pod.name())).count();
    int allowed = expected <= 0 ? 0 : Math.max(0, healthy - desired);
    return new Counts(expected, desired, healthy, allowed, stillDisrupted,
        Optional.ofNullable(recheckAt).map(at -> Duration.between(now, at)), Optional.empty());
  }

  private static Counts failed(List<PodState> pods, String why) {
    int healthy = (int) pods.stream().filter(pod -> !pod.deleting() && pod.ready()).count();
    return new Counts(0, 0, healthy, 0, Map.of(), Optional.empty(), Optional.of(why));
  }
}
