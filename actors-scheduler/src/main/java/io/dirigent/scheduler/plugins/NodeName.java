package io.dirigent.scheduler.plugins;

import io.dirigent.scheduler.FilterPlugin;
import io.dirigent.scheduler.NodeInfo;
import io.dirigent.scheduler.PodInfo;
import io.dirigent.scheduler.Status;

/** A pod that names a node fits only that one. */
public final class NodeName implements FilterPlugin {

  @Override
  public String name() {
    return "NodeName";
  }

  @Override
  public Status filter(PodInfo pod, NodeInfo node) {
    return pod.nodeName().isEmpty() || pod.nodeName().equals(node.name()) ? Status.success() : Status.unresolvable("node(s) didn't match the requested node name");
  }
}
