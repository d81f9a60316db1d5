package io.dirigent.controllers;

import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.ArrayList;
import java.util.List;

/**
 * The arithmetic of a rolling update, as Kubernetes' deployment controller does it (rolling.go,
 * deployment/util). Pure functions over replica counts.
 *
 * <p>Worked example: replicas 4, maxSurge 25 %, maxUnavailable 25 %. Surge rounds up: ⌈1⌉ = 1;
 * unavailable rounds down: ⌊1⌋ = 1. So at most 4 + 1 = 5 pods exist, and at least 4 − 1 = 3 are
 * available. From old 4 / new 0: scale new up to 5 − 4 = 1 → old 4, new 1 (5 pods). Old may go
 * down by (5 − 3 − 1 unavailable new) = 1 → old 3. When the new pod is available: new up to 2,
 * old down to 2 … until new 4, old 0.
 */
final class RollingMath {

  private RollingMath() {}

  /** maxSurge and maxUnavailable as pod counts; both 0 would stall, so unavailable becomes 1. */
  record Limits(int maxSurge, int maxUnavailable) {}

  static Limits limits(IntOrString maxSurge, IntOrString maxUnavailable, int replicas) {
    int surge = resolve(maxSurge == null ? new IntOrString("25%") : maxSurge, replicas, true);
    int unavailable = resolve(maxUnavailable == null ? new IntOrString("25%") : maxUnavailable, replicas, false);
    if (surge == 0 && unavailable == 0) {
      unavailable = 1;
    }
    return new Limits(surge, unavailable);
  }

  /** An absolute count, or a percentage of replicas rounded up (surge) or down (unavailable). */
  static int resolve(IntOrString value, int replicas, boolean roundUp) {
    if (value.getStrVal() == null) {
      return Math.max(0, value.getIntVal() == null ? 0 : value.getIntVal());
    }
    String text = value.getStrVal().strip();
    if (!text.endsWith("%")) {
      return Math.max(0, Integer.parseInt(text));
    }
    double percent = Double.parseDouble(text.substring(0, text.length() - 1));
    double exact = percent * replicas / 100.0;
    return (int) (roundUp ? Math.ceil(exact) : Math.floor(exact));
  }

  /** The new ReplicaSet's next size: up by what the surge allows, never past {@code replicas}. */
  static int scaleUpNew(int replicas, int newSpec, int allSpecs, Limits limits) {
    if (newSpec > replicas) {
      return replicas;
    }
    int allowed = replicas + limits.maxSurge() - allSpecs;
    if (allowed <= 0) {
      return newSpec;
    }
    return Math.min(replicas, newSpec + allowed);
  }

  /** One old ReplicaSet: its size now and how many of its pods are available. */
  record Old(String name, int spec, int available) {}

  /**
   * The old ReplicaSets' next sizes (oldest first in, same order out): first their unavailable
   * pods go, as far as the budget allows, then available ones, as far as the minimum available
   * allows.
   */
  static List<Integer> scaleDownOld(int replicas, List<Old> olds, int newSpec, int newAvailable, int allAvailable, Limits limits) {
    List<Integer> next = new ArrayList<>();
    olds.forEach(old -> next.add(old.spec()));
    int allSpecs = newSpec + olds.stream().mapToInt(Old::spec).sum();
    int minAvailable = replicas - limits.maxUnavailable();
    int newUnavailable = Math.max(0, newSpec - newAvailable);
    int budget = allSpecs - minAvailable - newUnavailable;
    if (budget <= 0) {
      return next;
    }
    // Unhealthy first: removing pods that are not available costs no availability.
    int cleaned = 0;
    for (int i = 0; i < olds.size() && cleaned < budget; i++) {
      Old old = olds.get(i);
      int unhealthy = Math.max(0, old.spec() - old.available());
      int down = Math.min(unhealthy, budget - cleaned);
      next.set(i, old.spec() - down);
      cleaned += down;
    }
    // Then healthy ones, keeping at least minAvailable available.
    int canGo = allAvailable - minAvailable;
    int gone = 0;
    for (int i = 0; i < olds.size() && gone < canGo && cleaned + gone < budget; i++) {
      int down = Math.min(next.get(i), Math.min(canGo - gone, budget - cleaned - gone));
      next.set(i, next.get(i) - down);
      gone += down;
    }
    return next;
  }
}
