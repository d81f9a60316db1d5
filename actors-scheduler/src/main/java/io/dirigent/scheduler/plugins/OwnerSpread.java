package io.dirigent.scheduler.plugins;

import io.dirigent.scheduler.NodeInfo;
import io.dirigent.scheduler.PodInfo;
import io.dirigent.scheduler.ScorePlugin;

/**
 * Spreads the pods of one controller (a ReplicaSet, a DaemonSet…) across nodes: the fewer of
 * its pods a node already has, the better — Kubernetes' SelectorSpread, by owner.
 */
public final class OwnerSpread implements ScorePlugin {

  @Override
  public String name() {
    return "SelectorSpread";
  }

  @Override
  public int weight() {
    return 2;
  }

  /** The raw score: how many of the owner's pods the node has. */
  @Override
  public long score(PodInfo pod, NodeInfo node) {
    return pod.ownerUid().isEmpty() ? 0 : node.podsOf(pod.ownerUid());
  }

  @Override
  public void normalize(PodInfo pod, long[] scores) {
    ScorePlugin.byMax(scores, true, 100);
  }
}
