package io.dirigent.controllers;

import io.dirigent.core.api.Storage;
import io.dirigent.core.events.EventRecorder;
import io.dirigent.core.informer.InformerStore;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeStatus;
import io.fabric8.kubernetes.api.model.PersistentVolumeStatusBuilder;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The volume half of Kubernetes' PersistentVolume controller: a volume bound to no claim is
 * Available, one its claim points back to is Bound, and one whose claim is gone is Released —
 * then reclaimed as its policy says: Retain keeps it Released (an administrator frees it by
 * removing its claimRef), Delete deletes it if the local-path provisioner made it (its node then
 * removes the directory and the finalizer: {@code LocalVolumeReclaimer}) and fails it otherwise,
 * since nothing here can delete another kind of volume. That a claim is gone is read from the
 * store, not only the cache, before anything is released, as Kubernetes checks.
 */
final class VolumeReclaimer implements Controller {

  private static final Logger log = LoggerFactory.getLogger(VolumeReclaimer.class);
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private final Store store;
  private final EventRecorder events;

  VolumeReclaimer(Store store, EventRecorder events) {
    this.store = store;
    this.events = events;
  }

  @Override
  public String name() {
    return "persistentvolume-reclaimer";
  }

  @Override
  public List<Watch> watches() {
    return List.of(
        new Watch(PersistentVolume.class, (change, cache) -> List.of(Cache.key(change.object()))),
        new Watch(PersistentVolumeClaim.class, (change, cache) -> {
          String volume = change.object().path("spec").path("volumeName").asText("");
          if (!volume.isEmpty()) {
            return List.of(volume);
          }
          // A claim that goes before it was bound may still be named by a volume's claimRef.
          String namespace = change.object().path("metadata").path("namespace").asText();
          String name = change.object().path("metadata").path("name").asText();
          return cache.list(PersistentVolume.class, null).stream()
              .filter(pv -> pv.getSpec().getClaimRef() != null && name.equals(pv.getSpec().getClaimRef().getName())
                  && namespace.equals(pv.getSpec().getClaimRef().getNamespace()))
              .map(Cache::key).toList();
        }));
  }

  @Override
  public CompletionStage<?> reconcile(String key, Cache cache) {
    Optional<PersistentVolume> found = cache.get(PersistentVolume.class, key);
    if (found.isEmpty() || found.get().getMetadata().getDeletionTimestamp() != null) {
      return DONE;
    }
    PersistentVolume pv = found.get();
    ObjectReference ref = pv.getSpec().getClaimRef();
    if (ref == null) {
      return phase(pv, Storage.AVAILABLE, null);
    }
    Optional<PersistentVolumeClaim> claim = cache.get(PersistentVolumeClaim.class, InformerStore.key(ref.getNamespace(), ref.getName()));
    boolean preBound = ref.getUid() == null || ref.getUid().isEmpty();
    if (claim.isPresent() && (preBound || ref.getUid().equals(claim.get().getMetadata().getUid()))) {
      // Bound once the claim points back; until then the binder is at work and the phase stays.
      return key.equals(claim.get().getSpec().getVolumeName()) ? phase(pv, Storage.BOUND, null) : DONE;
    }
    if (preBound) {
      return phase(pv, Storage.AVAILABLE, null);
    }
    return store.get(PersistentVolumeClaim.class, ref.getNamespace(), ref.getName())
        .thenApply(Optional::of)
        .exceptionally(failure -> {
          if (StoreException.is(failure, StoreError.Reason.NOT_FOUND)) {
            return Optional.empty();
          }
          throw new java.util.concurrent.CompletionException(StoreException.cause(failure));
        })
        .thenCompose(current -> current.isPresent() && Objects.equals(current.get().getMetadata().getUid(), ref.getUid())
            ? DONE : release(key, pv).thenApply(released -> null));
  }

  private CompletionStage<?> release(String key, PersistentVolume pv) {
    String policy = pv.getSpec().getPersistentVolumeReclaimPolicy();
    if (!Storage.DELETE.equals(policy)) {
      log.debug("volume={} released, retained", key);
      return phase(pv, Storage.RELEASED, null);
    }
    String provisioner = pv.getMetadata().getAnnotations() == null ? null : pv.getMetadata().getAnnotations().get(Storage.PROVISIONED_BY);
    if (!Storage.LOCAL_PROVISIONER.equals(provisioner)) {
      log.info("volume={} released with reclaim policy Delete, but no deleter here provisioned it", key);
      String message = "error getting deleter volume plugin for volume \"%s\": no deletable volume plugin matched".formatted(key);
      event(pv, "Warning", "VolumeFailedDelete", message);
      return phase(pv, Storage.FAILED, message);
    }
    log.info("volume={} released, deleting it (reclaim policy Delete)", key);
    return phase(pv, Storage.RELEASED, null)
        .thenCompose(released -> store.delete(PersistentVolume.class, null, key, DeleteOptions.defaults()))
        .exceptionally(failure -> {
          if (StoreException.is(failure, StoreError.Reason.NOT_FOUND)) {
            return null;
          }
          throw new java.util.concurrent.CompletionException(StoreException.cause(failure));
        });
  }

  private CompletionStage<?> phase(PersistentVolume pv, String phase, String message) {
    PersistentVolumeStatus status = new PersistentVolumeStatusBuilder().withPhase(phase).withMessage(message).build();
    if (pv.getStatus() != null && phase.equals(pv.getStatus().getPhase()) && Objects.equals(message, pv.getStatus().getMessage())) {
      return DONE;
    }
    PersistentVolume update = Cache.copy(pv);
    update.getMetadata().setResourceVersion(null);
    update.setStatus(status);
    return store.updateStatus(update);
  }

  private void event(PersistentVolume pv, String type, String reason, String message) {
    if (events != null) {
      events.record(pv, null, type, reason, message);
    }
  }
}
