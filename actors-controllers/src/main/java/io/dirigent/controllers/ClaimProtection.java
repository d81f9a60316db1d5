package io.dirigent.controllers;

import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.PodPhase;
import io.dirigent.core.api.Storage;
import io.dirigent.core.informer.InformerStore;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.Store;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' pvc-protection controller: a claim carries the finalizer
 * {@link Storage#CLAIM_PROTECTION} (every write of a live claim puts it back), so that a claim
 * deleted while a pod that has not finished still uses it stays, Terminating, until no such pod
 * is left — only then does it go, and with it (Delete reclaim) its volume's data. That no pod uses
 * it is read from the store, not only the cache, before the finalizer is removed.
 */
final class ClaimProtection implements Controller {

  private static final Logger log = LoggerFactory.getLogger(ClaimProtection.class);
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private final Store store;

  ClaimProtection(Store store) {
    this.store = store;
  }

  @Override
  public String name() {
    return "pvc-protection";
  }

  @Override
  public List<Watch> watches() {
    return List.of(
        new Watch(PersistentVolumeClaim.class, (change, cache) -> List.of(Cache.key(change.object()))),
        // A pod that goes or finishes may free the claims it used.
        new Watch(Pod.class, (change, cache) -> {
          List<String> claims = new ArrayList<>();
          String namespace = KubeJson.namespace(change.object());
          change.object().path("spec").path("volumes").forEach(volume -> {
            String claim = volume.path("persistentVolumeClaim").path("claimName").asText("");
            if (!claim.isEmpty()) {
              claims.add(InformerStore.key(namespace, claim));
            }
          });
          return claims;
        }));
  }

  @Override
  public CompletionStage<?> reconcile(String key, Cache cache) {
    Optional<PersistentVolumeClaim> found = cache.get(PersistentVolumeClaim.class, key);
    if (found.isEmpty() || found.get().getMetadata().getDeletionTimestamp() == null
        || found.get().getMetadata().getFinalizers() == null || !found.get().getMetadata().getFinalizers().contains(Storage.CLAIM_PROTECTION)) {
      return DONE;
    }
    PersistentVolumeClaim claim = found.get();
    String namespace = claim.getMetadata().getNamespace();
    String name = claim.getMetadata().getName();
    List<String> users = users(cache.list(Pod.class, namespace), name);
    if (!users.isEmpty()) {
      log.debug("claim={} being deleted, kept while pods={} use it", key, users);
      return DONE;
    }
    return store.list(Pod.class, ListOptions.of(ObjectFilter.inNamespace(namespace))).thenCompose(live -> {
      List<String> still = users(live.items(Pod.class), name);
      if (!still.isEmpty()) {
        log.debug("claim={} being deleted, kept while pods={} use it (the store's list)", key, still);
        return DONE;
      }
      log.debug("claim={} used by no pod: letting it go", key);
      PersistentVolumeClaim update = Cache.copy(claim);
      List<String> finalizers = new ArrayList<>(update.getMetadata().getFinalizers());
      finalizers.remove(Storage.CLAIM_PROTECTION);
      update.getMetadata().setFinalizers(finalizers);
      return store.update(update).thenApply(written -> null);
    });
  }

  /** The pods that have not finished and mount the claim. */
  static List<String> users(List<Pod> pods, String claim) {
    List<String> users = new ArrayList<>();
    for (Pod pod : pods) {
      if (PodPhase.of(pod).terminal() || pod.getSpec().getVolumes() == null) {
        continue;
      }
      boolean uses = pod.getSpec().getVolumes().stream()
          .anyMatch(volume -> volume.getPersistentVolumeClaim() != null && claim.equals(volume.getPersistentVolumeClaim().getClaimName()));
      if (uses) {
        users.add(pod.getMetadata().getName());
      }
    }
    return users;
  }
}
