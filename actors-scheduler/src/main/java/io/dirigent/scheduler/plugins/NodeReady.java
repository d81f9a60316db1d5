package io.dirigent.scheduler.plugins;

import io.dirigent.core.api.NodeTaints;
import io.dirigent.core.api.Tolerations;
import io.dirigent.scheduler.FilterPlugin;
import io.dirigent.scheduler.NodeInfo;
import io.dirigent.scheduler.PodInfo;
import io.dirigent.scheduler.Status;
import io.fabric8.kubernetes.api.model.Taint;

/**
 * A node that is not Ready takes only pods tolerating {@code node.kubernetes.io/not-ready}, as
 * the taint Kubernetes' node lifecycle puts on such nodes would have it.
 */
public final class NodeReady implements FilterPlugin {

  static final Taint NOT_READY = new Taint(NodeTaints.NO_SCHEDULE, NodeTaints.NOT_READY, null, null);

  @Override
  public String name() {
    return "NodeReady";
  }

  @Override
  public Status filter(PodInfo pod, NodeInfo node) {
    if (!node.ready() && !Tolerations.tolerates(pod.tolerations(), NOT_READY)) {
      return Status.unresolvable("node(s) were not ready");
    }
    return Status.success();
  }
}
