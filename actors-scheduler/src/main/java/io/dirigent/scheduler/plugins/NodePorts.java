package io.dirigent.scheduler.plugins;

import io.dirigent.scheduler.FilterPlugin;
import io.dirigent.scheduler.NodeInfo;
import io.dirigent.scheduler.PodInfo;
import io.dirigent.scheduler.Status;
import java.util.List;

/** The host ports the pod asks for are free on the node. */
public final class NodePorts implements FilterPlugin {

  @Override
  public String name() {
    return "NodePorts";
  }

  @Override
  public Status filter(PodInfo pod, NodeInfo node) {
    if (pod.hostPorts().isEmpty()) {
      return Status.success();
    }
    List<PodInfo.HostPort> used = node.usedHostPorts();
    for (PodInfo.HostPort wanted : pod.hostPorts()) {
      for (PodInfo.HostPort taken : used) {
        if (conflicts(wanted, taken)) {
          return Status.unschedulable("node(s) didn't have free ports for the requested pod ports");
        }
      }
    }
    return Status.success();
  }

  static boolean conflicts(PodInfo.HostPort a, PodInfo.HostPort b) {
    if (a.port() != b.port() || !a.protocol().equals(b.protocol())) {
      return false;
    }
    return a.hostIp().equals(b.hostIp()) || a.hostIp().equals("0.0.0.0") || b.hostIp().equals("0.0.0.0");
  }
}
