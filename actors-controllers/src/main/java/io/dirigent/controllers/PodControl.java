package io.dirigent.controllers;

import io.dirigent.core.events.EventRecorder;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Creates and deletes a workload's pods and records what happened on the workload, one event per
 * pod as Kubernetes' PodControl does: {@code SuccessfulCreate} "Created pod: web-x7k2p",
 * {@code FailedCreate}, {@code SuccessfulDelete}, {@code FailedDelete}.
 */
final class PodControl {

  private final Store store;
  private final EventRecorder events;

  /** {@code events} null records none. */
  PodControl(Store store, EventRecorder events) {
    this.store = store;
    this.events = events;
  }

  CompletionStage<Pod> create(HasMetadata owner, Pod pod) {
    return store.create(pod).whenComplete((created, failure) -> {
      if (failure == null) {
        record(owner, EventRecorder.NORMAL, "SuccessfulCreate", "Created pod: " + created.getMetadata().getName());
      } else {
        record(owner, EventRecorder.WARNING, "FailedCreate", "Error creating: " + StoreException.cause(failure).getMessage());
      }
    });
  }

  /**
   * Deletes the pod if it is still the one seen (same uid). One already gone is not an error: the
   * answer is then false (true: this delete marked or removed it).
   */
  CompletionStage<Boolean> delete(HasMetadata owner, Pod pod) {
    String name = pod.getMetadata().getName();
    return store.delete(Pod.class, pod.getMetadata().getNamespace(), name,
            DeleteOptions.defaults().withPreconditions(pod.getMetadata().getUid(), null))
        .handle((deleted, failure) -> {
          if (failure == null) {
            record(owner, EventRecorder.NORMAL, "SuccessfulDelete", "Deleted pod: " + name);
            return true;
          }
          Throwable cause = StoreException.cause(failure);
          if (cause instanceof StoreException e && e.reason() == StoreError.Reason.NOT_FOUND) {
            return false;
          }
          record(owner, EventRecorder.WARNING, "FailedDelete", "Error deleting: " + cause.getMessage());
          throw new CompletionException(cause);
        });
  }

  private void record(HasMetadata owner, String type, String reason, String message) {
    if (events != null) {
      events.record(owner, null, type, reason, message);
    }
  }
}
