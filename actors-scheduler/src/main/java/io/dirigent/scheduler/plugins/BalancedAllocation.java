package io.dirigent.scheduler.plugins;

import io.dirigent.scheduler.NodeInfo;
import io.dirigent.scheduler.PodInfo;
import io.dirigent.scheduler.ScorePlugin;

/**
 * Prefers nodes whose cpu and memory would be used in the same proportion, so neither runs out
 * while the other idles: Kubernetes' form for two resources, 100 × (1 − |cpu − memory| / 2), the
 * fractions counting the pod. Worked example: cpu 60 % and memory 20 % used score 80.
 */
public final class BalancedAllocation implements ScorePlugin {

  @Override
  public String name() {
    return "NodeResourcesBalancedAllocation";
  }

  @Override
  public int weight() {
    return 1;
  }

  @Override
  public long score(PodInfo pod, NodeInfo node) {
    double cpu = fraction(node.requestedCpuMillis() + pod.cpuMillis(), node.allocatableCpuMillis());
    double memory = fraction(node.requestedMemoryBytes() + pod.memoryBytes(), node.allocatableMemoryBytes());
    return Math.round((1 - Math.abs(cpu - memory) / 2) * 100);
  }

  private static double fraction(long requested, long allocatable) {
    return allocatable <= 0 ? 1 : Math.min(1.0, (double) requested / allocatable);
  }
}
