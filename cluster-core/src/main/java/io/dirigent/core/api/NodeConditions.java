package io.dirigent.core.api;

/**
 * The node condition types Kubernetes defines, and the reasons the node agent and the node
 * lifecycle controller give them. Their statuses are {@link ConditionStatus}'s.
 */
public final class NodeConditions {

  /** The node's agent is healthy and ready to take pods. */
  public static final String READY = "Ready";
  public static final String MEMORY_PRESSURE = "MemoryPressure";
  public static final String DISK_PRESSURE = "DiskPressure";
  public static final String PID_PRESSURE = "PIDPressure";

  /** The reason of Ready=True, as the kubelet gives it. */
  public static final String KUBELET_READY = "KubeletReady";
  /** The reason every condition gets once the agent stopped reporting: the status is then Unknown. */
  public static final String STATUS_UNKNOWN = "NodeStatusUnknown";

  private NodeConditions() {}
}
