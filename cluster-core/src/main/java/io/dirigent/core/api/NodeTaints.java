package io.dirigent.core.api;

import io.fabric8.kubernetes.api.model.Taint;

/** The taint keys Kubernetes defines for a node's state, and the taint effects. */
public final class NodeTaints {

  /** The node is not Ready. */
  public static final String NOT_READY = "node.kubernetes.io/not-ready";
  /** The node's agent stopped reporting (its Ready condition is Unknown). */
  public static final String UNREACHABLE = "node.kubernetes.io/unreachable";
  /** The node is cordoned ({@code spec.unschedulable}). */
  public static final String UNSCHEDULABLE = "node.kubernetes.io/unschedulable";
  public static final String MEMORY_PRESSURE = "node.kubernetes.io/memory-pressure";
  public static final String DISK_PRESSURE = "node.kubernetes.io/disk-pressure";
  public static final String PID_PRESSURE = "node.kubernetes.io/pid-pressure";

  /** New pods that do not tolerate the taint are not scheduled onto the node. */
  public static final String NO_SCHEDULE = "NoSchedule";
  /** Pods that do not tolerate the taint leave the node (after their tolerationSeconds, if any). */
  public static final String NO_EXECUTE = "NoExecute";
  /** The scheduler avoids the node for pods that do not tolerate the taint, when it can. */
  public static final String PREFER_NO_SCHEDULE = "PreferNoSchedule";

  private NodeTaints() {}

  /** Whether the taint keeps pods that do not tolerate it off the node: NoSchedule or NoExecute. */
  public static boolean hard(Taint taint) {
    return NO_SCHEDULE.equals(taint.getEffect()) || NO_EXECUTE.equals(taint.getEffect());
  }
}
