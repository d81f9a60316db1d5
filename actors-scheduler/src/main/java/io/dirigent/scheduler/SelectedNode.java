package io.dirigent.scheduler;

import io.dirigent.core.api.Storage;
import io.dirigent.core.store.Store;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records on a pod's WaitForFirstConsumer claims the node chosen for it
 * ({@link Storage#SELECTED_NODE}), before the pod is bound: the PersistentVolume controller then
 * binds each to a volume on that node, or its provisioner makes one there. A claim changed
 * meanwhile fails the write (its resourceVersion), and with it the binding; the pod is tried again.
 */
final class SelectedNode {

  private static final Logger log = LoggerFactory.getLogger(SelectedNode.class);

  private SelectedNode() {}

  static CompletionStage<Void> record(Store store, String namespace, List<String> claims, String node) {
    CompletableFuture<?>[] writes = claims.stream()
        .map(name -> store.get(PersistentVolumeClaim.class, namespace, name).thenCompose(claim -> {
          Map<String, String> annotations = claim.getMetadata().getAnnotations() == null ? new HashMap<>() : new HashMap<>(claim.getMetadata().getAnnotations());
          if (node.equals(annotations.get(Storage.SELECTED_NODE))) {
            return CompletableFuture.completedFuture(claim);
          }
          log.debug("claim={}/{} selected node={}", namespace, name, node);
          annotations.put(Storage.SELECTED_NODE, node);
          claim.getMetadata().setAnnotations(annotations);
          return store.update(claim);
        }).toCompletableFuture())
        .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(writes);
  }
}
