package io.dirigent.node;

import io.fabric8.kubernetes.api.model.Probe;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The kubelet's probe results per container instance: a result changes only after
 * {@code successThreshold} successes or {@code failureThreshold} failures in a row. Readiness
 * and startup start failed (not ready, not started), liveness starts succeeded.
 */
final class ProbeTracker {

  enum Kind { STARTUP, READINESS, LIVENESS }

  record Key(String containerId, Kind kind) {}

  private static final class Counts {
    boolean result;
    int successes;
    int failures;

    Counts(boolean initial) {
      this.result = initial;
    }
  }

  private final Map<Key, Counts> counts = new HashMap<>();

  /** What one probe outcome did to the result. */
  enum Change {
    NONE,
    /** The result turned to success (ready, started). */
    SUCCEEDED,
    /** Failures in a row reached the threshold: not ready; for liveness and startup, kill. */
    FAILED
  }

  Change record(Key key, Probe probe, boolean success) {
    Counts c = counts.computeIfAbsent(key, k -> new Counts(k.kind() == Kind.LIVENESS));
    int successThreshold = probe.getSuccessThreshold() == null || probe.getSuccessThreshold() < 1 ? 1 : probe.getSuccessThreshold();
    int failureThreshold = probe.getFailureThreshold() == null || probe.getFailureThreshold() < 1 ? 3 : probe.getFailureThreshold();
    if (success) {
      c.successes++;
      c.failures = 0;
      if (!c.result && c.successes >= successThreshold) {
        c.result = true;
        return Change.SUCCEEDED;
      }
      return Change.NONE;
    }
    c.failures++;
    c.successes = 0;
    if (c.failures == failureThreshold) {
      c.result = false;
      return Change.FAILED;
    }
    return Change.NONE;
  }

  /** The current result; a probe that has not run yet has its initial one. */
  boolean result(Key key) {
    Counts c = counts.get(key);
    return c == null ? key.kind() == Kind.LIVENESS : c.result;
  }

  /** Forgets every container instance not in {@code alive}. */
  void retain(Set<String> alive) {
    counts.keySet().removeIf(key -> !alive.contains(key.containerId()));
  }
}
