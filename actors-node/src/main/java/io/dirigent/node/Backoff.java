package io.dirigent.node;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The kubelet's restart back-off, per key (a container, or a container's image): the first
 * restart is at once; each later one waits twice as long as the one before, from {@code initial}
 * up to {@code max}. A container that ran for {@code resetAfter} before it failed starts over.
 *
 * <p>Worked example with initial 10 s and max 5 min: a container that crashes at once restarts
 * immediately (restart 1), then 10 s after that (2), then 20 s, 40 s, 80 s, 160 s, and every
 * 300 s from then on.
 */
final class Backoff {

  private final Duration initial;
  private final Duration max;
  private final Duration resetAfter;
  private final Map<String, Entry> entries = new HashMap<>();

  private record Entry(Instant lastRestart, Duration delay) {}

  Backoff(Duration initial, Duration max, Duration resetAfter) {
    this.initial = initial;
    this.max = max;
    this.resetAfter = resetAfter;
  }

  /**
   * When {@code key} may restart next: now (or earlier) means at once. {@code ranFor} is how
   * long the instance that just ended ran; a long run forgets the back-off.
   */
  Instant nextAllowed(String key, Duration ranFor) {
    Entry entry = entries.get(key);
    if (entry == null) {
      return Instant.MIN;
    }
    if (ranFor != null && ranFor.compareTo(resetAfter) >= 0) {
      entries.remove(key);
      return Instant.MIN;
    }
    return entry.lastRestart().plus(entry.delay());
  }

  /** The delay currently in force for {@code key} (what "back-off 10s" reports). */
  Duration delay(String key) {
    Entry entry = entries.get(key);
    return entry == null ? Duration.ZERO : entry.delay();
  }

  /** Records a restart of {@code key} at {@code now}; the next one waits longer. */
  void restarted(String key, Instant now) {
    Entry entry = entries.get(key);
    Duration next = entry == null ? initial : entry.delay().multipliedBy(2);
    entries.put(key, new Entry(now, next.compareTo(max) > 0 ? max : next));
  }

  void forget(String key) {
    entries.remove(key);
  }
}
