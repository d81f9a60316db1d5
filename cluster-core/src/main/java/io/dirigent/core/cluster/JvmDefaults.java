package io.dirigent.core.cluster;

import java.util.concurrent.ForkJoinPool;

/**
 * JVM-wide settings a member needs, applied first thing in {@code main}.
 *
 * <p>Pekko's Java API hands out {@code CompletionStage}s (every ask, every stream run) that run
 * their non-async callbacks ({@code thenApply}, {@code handle}, ...) on CompletableFuture's
 * default executor. That executor is the JDK's common pool when it has a parallelism above one;
 * otherwise, as on a machine with one or two cores, it is a new thread per callback. On two cores
 * starting those threads was most of an API request's CPU (docs/benchmarks.md). The choice is made
 * once, when {@code CompletableFuture} is first loaded, so the setting must come before anything
 * uses it.
 */
public final class JvmDefaults {

  static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  private JvmDefaults() {}

  /** Gives the common pool at least two threads unless the command line chose a parallelism. */
  public static void apply() {
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
      System.setProperty(COMMON_POOL_PARALLELISM, Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors())));
    }
  }

  /** Whether callbacks run on the common pool rather than on a new thread each. */
  public static boolean callbacksPooled() {
    return ForkJoinPool.getCommonPoolParallelism() > 1;
  }
}
