package io.dirigent.scheduler;

/**
 * How much a plugin likes a feasible node for a pod, 0 to 100 (Kubernetes' Score extension
 * point), weighted. A plugin whose raw scores are relative (counts, weights) turns them into
 * 0–100 over all feasible nodes in {@link #normalize}.
 */
public interface ScorePlugin {

  String name();

  int weight();

  long score(PodInfo pod, NodeInfo node);

  /** Turns the raw scores of every feasible node into 0–100, in place. */
  default void normalize(PodInfo pod, long[] scores) {}

  /**
   * Scales raw scores to 0–100 by the largest: the largest becomes 100, or with {@code fewerIsBetter}
   * the smallest does. All zero: {@code whenAllZero} each.
   */
  static void byMax(long[] scores, boolean fewerIsBetter, long whenAllZero) {
    long max = 0;
    for (long score : scores) {
      max = Math.max(max, score);
    }
    for (int i = 0; i < scores.length; i++) {
      if (max == 0) {
        scores[i] = whenAllZero;
      } else {
        scores[i] = fewerIsBetter ? (max - scores[i]) * 100 / max : scores[i] * 100 / max;
      }
    }
  }
}
