package io.dirigent.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * The pods waiting for a node, as kube-scheduler's scheduling queue keeps them: the <em>active</em>
 * queue (higher {@code spec.priority} first, then first come, first served — by when the pod first
 * joined, however often it came back) and the
 * <em>unschedulable</em> pods, each waiting out its back-off (doubling from {@code initialBackoff}
 * to {@code maxBackoff} on each failure) unless a cluster event that could let it fit moves it
 * back at once. A pod is in one of the two or in neither (popped and being decided on); its newest
 * version is what is tried next. Time is passed in, so tests need no clock.
 *
 * <p>Not thread-safe: the scheduler's actor owns it.
 */
final class SchedulingQueue {

  /** A place in the active queue; entries of pods since popped, placed or gone are skipped lazily. {@code order}: arrival. */
  private record Entry(String key, int priority, long order) {}

  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final PriorityQueue<Entry> active = new PriorityQueue<>(
      Comparator.comparingInt((Entry entry) -> -entry.priority()).thenComparingLong(Entry::order));
  /** The newest version of every pod in the queue, active or unschedulable. */
  private final Map<String, PodInfo> pending = new HashMap<>();
  /** The keys whose entry in {@link #active} is current. */
  private final Map<String, Entry> queued = new HashMap<>();
  /** Pods that fit nowhere, with when their back-off ends. */
  private final Map<String, Instant> unschedulable = new HashMap<>();
  /** The back-off each pod that did not fit has reached; forgotten once it is placed or gone. */
  private final Map<String, Duration> backoffs = new HashMap<>();
  /** When each pod first joined, which orders equal priorities however often a pod comes back. */
  private final Map<String, Long> arrivals = new HashMap<>();
  private long arrived;

  SchedulingQueue(Duration initialBackoff, Duration maxBackoff) {
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
  }

  /**
   * A pod waiting for a node was seen (new or changed). A new one joins the active queue; a known
   * one keeps its place (or its back-off) and is tried in this version.
   */
  void upsert(PodInfo pod) {
    boolean known = pending.containsKey(pod.key());
    pending.put(pod.key(), pod);
    arrivals.computeIfAbsent(pod.key(), key -> arrived++);
    if (!known) {
      enqueue(pod.key());
    }
  }

  /** The next pod to decide on, taken out of the queue; empty when none is active. */
  Optional<PodInfo> pop() {
    while (!active.isEmpty()) {
      Entry next = active.poll();
      if (queued.remove(next.key(), next)) {
        return Optional.of(pending.remove(next.key()));
      }
    }
    return Optional.empty();
  }

  boolean hasActive() {
    return !queued.isEmpty();
  }

  /**
   * {@code pod} fit nowhere at {@code now}: it waits out a back-off twice the last one (the
   * first: {@code initialBackoff}), and answers that back-off.
   */
  Duration unschedulable(PodInfo pod, Instant now) {
    Duration last = backoffs.get(pod.key());
    Duration backoff = last == null ? initialBackoff : min(last.multipliedBy(2), maxBackoff);
    backoffs.put(pod.key(), backoff);
    pending.putIfAbsent(pod.key(), pod);
    arrivals.computeIfAbsent(pod.key(), key -> arrived++);
    queued.remove(pod.key());
    unschedulable.put(pod.key(), now.plus(backoff));
    return backoff;
  }

  /** The pod is placed, finished or gone: it leaves the queue and its back-off is forgotten. */
  void forget(String key) {
    pending.remove(key);
    queued.remove(key);
    unschedulable.remove(key);
    backoffs.remove(key);
    arrivals.remove(key);
  }

  /** Whether the pod is waiting in the queue, active or unschedulable. */
  boolean contains(String key) {
    return pending.containsKey(key);
  }

  /** Whether the pod is waiting out a back-off. */
  boolean isUnschedulable(String key) {
    return unschedulable.containsKey(key);
  }

  /** Unschedulable pods whose back-off has ended by {@code now} go back to the active queue. */
  void flushBackoffCompleted(Instant now) {
    for (var entry : new ArrayList<>(unschedulable.entrySet())) {
      if (!entry.getValue().isAfter(now)) {
        activate(entry.getKey());
      }
    }
  }

  /** A cluster event may let any of them fit: every unschedulable pod goes back to the active queue. */
  void moveAllToActive() {
    for (String key : List.copyOf(unschedulable.keySet())) {
      activate(key);
    }
  }

  private void activate(String key) {
    unschedulable.remove(key);
    if (pending.containsKey(key)) {
      enqueue(key);
    }
  }

  private void enqueue(String key) {
    if (!queued.containsKey(key) && !unschedulable.containsKey(key)) {
      Entry entry = new Entry(key, pending.get(key).priority(), arrivals.get(key));
      queued.put(key, entry);
      active.add(entry);
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
