package io.dirigent.scheduler.plugins;

import io.dirigent.core.api.NodeTaints;
import io.dirigent.core.api.Tolerations;
import io.dirigent.scheduler.FilterPlugin;
import io.dirigent.scheduler.NodeInfo;
import io.dirigent.scheduler.PodInfo;
import io.dirigent.scheduler.Status;
import io.dirigent.scheduler.ScorePlugin;
import io.fabric8.kubernetes.api.model.Taint;

/**
 * Taints keep pods away: a NoSchedule or NoExecute taint the pod does not tolerate filters the
 * node out; each untolerated PreferNoSchedule taint makes the node less preferred.
 */
public final class TaintToleration implements FilterPlugin, ScorePlugin {

  @Override
  public String name() {
    return "TaintToleration";
  }

  @Override
  public Status filter(PodInfo pod, NodeInfo node) {
    for (Taint taint : node.taints()) {
      if (NodeTaints.hard(taint) && !Tolerations.tolerates(pod.tolerations(), taint)) {
        return Status.unresolvable("node(s) had untolerated taint {%s: %s}".formatted(taint.getKey(), taint.getValue() == null ? "" : taint.getValue()));
      }
    }
    return Status.success();
  }

  @Override
  public int weight() {
    return 3;
  }

  /** The raw score: how many PreferNoSchedule taints the pod does not tolerate. */
  @Override
  public long score(PodInfo pod, NodeInfo node) {
    long untolerated = 0;
    for (Taint taint : node.taints()) {
      if (NodeTaints.PREFER_NO_SCHEDULE.equals(taint.getEffect()) && !Tolerations.tolerates(pod.tolerations(), taint)) {
        untolerated++;
      }
    }
    return untolerated;
  }

  /** Fewest untolerated taints scores 100. */
  @Override
  public void normalize(PodInfo pod, long[] scores) {
    ScorePlugin.byMax(scores, true, 100);
  }
}
