package io.dirigent.controllers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.crd.CustomResources;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import io.dirigent.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes a deleted CustomResourceDefinition's objects before the definition goes, as Kubernetes'
 * finalizing controller does: while the definition is marked for deletion and holds the cleanup
 * finalizer, every object of its resource is deleted; once none is left, the finalizer is taken
 * off and the store removes the definition (and every member stops serving its resource).
 */
final class CustomResourceCleanup implements Controller {

  private static final Logger LOG = LoggerFactory.getLogger(CustomResourceCleanup.class);

  private final Store store;
  private final ResourceType definitions;
  /** How soon to look again while objects held by finalizers of their own are still there. */
  private final java.time.Duration recheck;

  CustomResourceCleanup(Store store, java.time.Duration recheck) {
    this.store = store;
    this.recheck = recheck;
    this.definitions = store.registry().byResource(CustomResources.DEFINITIONS).orElseThrow();
  }

  @Override
  public String name() {
    return "customresourcecleanup";
  }

  @Override
  public List<Watch> watches() {
    return List.of(new Watch(CustomResourceDefinition.class, (change, cache) -> List.of(Cache.key(change.object()))));
  }

  @Override
  public CompletionStage<?> reconcile(String key, Cache cache) {
    Optional<ObjectNode> found = cache.tree(CustomResourceDefinition.class, key);
    if (found.isEmpty() || !found.get().path("metadata").has("deletionTimestamp") || !holdsFinalizer(found.get())) {
      return CompletableFuture.completedFuture(null);
    }
    ObjectNode definition = found.get();
    Optional<ResourceType> served = CustomResources.typeOf(definition);
    if (served.isEmpty()) {
      // Never established: no object of it can have been written.
      return release(definition);
    }
    ResourceType type = served.get();
    return store.list(type, ListOptions.of(ObjectFilter.ALL)).<Object>thenCompose(listed -> {
      if (listed.items().isEmpty()) {
        return release(definition);
      }
      LOG.debug("customresourcedefinition={} deleting objects={}", key, listed.items().size());
      CompletableFuture<?>[] deletes = listed.items().stream()
          .map(object -> store.delete(type, KubeJson.namespace(object), KubeJson.name(object), DeleteOptions.defaults(), WriteOptions.DEFAULT)
              .toCompletableFuture().exceptionally(failure -> {
                if (StoreException.is(failure, StoreError.Reason.NOT_FOUND)) {
                  return null;
                }
                throw StoreException.cause(failure) instanceof RuntimeException e ? e : new IllegalStateException(failure);
              }))
          .toArray(CompletableFuture[]::new);
      // Objects held by finalizers of their own are gone later: look again until none is left.
      return CompletableFuture.allOf(deletes).<Object>thenApply(done -> recheck);
    });
  }

  private static boolean holdsFinalizer(JsonNode definition) {
    for (JsonNode finalizer : definition.path("metadata").path("finalizers")) {
      if (finalizer.asText().equals(CustomResources.CLEANUP_FINALIZER)) {
        return true;
      }
    }
    return false;
  }

  /** The definition without the cleanup finalizer; the store removes it when no other finalizer holds it. */
  private CompletionStage<Object> release(ObjectNode definition) {
    ObjectNode released = definition.deepCopy();
    ArrayNode kept = KubeJson.MAPPER.createArrayNode();
    definition.path("metadata").path("finalizers").forEach(finalizer -> {
      if (!finalizer.asText().equals(CustomResources.CLEANUP_FINALIZER)) {
        kept.add(finalizer);
      }
    });
    KubeJson.metadata(released).set("finalizers", kept);
    LOG.debug("customresourcedefinition={} objects gone, finalizer removed", KubeJson.name(definition));
    return store.update(definitions, "", released, WriteOptions.DEFAULT).thenApply(updated -> updated);
  }
}
