package io.dirigent.scheduler;

/**
 * One rule a node must pass to take a pod (Kubernetes' Filter extension point). Stateless.
 * Answers {@link Status#success()}, or the failure with every reason the node fails.
 */
public interface FilterPlugin {

  String name();

  Status filter(PodInfo pod, NodeInfo node);
}
