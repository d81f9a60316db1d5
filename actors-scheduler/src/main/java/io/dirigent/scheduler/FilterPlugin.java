package io.dirigent.scheduler;

import java.util.List;

/**
 * One rule a node must pass to take a pod (Kubernetes' Filter extension point). Stateless.
 * Answers every reason the node fails, in the words Kubernetes uses, or none when it fits.
 */
public interface FilterPlugin {

  String name();

  List<String> filter(PodInfo pod, NodeInfo node);
}
