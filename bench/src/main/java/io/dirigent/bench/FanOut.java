package io.dirigent.bench;

import java.lang.management.ManagementFactory;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One watch fan-out measurement: changes a second apart, each read by every open watch. The
 * latency of a delivery runs from the moment a change was started (the client sent the write) to
 * the moment a watcher read its line. It includes the write itself, and it cannot look shorter
 * because a write's answer came back late: measured from the answer, a server that delivered
 * before it answered looked faster than it was.
 */
final class FanOut {

  /** The first deliveries to thousands of fresh streams run code the JIT has not compiled yet. */
  static final int WARM_UP_CHANGES = 10;
  /**
   * Each change is 5% of the deliveries, so one slow change still sets the p99; the spread of
   * each change, printed to stderr, shows whether one did.
   */
  static final int MEASURED_CHANGES = 20;

  private static final long START_NANOS = System.nanoTime();
  private static final long START_UPTIME = ManagementFactory.getRuntimeMXBean().getUptime();

  /** Makes change number {@code i} and returns the resourceVersion its watchers will read. */
  interface Change {
    String make(int i) throws Exception;
  }

  /** The watches read: how many opened, and when each first saw each version. */
  interface Watchers {
    int open();

    int failed();

    /** CPU the client's reading took, so that it is not counted as the server's. */
    long readerCpuNanos();

    Map<String, List<Long>> arrivals();
  }

  private FanOut() {}

  /**
   * Warms up, measures, prints each change's spread to stderr and returns the Markdown row: p50
   * and p99 of every delivery, and the CPU per delivery of this process apart from the thread that
   * reads the watches.
   */
  static String measure(String label, Watchers watches, int count, Change change) throws Exception {
    TimeUnit.SECONDS.sleep(2);
    for (int i = 1; i <= WARM_UP_CHANGES; i++) {
      change.make(-i);
      TimeUnit.SECONDS.sleep(1);
    }
    Map<String, Long> started = new HashMap<>();
    long cpuBefore = Measure.processCpuNanos();
    long readerBefore = watches.readerCpuNanos();
    for (int i = 1; i <= MEASURED_CHANGES; i++) {
      long at = System.nanoTime();
      started.put(change.make(i), at);
      TimeUnit.SECONDS.sleep(1);
    }
    TimeUnit.SECONDS.sleep(5);
    long serverCpu = Measure.processCpuNanos() - cpuBefore - (watches.readerCpuNanos() - readerBefore);
    Map<String, List<Long>> arrivals = watches.arrivals();
    Latencies all = new Latencies();
    started.entrySet().stream().sorted(Map.Entry.comparingByValue(Comparator.naturalOrder())).forEach(entry -> {
      Latencies one = new Latencies();
      for (long arrival : arrivals.getOrDefault(entry.getKey(), List.of())) {
        all.record(arrival - entry.getValue());
        one.record(arrival - entry.getValue());
      }
      System.err.printf("  %s: change %s at %.3f s: first %.1f ms, p50 %.1f ms, p99 %.1f ms, last %.1f ms%n", label, entry.getKey(),
          (entry.getValue() - START_NANOS) / 1e9 + START_UPTIME / 1e3, one.percentileMillis(0), one.percentileMillis(50),
          one.percentileMillis(99), one.percentileMillis(100));
    });
    return String.format("| %s: %d watches open (%d failed), %d of %d deliveries of %d changes | %d | | | | %.2f | %.2f | %.1f |",
        label, watches.open(), watches.failed(), all.count(), watches.open() * MEASURED_CHANGES, MEASURED_CHANGES, count,
        all.percentileMillis(50), all.percentileMillis(99), serverCpu / 1e3 / Math.max(1, all.count()));
  }
}
