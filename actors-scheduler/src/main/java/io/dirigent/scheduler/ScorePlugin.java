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
}
