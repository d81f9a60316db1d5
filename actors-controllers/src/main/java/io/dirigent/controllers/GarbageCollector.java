package io.dirigent.controllers;

import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.informer.InformerStore;
import io.dirigent.core.informer.Index;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' garbage collector over owner references, for the workload kinds:
 * <ul>
 *   <li><b>background</b>: an object all of whose owners are gone is deleted (an owner is gone
 *   when the store, asked directly, has no object of that name and uid — the cache alone may
 *   lag);</li>
 *   <li><b>foreground</b>: an owner marked for deletion with the {@code foregroundDeletion}
 *   finalizer has its dependents deleted, and loses the finalizer once none is left;</li>
 *   <li><b>orphan</b>: an owner with the {@code orphan} finalizer has its reference removed from
 *   every dependent, then loses the finalizer.</li>
 * </ul>
 * Keys are {@code Kind/namespace/name} ({@link Key}).
 */
final class GarbageCollector implements Controller {

  static final String FOREGROUND = "foregroundDeletion";
  static final String ORPHAN = "orphan";

  private static final Map<String, Class<? extends HasMetadata>> KINDS = new LinkedHashMap<>();

  static {
    KINDS.put("Deployment", Deployment.class);
    KINDS.put("ReplicaSet", ReplicaSet.class);
    KINDS.put("ReplicationController", ReplicationController.class);
    KINDS.put("DaemonSet", DaemonSet.class);
    KINDS.put("CronJob", io.fabric8.kubernetes.api.model.batch.v1.CronJob.class);
    KINDS.put("Job", io.fabric8.kubernetes.api.model.batch.v1.Job.class);
    KINDS.put("StatefulSet", io.fabric8.kubernetes.api.model.apps.StatefulSet.class);
    KINDS.put("ControllerRevision", io.fabric8.kubernetes.api.model.apps.ControllerRevision.class);
    KINDS.put("Pod", Pod.class);
  }

  /** A key of this loop: the kind, and the object's key within it ({@code namespace/name}). */
  record Key(String kind, String object) {

    /** The key {@code Kind/namespace/name}: the kind ends at the first slash (a kind has none). */
    static Key parse(String key) {
      int slash = key.indexOf('/');
      if (slash < 0) {
        throw new IllegalArgumentException("not a garbage collector key (Kind/namespace/name): " + key);
      }
      return new Key(key.substring(0, slash), key.substring(slash + 1));
    }

    @Override
    public String toString() {
      return kind + "/" + object;
    }
  }

  private static final Logger log = LoggerFactory.getLogger(GarbageCollector.class);

  private final Store store;

  GarbageCollector(Store store) {
    this.store = store;
  }

  @Override
  public String name() {
    return "garbage-collector";
  }

  @Override
  public List<Watch> watches() {
    List<Watch> watches = new ArrayList<>();
    KINDS.forEach((kind, type) -> watches.add(new Watch(type, (change, cache) -> {
      var object = change.object();
      String namespace = KubeJson.namespace(object);
      Set<String> keys = new HashSet<>();
      keys.add(new Key(kind, Cache.key(object)).toString());
      // An owner waiting in the foreground for its dependents is looked at as they go.
      for (var owner : object.path("metadata").path("ownerReferences")) {
        if (KINDS.containsKey(owner.path("kind").asText())) {
          keys.add(new Key(owner.path("kind").asText(), InformerStore.key(namespace, owner.path("name").asText())).toString());
        }
      }
      // A deleted owner's dependents may now be orphans.
      if (change.deleted()) {
        for (HasMetadata dependent : dependents(namespace, KubeJson.uid(object), cache)) {
          keys.add(new Key(dependent.getKind(), Cache.key(dependent)).toString());
        }
      }
      return keys;
    })));
    return watches;
  }

  @Override
  public java.util.Collection<String> allKeys(Cache cache) {
    List<String> keys = new ArrayList<>();
    KINDS.forEach((kind, type) -> cache.keys(type).forEach(key -> keys.add(new Key(kind, key).toString())));
    return keys;
  }

  @Override
  public CompletionStage<?> reconcile(String key, Cache cache) {
    Key parsed = Key.parse(key);
    Class<? extends HasMetadata> type = KINDS.get(parsed.kind());
    Optional<? extends HasMetadata> found = type == null ? Optional.empty() : cache.get(type, parsed.object());
    if (found.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    HasMetadata object = found.get();
    List<String> finalizers = object.getMetadata().getFinalizers() == null ? List.of() : object.getMetadata().getFinalizers();
    if (object.getMetadata().getDeletionTimestamp() != null && finalizers.contains(ORPHAN)) {
      return orphan(object, cache);
    }
    if (object.getMetadata().getDeletionTimestamp() != null && finalizers.contains(FOREGROUND)) {
      return foreground(object, cache);
    }
    return collectIfOrphaned(object, cache);
  }

  /**
   * Deletes the object when every owner it names is gone. An owner of a custom resource (an
   * operator's object owning Deployments or pods) is followed by no informer here: it is asked of
   * the store at the resync, so its dependents go within a resync interval of it.
   */
  private CompletionStage<?> collectIfOrphaned(HasMetadata object, Cache cache) {
    List<OwnerReference> owners = references(object).stream().filter(o -> KINDS.containsKey(o.getKind()) || custom(o).isPresent()).toList();
    if (owners.isEmpty() || owners.size() != references(object).size() || object.getMetadata().getDeletionTimestamp() != null) {
      return CompletableFuture.completedFuture(null);
    }
    for (OwnerReference owner : owners) {
      Optional<? extends HasMetadata> cached = KINDS.containsKey(owner.getKind())
          ? cache.get(KINDS.get(owner.getKind()), InformerStore.key(object.getMetadata().getNamespace(), owner.getName())) : Optional.empty();
      if (cached.isPresent() && cached.get().getMetadata().getUid().equals(owner.getUid())) {
        return CompletableFuture.completedFuture(null);
      }
    }
    // The cache says every owner is gone; make sure with the store itself before deleting.
    List<CompletableFuture<Boolean>> gone = owners.stream().map(owner -> ownerUid(owner, object.getMetadata().getNamespace())
        .toCompletableFuture()
        .handle((uid, failure) -> {
          if (failure == null) {
            return !uid.equals(owner.getUid());
          }
          if (StoreException.is(failure, StoreError.Reason.NOT_FOUND)) {
            return true;
          }
          throw new CompletionException(StoreException.cause(failure));
        })).toList();
    String key = new Key(object.getKind(), Cache.key(object)).toString();
    List<String> named = owners.stream().map(owner -> owner.getKind() + "/" + owner.getName()).toList();
    return CompletableFuture.allOf(gone.toArray(CompletableFuture[]::new)).thenCompose(done -> {
      if (!gone.stream().allMatch(CompletableFuture::join)) {
        log.debug("not collecting object={}: the store still has an owner of owners={} the cache had gone", key, named);
        return CompletableFuture.completedFuture(null);
      }
      log.debug("deleting object={} in the background: every owner is gone owners={}", key, named);
      return delete(object, DeleteOptions.Propagation.BACKGROUND);
    });
  }

  /** The custom resource an owner reference names, if it names one this member serves. */
  private Optional<ResourceType> custom(OwnerReference owner) {
    return store.registry().byKind(owner.getApiVersion() == null ? "" : owner.getApiVersion(), owner.getKind()).filter(ResourceType::isCustom);
  }

  /** The uid of the object an owner reference names, as the store has it now. */
  private CompletionStage<String> ownerUid(OwnerReference owner, String namespace) {
    if (KINDS.containsKey(owner.getKind())) {
      return store.get(KINDS.get(owner.getKind()), namespace, owner.getName()).thenApply(live -> live.getMetadata().getUid());
    }
    ResourceType type = custom(owner).orElseThrow();
    return store.get(type, namespace, owner.getName()).thenApply(KubeJson::uid);
  }

  private CompletionStage<?> foreground(HasMetadata owner, Cache cache) {
    List<HasMetadata> dependents = dependents(owner, cache);
    String key = new Key(owner.getKind(), Cache.key(owner)).toString();
    if (dependents.isEmpty()) {
      log.debug("owner={} has no dependents left: removing finalizer={}", key, FOREGROUND);
      return removeFinalizer(owner, FOREGROUND);
    }
    List<HasMetadata> deleting = dependents.stream().filter(dependent -> dependent.getMetadata().getDeletionTimestamp() == null).toList();
    log.debug("owner={} deleted in the foreground: deleting dependents={}, waiting for dependents={}", key, keys(deleting), keys(dependents));
    List<CompletableFuture<?>> deletes = new ArrayList<>();
    for (HasMetadata dependent : dependents) {
      if (dependent.getMetadata().getDeletionTimestamp() == null) {
        // Pods have no dependents of their own: they go in the background.
        deletes.add(delete(dependent, dependent instanceof Pod ? DeleteOptions.Propagation.BACKGROUND : DeleteOptions.Propagation.FOREGROUND)
            .toCompletableFuture());
      }
    }
    return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new));
  }

  private CompletionStage<?> orphan(HasMetadata owner, Cache cache) {
    List<CompletableFuture<?>> updates = new ArrayList<>();
    List<HasMetadata> dependents = dependents(owner, cache);
    log.debug("owner={} deleted orphaning its dependents: releasing dependents={}, then removing finalizer={}",
        new Key(owner.getKind(), Cache.key(owner)), keys(dependents), ORPHAN);
    for (HasMetadata dependent : dependents) {
      HasMetadata freed = Cache.copy(dependent);
      freed.getMetadata().setOwnerReferences(references(dependent).stream()
          .filter(o -> !o.getUid().equals(owner.getMetadata().getUid())).toList());
      updates.add(store.update(freed).toCompletableFuture());
    }
    return CompletableFuture.allOf(updates.toArray(CompletableFuture[]::new)).thenCompose(done -> removeFinalizer(owner, ORPHAN));
  }

  /** The objects' keys, for logs. */
  private static List<String> keys(List<HasMetadata> objects) {
    return objects.stream().map(object -> new Key(object.getKind(), Cache.key(object)).toString()).toList();
  }

  private static List<HasMetadata> dependents(HasMetadata owner, Cache cache) {
    return dependents(owner.getMetadata().getNamespace(), owner.getMetadata().getUid(), cache);
  }

  /** The objects in {@code namespace} that name the owner {@code uid}. */
  private static List<HasMetadata> dependents(String namespace, String uid, Cache cache) {
    List<HasMetadata> dependents = new ArrayList<>();
    for (Class<? extends HasMetadata> type : KINDS.values()) {
      for (HasMetadata candidate : cache.indexed(type, Index.OWNER, uid)) {
        if (namespace.equals(candidate.getMetadata().getNamespace())) {
          dependents.add(candidate);
        }
      }
    }
    return dependents;
  }

  private CompletionStage<?> removeFinalizer(HasMetadata owner, String finalizer) {
    HasMetadata updated = Cache.copy(owner);
    updated.getMetadata().setFinalizers(updated.getMetadata().getFinalizers().stream().filter(f -> !f.equals(finalizer)).toList());
    return store.update(updated);
  }

  private CompletionStage<?> delete(HasMetadata object, DeleteOptions.Propagation propagation) {
    return store.delete(object.getClass(), object.getMetadata().getNamespace(), object.getMetadata().getName(),
            DeleteOptions.defaults().withPropagation(propagation).withPreconditions(object.getMetadata().getUid(), null))
        .exceptionally(failure -> {
          if (StoreException.is(failure, StoreError.Reason.NOT_FOUND) || StoreException.is(failure, StoreError.Reason.CONFLICT)) {
            return null;
          }
          throw new CompletionException(StoreException.cause(failure));
        });
  }

  private static List<OwnerReference> references(HasMetadata object) {
    return object.getMetadata().getOwnerReferences() == null ? List.of() : object.getMetadata().getOwnerReferences();
  }
}
