package io.dirigent.core.api;

/**
 * The Deployment condition types Kubernetes defines, and the reasons its Deployment controller
 * gives them (what {@code kubectl rollout status} reads). Their statuses are {@link ConditionStatus}'s.
 */
public final class DeploymentConditions {

  /** At least the replicas less maxUnavailable are available. */
  public static final String AVAILABLE = "Available";
  /** The rollout moves, has completed, or stopped moving past its progress deadline. */
  public static final String PROGRESSING = "Progressing";

  /** Available=True. */
  public static final String MINIMUM_REPLICAS_AVAILABLE = "MinimumReplicasAvailable";
  /** Available=False. */
  public static final String MINIMUM_REPLICAS_UNAVAILABLE = "MinimumReplicasUnavailable";
  /** Progressing=True: the new ReplicaSet's pods are all there and available; the rollout is complete. */
  public static final String NEW_REPLICA_SET_AVAILABLE = "NewReplicaSetAvailable";
  /** Progressing=True: the rollout moved since the condition was last updated. */
  public static final String REPLICA_SET_UPDATED = "ReplicaSetUpdated";
  /** Progressing=False: no progress for progressDeadlineSeconds. */
  public static final String PROGRESS_DEADLINE_EXCEEDED = "ProgressDeadlineExceeded";
  /** Progressing, while the Deployment is paused. */
  public static final String DEPLOYMENT_PAUSED = "DeploymentPaused";

  private DeploymentConditions() {}
}
