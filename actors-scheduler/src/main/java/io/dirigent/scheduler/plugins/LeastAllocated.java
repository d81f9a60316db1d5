package io.dirigent.scheduler.plugins;

import io.dirigent.scheduler.NodeInfo;
import io.dirigent.scheduler.PodInfo;
import io.dirigent.scheduler.ScorePlugin;

/**
 * Prefers the node with the most left over once the pod is on it: the mean of the free fractions
 * of cpu and memory, times 100. Worked example: a node with 4 cpus, 1 requested, and a pod asking
 * 1 leaves 2/4 = 50 for cpu; with 8 GiB, 2 requested and 2 asked, 4/8 = 50 for memory; score 50.
 */
public final class LeastAllocated implements ScorePlugin {

  @Override
  public String name() {
    return "NodeResourcesLeastAllocated";
  }

  @Override
  public int weight() {
    return 1;
  }

  @Override
  public long score(PodInfo pod, NodeInfo node) {
    return (free(node.requestedCpuMillis() + pod.cpuMillis(), node.allocatableCpuMillis())
        + free(node.requestedMemoryBytes() + pod.memoryBytes(), node.allocatableMemoryBytes())) / 2;
  }

  static long free(long requested, long allocatable) {
    if (allocatable <= 0 || requested > allocatable) {
      return 0;
    }
    return (allocatable - requested) * 100 / allocatable;
  }
}
