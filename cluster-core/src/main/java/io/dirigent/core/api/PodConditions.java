package io.dirigent.core.api;

/** The pod condition types, statuses and reasons Kubernetes defines, as the API writes them. */
public final class PodConditions {

  /** The pod is bound to a node (False with reason {@link #UNSCHEDULABLE} while it fits nowhere). */
  public static final String SCHEDULED = "PodScheduled";
  /** The pod's sandbox is up and its network configured. */
  public static final String READY_TO_START_CONTAINERS = "PodReadyToStartContainers";
  /** Every init container has completed. */
  public static final String INITIALIZED = "Initialized";
  /** Every container is ready. */
  public static final String CONTAINERS_READY = "ContainersReady";
  /** The pod can serve: it counts in its Services' endpoints. */
  public static final String READY = "Ready";

  /** The reason of PodScheduled=False. */
  public static final String UNSCHEDULABLE = "Unschedulable";
  /** The reason of Initialized=False: an init container has not completed yet. */
  public static final String CONTAINERS_NOT_INITIALIZED = "ContainersNotInitialized";
  /** The reason of ContainersReady=False and Ready=False while a container is not ready. */
  public static final String CONTAINERS_NOT_READY = "ContainersNotReady";
  /** The reason of ContainersReady=False and Ready=False once the pod has finished. */
  public static final String POD_COMPLETED = "PodCompleted";

  public static final String TRUE = ConditionStatus.TRUE;
  public static final String FALSE = ConditionStatus.FALSE;
  public static final String UNKNOWN = ConditionStatus.UNKNOWN;

  private PodConditions() {}
}
