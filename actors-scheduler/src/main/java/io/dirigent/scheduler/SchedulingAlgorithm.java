package io.dirigent.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One scheduling decision, read as a chain (Nomad's stack, Kubernetes' framework): walk the
 * nodes from a rotating start → filter (every plugin, every reason kept) → stop once enough
 * feasible nodes are found → score (normalized, weighted) → pick the best. Pure: the caller owns
 * the node infos and the rotation.
 */
public final class SchedulingAlgorithm {

  private final List<FilterPlugin> filters;
  private final List<ScorePlugin> scores;

  public SchedulingAlgorithm(List<FilterPlugin> filters, List<ScorePlugin> scores) {
    this.filters = List.copyOf(filters);
    this.scores = List.copyOf(scores);
  }

  /** The filters, in order (preemption runs them on what-if nodes). */
  public List<FilterPlugin> filters() {
    return filters;
  }

  /**
   * @param node the chosen node, or null when none fits
   * @param reasons when none fits: how many nodes failed for each reason
   * @param evaluated how many nodes were looked at
   */
  public record Decision(String node, Map<String, Integer> reasons, int total, int evaluated) {

    /** Kubernetes' FailedScheduling message: "0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu." */
    public String message() {
      List<String> parts = new ArrayList<>();
      reasons.forEach((reason, count) -> parts.add(count + " " + reason));
      parts.sort(null);
      return "0/%d nodes are available: %s.".formatted(total, String.join(", ", parts));
    }
  }

  /**
   * Kubernetes' adaptive percentageOfNodesToScore: all nodes up to 100; beyond, 50 % less 1 %
   * per 125 nodes, at least 5 %, and never fewer than 100 nodes.
   */
  static int feasibleNodesToFind(int nodes) {
    if (nodes < 100) {
      return nodes;
    }
    int percentage = Math.max(5, 50 - nodes / 125);
    return Math.max(100, nodes * percentage / 100);
  }

  public Decision schedule(PodInfo pod, List<NodeInfo> nodes, int start) {
    int wanted = feasibleNodesToFind(nodes.size());
    List<NodeInfo> feasible = new ArrayList<>();
    Map<String, Integer> reasons = new TreeMap<>();
    int evaluated = 0;
    for (int i = 0; i < nodes.size() && feasible.size() < wanted; i++) {
      NodeInfo node = nodes.get((start + i) % nodes.size());
      evaluated++;
      boolean fits = true;
      for (FilterPlugin filter : filters) {
        Status status = filter.filter(pod, node);
        if (!status.isSuccess()) {
          fits = false;
          status.reasons().forEach(reason -> reasons.merge(reason, 1, Integer::sum));
        }
      }
      if (fits) {
        feasible.add(node);
      }
    }
    if (feasible.isEmpty()) {
      return new Decision(null, reasons, nodes.size(), evaluated);
    }
    long[] total = new long[feasible.size()];
    long[] raw = new long[feasible.size()];
    for (ScorePlugin plugin : scores) {
      for (int i = 0; i < raw.length; i++) {
        raw[i] = plugin.score(pod, feasible.get(i));
      }
      plugin.normalize(pod, raw);
      for (int i = 0; i < raw.length; i++) {
        total[i] += raw[i] * plugin.weight();
      }
    }
    int best = 0;
    for (int i = 1; i < total.length; i++) {
      if (total[i] > total[best]) {
        best = i;
      }
    }
    return new Decision(feasible.get(best).name(), Map.of(), nodes.size(), evaluated);
  }

  /** The default plugins, as Kubernetes' default profile has them. */
  public static SchedulingAlgorithm defaults() {
    var taints = new io.dirigent.scheduler.plugins.TaintToleration();
    var affinity = new io.dirigent.scheduler.plugins.NodeAffinity();
    return new SchedulingAlgorithm(
        List.of(new io.dirigent.scheduler.plugins.NodeUnschedulable(), new io.dirigent.scheduler.plugins.NodeReady(),
            new io.dirigent.scheduler.plugins.NodeName(), new io.dirigent.scheduler.plugins.NodeResourcesFit(),
            affinity, taints, new io.dirigent.scheduler.plugins.NodePorts(), new io.dirigent.scheduler.plugins.VolumeBinding()),
        List.of(new io.dirigent.scheduler.plugins.LeastAllocated(), new io.dirigent.scheduler.plugins.BalancedAllocation(),
            new io.dirigent.scheduler.plugins.OwnerSpread(), affinity, taints));
  }
}
