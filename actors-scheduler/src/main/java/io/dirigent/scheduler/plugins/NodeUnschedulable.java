package io.dirigent.scheduler.plugins;

import io.dirigent.core.api.NodeTaints;
import io.dirigent.core.api.Tolerations;
import io.dirigent.scheduler.FilterPlugin;
import io.dirigent.scheduler.NodeInfo;
import io.dirigent.scheduler.PodInfo;
import io.dirigent.scheduler.Status;
import io.fabric8.kubernetes.api.model.Taint;

/** A cordoned node ({@code spec.unschedulable}) takes only pods tolerating its unschedulable taint. */
public final class NodeUnschedulable implements FilterPlugin {

  static final Taint UNSCHEDULABLE = new Taint(NodeTaints.NO_SCHEDULE, NodeTaints.UNSCHEDULABLE, null, null);

  @Override
  public String name() {
    return "NodeUnschedulable";
  }

  @Override
  public Status filter(PodInfo pod, NodeInfo node) {
    if (node.unschedulable() && !Tolerations.tolerates(pod.tolerations(), UNSCHEDULABLE)) {
      return Status.unresolvable("node(s) were unschedulable");
    }
    return Status.success();
  }
}
