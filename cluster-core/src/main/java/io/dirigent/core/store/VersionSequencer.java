package io.dirigent.core.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hands out the resourceVersions of one resource and releases committed changes strictly in
 * version order: a change is released only once every earlier version it handed out has been
 * committed or abandoned. That is what lets a watcher resume from any version and miss nothing,
 * although the writes themselves are persisted concurrently by many entities.
 *
 * <p>Versions come from a durably reserved block ({@link #extendReservation}); after a restart
 * the next block starts above the old one, so no version is ever handed out twice.
 *
 * <p>Not thread-safe: owned by one {@link ResourceIndex} actor.
 */
final class VersionSequencer {

  /** A committed change, ready to be applied to the cache. */
  record Released(String key, long resourceVersion, ObjectNode object, boolean deleted) {}

  /** A version handed out and not yet released. */
  private static final class Slot {
    final String key;
    final long version;
    final long grantedAtNanos;
    boolean resolved;
    Released committed;

    Slot(String key, long version, long grantedAtNanos) {
      this.key = key;
      this.version = version;
      this.grantedAtNanos = grantedAtNanos;
    }
  }

  private final TreeMap<Long, Slot> pending = new TreeMap<>();
  private final Map<String, Slot> pendingByKey = new HashMap<>();
  /** Commits of versions this incarnation never handed out (sent to a previous one). */
  private final List<Released> late = new ArrayList<>();
  private long next;
  private long reservedUpTo;

  /** Starts above everything a previous incarnation may have handed out. */
  VersionSequencer(long previousReservation) {
    this.next = previousReservation + 1;
    this.reservedUpTo = previousReservation;
  }

  /** How many more versions can be handed out before a new block must be reserved. */
  long available() {
    return reservedUpTo - next + 1;
  }

  long reservedUpTo() {
    return reservedUpTo;
  }

  void extendReservation(long upTo) {
    if (upTo > reservedUpTo) {
      reservedUpTo = upTo;
    }
  }

  /** The next version for {@code key}; the caller has checked {@link #available()}. */
  long grant(String key, long nowNanos) {
    if (next > reservedUpTo) {
      throw new IllegalStateException("no reserved versions left");
    }
    if (pendingByKey.containsKey(key)) {
      throw new IllegalStateException("a version is already outstanding for " + key);
    }
    Slot slot = new Slot(key, next++, nowNanos);
    pending.put(slot.version, slot);
    pendingByKey.put(key, slot);
    return slot.version;
  }

  /**
   * Settles the outstanding version of {@code key} from what its entity has persisted: committed
   * if the entity's latest version is that one, abandoned otherwise. With {@code expected} > 0,
   * only that version is settled (an answer about it may arrive after a newer one was handed out).
   */
  void settle(String key, long expected, long latestVersion, ObjectNode latest, boolean exists) {
    Slot slot = pendingByKey.get(key);
    if (slot == null || (expected > 0 && slot.version != expected)) {
      return;
    }
    if (latest != null && latestVersion == slot.version) {
      commit(key, slot.version, latest, !exists);
    } else {
      // Older: the write never reached the journal. Newer cannot happen, as an entity writes one
      // version at a time and reports each before asking for the next; should it ever, the newer
      // version supersedes this one for watchers.
      abandon(key, slot.version);
    }
  }

  /** The version was persisted. A version this incarnation did not hand out is kept as late. */
  void commit(String key, long version, ObjectNode object, boolean deleted) {
    Slot slot = pending.get(version);
    if (slot == null || !slot.key.equals(key)) {
      late.add(new Released(key, version, object, deleted));
      return;
    }
    slot.resolved = true;
    slot.committed = new Released(key, version, object, deleted);
    pendingByKey.remove(key, slot);
  }

  /** The version will never be persisted. */
  void abandon(String key, long version) {
    Slot slot = pending.get(version);
    if (slot != null && slot.key.equals(key)) {
      slot.resolved = true;
      pendingByKey.remove(key, slot);
    }
  }

  /** Everything releasable now, in order: late commits first, then the resolved prefix. */
  List<Released> drain() {
    List<Released> released = new ArrayList<>(late);
    late.clear();
    while (!pending.isEmpty() && pending.firstEntry().getValue().resolved) {
      Slot slot = pending.pollFirstEntry().getValue();
      if (slot.committed != null) {
        released.add(slot.committed);
      }
    }
    return released;
  }

  /** Outstanding versions handed out before {@code cutoffNanos}, oldest first: key and version. */
  List<Map.Entry<String, Long>> overdue(long cutoffNanos) {
    List<Map.Entry<String, Long>> overdue = new ArrayList<>();
    for (Slot slot : pending.values()) {
      if (slot.grantedAtNanos > cutoffNanos) {
        break;
      }
      if (!slot.resolved) {
        overdue.add(Map.entry(slot.key, slot.version));
      }
    }
    return overdue;
  }

  int outstanding() {
    return pending.size();
  }

  /** The last version handed out (0: none yet). */
  long lastGranted() {
    return next - 1;
  }

  /**
   * The version up to which every version handed out is settled (committed or abandoned) and
   * drained: what a reader who saw any of them acknowledged may expect in the cache.
   */
  long settledThrough() {
    return pending.isEmpty() ? next - 1 : pending.firstKey() - 1;
  }

  /** Whether a version handed out for {@code key} is neither committed nor abandoned yet. */
  boolean outstanding(String key) {
    return pendingByKey.containsKey(key);
  }
}
