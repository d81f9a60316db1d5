package io.dirigent.core.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceType;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@code pods/binding} subresource's write, in one place for the API server's Binding and the
 * scheduler: the pod gets {@code spec.nodeName} if it has none yet, is not being deleted, and (when
 * the binding names one) still has the uid the binder saw — so a pod deleted and created again
 * under the same name is not bound on a decision made for its predecessor. Of two binds racing for
 * a pod exactly one wins; the other is a Conflict naming the node the pod went to. A write that
 * lost only to another change of the pod (its labels, its status) is tried again on the new
 * version, as Kubernetes' guaranteed update does.
 */
public final class PodBindings {

  /** How often a bind is tried again after a change of the pod that was not a bind. */
  static final int ATTEMPTS = 5;

  private PodBindings() {}

  /**
   * Binds pod {@code namespace/name} to {@code node}; {@code uid} is a precondition unless empty.
   * Answers the bound pod.
   */
  public static CompletionStage<ObjectNode> bind(Store store, String namespace, String name, String uid, String node, WriteOptions options) {
    ResourceType pods = store.registry().of(Pod.class);
    return store.get(pods, namespace, name).thenCompose(pod -> attempt(store, pods, pod, uid, node, options, ATTEMPTS));
  }

  /**
   * Binds {@code seen} — the version the binder decided on, from its informer — to {@code node},
   * with its uid as the precondition: one write when the pod has not changed since, as client-go's
   * guaranteed update starts from the cached object.
   */
  public static CompletionStage<ObjectNode> bind(Store store, ObjectNode seen, String node, WriteOptions options) {
    return attempt(store, store.registry().of(Pod.class), seen, KubeJson.meta(seen, "uid"), node, options, ATTEMPTS);
  }

  private static CompletionStage<ObjectNode> attempt(
      Store store, ResourceType pods, ObjectNode pod, String uid, String node, WriteOptions options, int attemptsLeft) {
    String namespace = KubeJson.namespace(pod);
    String name = KubeJson.name(pod);
    ObjectNode bound;
    try {
      bound = bindable(pod, name, uid, node);
    } catch (StoreException refused) {
      return CompletableFuture.failedFuture(refused);
    }
    // The version read is a precondition: a bind that raced ours makes this one a conflict.
    return store.update(pods, namespace, bound, options).handle((written, failure) -> {
      if (failure == null) {
        return CompletableFuture.completedFuture(written);
      }
      if (attemptsLeft > 1 && StoreException.is(failure, StoreError.Reason.CONFLICT)) {
        // Read again: a bind that won shows as the pod's node, another change is simply retried.
        return store.get(pods, namespace, name).thenCompose(current -> attempt(store, pods, current, uid, node, options, attemptsLeft - 1));
      }
      return CompletableFuture.<ObjectNode>failedFuture(StoreException.cause(failure));
    }).thenCompose(stage -> stage);
  }

  /** The pod with {@code node} set, or the Conflict that refuses the bind. */
  static ObjectNode bindable(ObjectNode pod, String name, String uid, String node) {
    String actualUid = KubeJson.meta(pod, "uid");
    if (!uid.isEmpty() && !uid.equals(actualUid)) {
      throw conflict(name, "Precondition failed: UID in precondition: %s, UID in object meta: %s".formatted(uid, actualUid));
    }
    String assigned = pod.path("spec").path("nodeName").asText("");
    if (!assigned.isEmpty()) {
      throw StoreError.of(StoreError.Reason.CONFLICT, "pod %s is already assigned to node \"%s\"".formatted(name, assigned)).toException();
    }
    if (pod.path("metadata").hasNonNull("deletionTimestamp")) {
      throw StoreError.of(StoreError.Reason.CONFLICT, "pod %s is being deleted, cannot be assigned to a host".formatted(name)).toException();
    }
    ObjectNode bound = pod.deepCopy();
    ObjectNode spec = bound.path("spec").isObject() ? (ObjectNode) bound.get("spec") : bound.putObject("spec");
    spec.put("nodeName", node);
    return bound;
  }

  private static StoreException conflict(String name, String why) {
    return StoreError.of(StoreError.Reason.CONFLICT,
        "Operation cannot be fulfilled on pods/binding \"%s\": %s".formatted(name, why)).toException();
  }
}
