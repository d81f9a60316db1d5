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
 * act again, so a lagging cache cannot make it create the same pods twice. A write that failed will
 * never be seen, so it is counted off at once ({@link #createFailed}, {@link #deleteFailed}) — that
 * one alone: the writes of the same batch that succeeded are still expected, or the next reconcile,
 * before the cache has them, would make them again. Thread-safe: the writes' callbacks count off
 * what failed.
 */
final class Expectations {

  /**
   * Kubernetes' ExpectationsTimeout, a constant there too: long enough for any informer to catch
   * up, short enough that a lost observation does not stall a controller for good.
   */
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

  /** A create that was sent and failed: it will never be observed, so one fewer is expected. */
  void createFailed(String key) {
    created(key);
  }

  /**
   * A delete that was sent and failed, or found the object gone already: no deletion of it is
   * expected any more (as Kubernetes counts a NotFound too).
   */
  void deleteFailed(String key) {
    deleted(key);
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

  /** Drops the key's expectations: its owner is gone. */
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
