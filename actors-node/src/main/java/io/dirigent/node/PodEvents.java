package io.dirigent.node;

import io.dirigent.core.events.EventRecorder;
import io.fabric8.kubernetes.api.model.Pod;

/** The events the node writes about a pod and its containers (component {@code kubelet}). */
final class PodEvents {

  private PodEvents() {}

  /**
   * Records an event about {@code pod}, or about its container {@code containerName} (null for
   * the pod itself); nothing when the node writes no events. Safe from any thread.
   */
  static void record(EventRecorder recorder, Pod pod, String containerName, String type, String reason, String message) {
    if (recorder == null) {
      return;
    }
    String fieldPath = null;
    if (containerName != null) {
      fieldPath = (PodSpecs.isInit(pod, containerName) ? "spec.initContainers{" : "spec.containers{") + containerName + "}";
    }
    recorder.record(pod, fieldPath, type, reason, message);
  }
}
