package io.dirigent.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What a fan-out benchmark's watch client counts: streams opened or refused, and when each version arrived. */
abstract class WatchTally implements FanOut.Watchers {

  private final Map<String, List<Long>> arrivals = new HashMap<>();
  private int open;
  private int failed;

  /** A stream answered: with a 200 ({@code ok}) or not. */
  protected synchronized void answered(boolean ok) {
    if (ok) {
      open++;
    } else {
      failed++;
    }
  }

  /** A stream read {@code version} at {@code now}. */
  protected synchronized void arrived(String version, long now) {
    arrivals.computeIfAbsent(version, v -> new ArrayList<>()).add(now);
  }

  @Override
  public synchronized int open() {
    return open;
  }

  @Override
  public synchronized int failed() {
    return failed;
  }

  @Override
  public synchronized Map<String, List<Long>> arrivals() {
    Map<String, List<Long>> copy = new HashMap<>();
    arrivals.forEach((version, times) -> copy.put(version, List.copyOf(times)));
    return copy;
  }
}
