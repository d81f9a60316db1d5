package io.dirigent.controllers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a controller has asked for and not yet seen (client-go's ControllerExpectations): creates
 * and deletes recorded before they are sent, counted off as the informer delivers them. Until a
 * key's expectations are met — or have waited longer than {@link #TTL} — its reconcile does not
 * act again, so a lagging cache cannot make it create the same pods twice. Thread-safe: the
 * writes' callbacks forget what will never be observed.
 */
final class Expectations {

  static final Duration TTL = Duration.ofMinutes(5);

  private final Clock clock;
  private final Map<String, Pending> pending = new HashMap<>();

  private record Pending(int adds, int deletes, Instant since) {}

  Expectations(Clock clock) {
    this.clock = clock;
  }

  synchronized void expect(String key, int adds, int deletes) {
    pending.put(key, new Pending(adds, deletes, clock.instant()));
  }

  synchronized void created(String key) {
    pending.computeIfPresent(key, (k, p) -> new Pending(p.adds() - 1, p.deletes(), p.since()));
  }

  synchronized void deleted(String key) {
    pending.computeIfPresent(key, (k, p) -> new Pending(p.adds(), p.deletes() - 1, p.since()));
  }

  synchronized boolean satisfied(String key) {
    Pending p = pending.get(key);
    if (p == null) {
      return true;
    }
    if ((p.adds() <= 0 && p.deletes() <= 0) || p.since().plus(TTL).isBefore(clock.instant())) {
      pending.remove(key);
      return true;
    }
    return false;
  }

  synchronized void forget(String key) {
    pending.remove(key);
  }

  /**
   * The key of the {@code ownerKind} controlling a pod that changed, counting the change off
   * that owner's expectations: a pod seen for the first time was a create, a deleted one a delete.
   * A delete counts once the pod is gone, not when it is marked for deletion as Kubernetes counts
   * it: a DaemonSet starts a node's new pod only once the old one has stopped.
   */
  List<String> ownerOfPod(Controller.Change change, String ownerKind) {
    return Owners.controllerKey(change.object(), ownerKind).map(key -> {
      if (change.deleted()) {
        deleted(key);
      } else if (change.previous() == null) {
        created(key);
      }
      return List.of(key);
    }).orElse(List.of());
  }
}
