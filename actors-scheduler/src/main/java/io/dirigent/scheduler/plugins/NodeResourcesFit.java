package io.dirigent.scheduler.plugins;

import io.dirigent.scheduler.FilterPlugin;
import io.dirigent.scheduler.NodeInfo;
import io.dirigent.scheduler.PodInfo;
import io.dirigent.scheduler.Status;
import java.util.ArrayList;
import java.util.List;

/** The pod's requests fit what the node has left: cpu, memory, and one more pod. */
public final class NodeResourcesFit implements FilterPlugin {

  @Override
  public String name() {
    return "NodeResourcesFit";
  }

  @Override
  public Status filter(PodInfo pod, NodeInfo node) {
    boolean podsFit = node.podCount() + 1 <= node.allocatablePods();
    boolean cpuFits = pod.cpuMillis() <= 0 || node.requestedCpuMillis() + pod.cpuMillis() <= node.allocatableCpuMillis();
    boolean memoryFits = pod.memoryBytes() <= 0 || node.requestedMemoryBytes() + pod.memoryBytes() <= node.allocatableMemoryBytes();
    if (podsFit && cpuFits && memoryFits) {
      return Status.success();
    }
    List<String> reasons = new ArrayList<>();
    if (!podsFit) {
      reasons.add("Too many pods");
    }
    if (!cpuFits) {
      reasons.add("Insufficient cpu");
    }
    if (!memoryFits) {
      reasons.add("Insufficient memory");
    }
    return Status.unschedulable(reasons.toArray(String[]::new));
  }
}
