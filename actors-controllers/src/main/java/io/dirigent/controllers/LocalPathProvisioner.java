package io.dirigent.controllers;

import io.dirigent.core.api.Storage;
import io.dirigent.core.events.EventRecorder;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in provisioner of the {@code local-path} class ({@link Storage#LOCAL_PROVISIONER}), as
 * k3s' local-path provisioner works: for a claim the binder handed to it, once the scheduler has
 * chosen the node of the claim's first pod ({@link Storage#SELECTED_NODE}), it makes the
 * PersistentVolume {@code pvc-<claim uid>} — a {@code local} volume at
 * {@code <node's volumes dir>/pvc-<uid>_<namespace>_<claim>}, pinned to that node, of the claim's
 * size and access modes and the class's reclaim policy, pre-bound to the claim, with the finalizer
 * by which the node removes its directory when it is deleted. The binder then binds the two; the
 * node makes the directory when the pod starts. A node that names no volumes directory (a
 * simulated one) cannot take local volumes: the claim waits, with an event.
 */
final class LocalPathProvisioner implements Controller {

  private static final Logger log = LoggerFactory.getLogger(LocalPathProvisioner.class);
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private final Store store;
  private final EventRecorder events;
  private final Duration retryInterval;

  LocalPathProvisioner(Store store, EventRecorder events, Duration retryInterval) {
    this.store = store;
    this.events = events;
    this.retryInterval = retryInterval;
  }

  @Override
  public String name() {
    return "local-path-provisioner";
  }

  @Override
  public List<Watch> watches() {
    return List.of(
        new Watch(PersistentVolumeClaim.class, (change, cache) -> List.of(Cache.key(change.object()))),
        new Watch(StorageClass.class, (change, cache) -> List.of()),
        new Watch(PersistentVolume.class, (change, cache) -> List.of()),
        new Watch(Node.class, (change, cache) -> List.of()));
  }

  @Override
  public CompletionStage<?> reconcile(String key, Cache cache) {
    Optional<PersistentVolumeClaim> found = cache.get(PersistentVolumeClaim.class, key);
    if (found.isEmpty()) {
      return DONE;
    }
    PersistentVolumeClaim claim = found.get();
    String volumeName = claim.getSpec().getVolumeName();
    if (claim.getMetadata().getDeletionTimestamp() != null || (volumeName != null && !volumeName.isEmpty())
        || !Storage.LOCAL_PROVISIONER.equals(ClaimBinder.annotation(claim, Storage.STORAGE_PROVISIONER))) {
      return DONE;
    }
    String className = claim.getSpec().getStorageClassName();
    Optional<StorageClass> storageClass = className == null ? Optional.empty() : cache.get(StorageClass.class, className);
    if (storageClass.isEmpty() || !Storage.LOCAL_PROVISIONER.equals(storageClass.get().getProvisioner())) {
      return DONE;
    }
    String nodeName = ClaimBinder.annotation(claim, Storage.SELECTED_NODE);
    if (nodeName == null) {
      log.debug("claim={} waits for a node to be chosen for its first pod", key);
      return DONE;
    }
    String pvName = "pvc-" + claim.getMetadata().getUid();
    if (cache.get(PersistentVolume.class, pvName).isPresent()) {
      return DONE;
    }
    Optional<String> volumesDir = cache.get(Node.class, nodeName).map(node -> node.getMetadata().getAnnotations())
        .map(annotations -> annotations.get(Storage.VOLUMES_DIR));
    if (volumesDir.isEmpty() || !volumesDir.get().startsWith("/")) {
      log.debug("claim={} node={} names no volumes directory; trying again in {}", key, nodeName, retryInterval);
      event(claim, "Warning", "ProvisioningFailed", "node \"%s\" takes no local volumes (it names no volumes directory)".formatted(nodeName));
      return CompletableFuture.completedFuture(retryInterval);
    }
    PersistentVolume pv = volumeFor(claim, storageClass.get(), nodeName, volumesDir.get());
    log.debug("claim={} provisioning volume={} node={} path={}", key, pvName, nodeName, pv.getSpec().getLocal().getPath());
    return store.create(pv)
        .thenAccept(created -> event(claim, "Normal", "ProvisioningSucceeded", "Successfully provisioned volume " + pvName))
        .exceptionally(failure -> {
          if (StoreException.is(failure, StoreError.Reason.ALREADY_EXISTS)) {
            return null;
          }
          event(claim, "Warning", "ProvisioningFailed", "failed to provision volume: " + StoreException.cause(failure).getMessage());
          throw new java.util.concurrent.CompletionException(StoreException.cause(failure));
        });
  }

  /** The volume for {@code claim} on {@code node}, in its directory below {@code volumesDir}. */
  static PersistentVolume volumeFor(PersistentVolumeClaim claim, StorageClass storageClass, String node, String volumesDir) {
    String pvName = "pvc-" + claim.getMetadata().getUid();
    // Names are DNS subdomains and labels: each is one path element, and none is "." or "..".
    String path = Path.of(volumesDir, pvName + "_" + claim.getMetadata().getNamespace() + "_" + claim.getMetadata().getName()).toString();
    return new PersistentVolumeBuilder()
        .withNewMetadata().withName(pvName)
        .withAnnotations(Map.of(Storage.PROVISIONED_BY, Storage.LOCAL_PROVISIONER))
        .withFinalizers(Storage.LOCAL_VOLUME_FINALIZER)
        .endMetadata()
        .withNewSpec()
        .withCapacity(Map.of("storage", claim.getSpec().getResources().getRequests().get("storage")))
        .withAccessModes(claim.getSpec().getAccessModes())
        .withVolumeMode(claim.getSpec().getVolumeMode())
        .withPersistentVolumeReclaimPolicy(storageClass.getReclaimPolicy() == null ? Storage.DELETE : storageClass.getReclaimPolicy())
        .withStorageClassName(storageClass.getMetadata().getName())
        .withClaimRef(new ObjectReferenceBuilder().withKind("PersistentVolumeClaim").withApiVersion("v1")
            .withNamespace(claim.getMetadata().getNamespace()).withName(claim.getMetadata().getName()).withUid(claim.getMetadata().getUid())
            .withResourceVersion(claim.getMetadata().getResourceVersion()).build())
        .withNewLocal().withPath(path).endLocal()
        .withNewNodeAffinity().withNewRequired().addNewNodeSelectorTerm().addNewMatchExpression()
        .withKey(Storage.HOSTNAME_LABEL).withOperator("In").withValues(node).endMatchExpression()
        .endNodeSelectorTerm().endRequired().endNodeAffinity()
        .endSpec()
        .build();
  }

  private void event(PersistentVolumeClaim claim, String type, String reason, String message) {
    if (events != null) {
      events.record(claim, null, type, reason, message);
    }
  }
}
