package io.dirigent.bench;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** What the benchmarks share: sequential asynchronous loops, and the process's CPU time. */
final class Measure {

  private Measure() {}

  /** Runs {@code step} again each time the last one completes, until it returns null. */
  static CompletionStage<Void> loop(Supplier<CompletionStage<Void>> step) {
    CompletionStage<Void> next = step.get();
    if (next == null) {
      return CompletableFuture.completedFuture(null);
    }
    return next.thenCompose(done -> loop(step));
  }

  /**
   * CPU time this process has used, all threads together. CPU per operation varies far less
   * than throughput from run to run on a shared two-core machine.
   */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
