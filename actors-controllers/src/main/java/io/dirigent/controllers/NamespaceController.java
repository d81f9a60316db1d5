package io.dirigent.controllers;

import io.dirigent.core.api.ResourceType;
import io.dirigent.core.namespaces.NamespaceFinalizer;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.WriteOptions;
import io.dirigent.core.api.KubeJson;
import io.fabric8.kubernetes.api.model.Namespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Deletes namespaces: a namespace marked for deletion turns Terminating, everything in it of
 * every namespaced kind is deleted (pods with their grace periods), and once nothing is left it
 * loses the {@code kubernetes} finalizer and is gone.
 */
final class NamespaceController implements Controller {

  private final Store store;
  private final Duration recheck;

  /** @param recheck how often a namespace being deleted is looked at again while objects are left in it */
  NamespaceController(Store store, Duration recheck) {
    this.store = store;
    this.recheck = recheck;
  }

  @Override
  public String name() {
    return "namespace";
  }

  @Override
  public List<Watch> watches() {
    return List.of(new Watch(Namespace.class, (change, cache) -> List.of(Cache.key(change.object()))));
  }

  @Override
  public CompletionStage<?> reconcile(String key, Cache cache) {
    Optional<Namespace> found = cache.get(Namespace.class, key);
    if (found.isEmpty() || found.get().getMetadata().getDeletionTimestamp() == null) {
      return CompletableFuture.completedFuture(null);
    }
    Namespace namespace = found.get();
    String name = namespace.getMetadata().getName();
    CompletionStage<?> terminating = CompletableFuture.completedFuture(null);
    if (namespace.getStatus() == null || !"Terminating".equals(namespace.getStatus().getPhase())) {
      Namespace status = Cache.copy(namespace);
      status.getMetadata().setResourceVersion(null);
      status.setStatus(new io.fabric8.kubernetes.api.model.NamespaceStatusBuilder().withPhase("Terminating").build());
      terminating = store.updateStatus(status);
    }
    List<CompletableFuture<Integer>> remaining = new ArrayList<>();
    for (ResourceType type : store.registry().all()) {
      if (!type.namespaced()) {
        continue;
      }
      remaining.add(store.list(type, ListOptions.of(ObjectFilter.inNamespace(name))).thenCompose(listed -> {
        List<CompletableFuture<?>> deletes = new ArrayList<>();
        for (var object : listed.items()) {
          if (!object.path("metadata").hasNonNull("deletionTimestamp")) {
            deletes.add(store.delete(type, name, KubeJson.name(object), DeleteOptions.defaults(), WriteOptions.DEFAULT)
                .toCompletableFuture().exceptionally(failure -> null));
          }
        }
        return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new)).thenApply(done -> listed.items().size());
      }).toCompletableFuture());
    }
    return terminating.thenCompose(done -> CompletableFuture.allOf(remaining.toArray(CompletableFuture[]::new))).thenCompose(done -> {
      int left = remaining.stream().mapToInt(CompletableFuture::join).sum();
      if (left > 0) {
        return CompletableFuture.completedFuture(recheck);
      }
      return store.get(Namespace.class, null, name).thenCompose(latest -> {
        Namespace finalized = Cache.copy(latest);
        finalized.getMetadata().setFinalizers(finalized.getMetadata().getFinalizers() == null ? List.of()
            : finalized.getMetadata().getFinalizers().stream().filter(f -> !f.equals(NamespaceFinalizer.FINALIZER)).toList());
        return store.update(finalized);
      }).thenApply(written -> (Object) null);
    });
  }
}
