package io.dirigent.controllers;

import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.Storage;
import io.dirigent.core.events.EventRecorder;
import io.dirigent.core.informer.InformerStore;
import io.dirigent.core.store.Store;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The claim half of Kubernetes' PersistentVolume controller (persistentvolume-binder): binds each
 * claim to a volume — the one its {@code volumeName} names, else the best that fits
 * ({@link VolumeMatching}) — by writing the volume's claimRef first (the volume's resourceVersion
 * makes two claims racing for one volume fail but one), then the claim's volumeName and its
 * status Bound. A claim that names no class gets the default class's name. A claim of a
 * WaitForFirstConsumer class waits until the scheduler has chosen its first pod's node
 * ({@link Storage#SELECTED_NODE}); one no volume fits is handed to its class's provisioner
 * ({@link Storage#STORAGE_PROVISIONER}). A bound claim whose volume is gone is Lost.
 */
final class ClaimBinder implements Controller {

  private static final Logger log = LoggerFactory.getLogger(ClaimBinder.class);
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private final Store store;
  private final EventRecorder events;

  ClaimBinder(Store store, EventRecorder events) {
    this.store = store;
    this.events = events;
  }

  @Override
  public String name() {
    return "persistentvolume-binder";
  }

  @Override
  public List<Watch> watches() {
    return List.of(
        new Watch(PersistentVolumeClaim.class, (change, cache) -> List.of(Cache.key(change.object()))),
        // A volume that appears or is let go of may fit a waiting claim; the one it names hears of it.
        new Watch(PersistentVolume.class, (change, cache) -> {
          String namespace = change.object().path("spec").path("claimRef").path("namespace").asText("");
          String claim = change.object().path("spec").path("claimRef").path("name").asText("");
          return claim.isEmpty() ? pendingClaims(cache) : List.of(InformerStore.key(namespace, claim));
        }),
        new Watch(StorageClass.class, (change, cache) -> pendingClaims(cache)),
        // Read for the labels of a claim's selected node; a node's change binds nothing.
        new Watch(Node.class, (change, cache) -> List.of()));
  }

  private static List<String> pendingClaims(Cache cache) {
    return cache.list(PersistentVolumeClaim.class, null).stream()
        .filter(claim -> claim.getSpec().getVolumeName() == null || claim.getSpec().getVolumeName().isEmpty())
        .map(Cache::key).toList();
  }

  @Override
  public CompletionStage<?> reconcile(String key, Cache cache) {
    Optional<PersistentVolumeClaim> found = cache.get(PersistentVolumeClaim.class, key);
    if (found.isEmpty() || found.get().getMetadata().getDeletionTimestamp() != null) {
      return DONE;
    }
    PersistentVolumeClaim claim = found.get();
    String className = claim.getSpec().getStorageClassName();
    if (className == null) {
      Optional<StorageClass> fallback = defaultClass(cache);
      if (fallback.isPresent()) {
        log.debug("claim={} gets the default class={}", key, fallback.get().getMetadata().getName());
        PersistentVolumeClaim update = Cache.copy(claim);
        update.getSpec().setStorageClassName(fallback.get().getMetadata().getName());
        return store.update(update);
      }
    }
    StorageClass storageClass = className == null || className.isEmpty() ? null : cache.get(StorageClass.class, className).orElse(null);
    String volumeName = claim.getSpec().getVolumeName();
    if (volumeName != null && !volumeName.isEmpty()) {
      return bindNamed(key, claim, cache.get(PersistentVolume.class, volumeName));
    }
    String node = annotation(claim, Storage.SELECTED_NODE);
    if (storageClass != null && Storage.WAIT_FOR_FIRST_CONSUMER.equals(storageClass.getVolumeBindingMode()) && node == null) {
      log.debug("claim={} waits for its first consumer class={}", key, className);
      event(claim, "Normal", "WaitForFirstConsumer", "waiting for first consumer to be created before binding");
      return DONE;
    }
    Optional<PersistentVolume> match = VolumeMatching.best(claim, cache.list(PersistentVolume.class, null), node == null ? null : nodeLabels(cache, node));
    if (match.isPresent()) {
      log.debug("claim={} binding to volume={}", key, match.get().getMetadata().getName());
      return bind(claim, match.get());
    }
    if (storageClass != null && storageClass.getProvisioner() != null && !storageClass.getProvisioner().isEmpty()) {
      if (storageClass.getProvisioner().equals(annotation(claim, Storage.STORAGE_PROVISIONER))) {
        return DONE;
      }
      log.debug("claim={} no volume fits, asking provisioner={}", key, storageClass.getProvisioner());
      event(claim, "Normal", "ExternalProvisioning", "Waiting for a volume to be created by \"%s\"".formatted(storageClass.getProvisioner()));
      PersistentVolumeClaim update = Cache.copy(claim);
      Map<String, String> annotations = new HashMap<>(annotations(update));
      annotations.put(Storage.STORAGE_PROVISIONER, storageClass.getProvisioner());
      update.getMetadata().setAnnotations(annotations);
      return store.update(update);
    }
    log.debug("claim={} no volume fits and no class provisions one", key);
    event(claim, "Normal", "FailedBinding", className == null || className.isEmpty()
        ? "no persistent volumes available for this claim and no storage class is set"
        : "storageclass.storage.k8s.io \"%s\" not found".formatted(className));
    return DONE;
  }

  /** The claim names its volume: bind to it if it is free or already ours; Lost if it is gone after binding. */
  private CompletionStage<?> bindNamed(String key, PersistentVolumeClaim claim, Optional<PersistentVolume> volume) {
    String phase = claim.getStatus() == null ? null : claim.getStatus().getPhase();
    if (volume.isEmpty()) {
      if (Storage.BOUND.equals(phase)) {
        log.info("claim={} lost its volume={}", key, claim.getSpec().getVolumeName());
        event(claim, "Warning", "ClaimLost", "Bound claim has lost its PersistentVolume. Data on the volume is lost!");
        return writeStatus(claim, new PersistentVolumeClaimStatusBuilder().withPhase(Storage.LOST).build());
      }
      log.debug("claim={} waits for its volume={}", key, claim.getSpec().getVolumeName());
      return DONE;
    }
    PersistentVolume pv = volume.get();
    if (pv.getSpec().getClaimRef() != null && !VolumeMatching.boundTo(pv, claim)) {
      log.debug("claim={} volume={} is bound to another claim", key, pv.getMetadata().getName());
      event(claim, "Warning", "FailedBinding", "volume \"%s\" already bound to a different claim.".formatted(pv.getMetadata().getName()));
      return DONE;
    }
    return bind(claim, pv);
  }

  /** Each step only where it is not done yet, so that a bind cut short is finished by the next pass. */
  private CompletionStage<?> bind(PersistentVolumeClaim claim, PersistentVolume pv) {
    CompletionStage<?> volumeBound = DONE;
    ObjectReference ref = pv.getSpec().getClaimRef();
    if (ref == null || !Objects.equals(ref.getUid(), claim.getMetadata().getUid())) {
      PersistentVolume update = Cache.copy(pv);
      update.getSpec().setClaimRef(new ObjectReferenceBuilder().withKind("PersistentVolumeClaim").withApiVersion("v1")
          .withNamespace(claim.getMetadata().getNamespace()).withName(claim.getMetadata().getName()).withUid(claim.getMetadata().getUid())
          .withResourceVersion(claim.getMetadata().getResourceVersion()).build());
      if (ref == null) {
        Map<String, String> annotations = new HashMap<>(annotations(update));
        annotations.put(Storage.BOUND_BY_CONTROLLER, "yes");
        update.getMetadata().setAnnotations(annotations);
      }
      volumeBound = store.update(update);
    }
    String volumeName = pv.getMetadata().getName();
    return volumeBound.thenCompose(done -> {
      if (volumeName.equals(claim.getSpec().getVolumeName()) && "yes".equals(annotation(claim, Storage.BIND_COMPLETED))) {
        return CompletableFuture.completedFuture(claim);
      }
      PersistentVolumeClaim update = Cache.copy(claim);
      Map<String, String> annotations = new HashMap<>(annotations(update));
      annotations.put(Storage.BIND_COMPLETED, "yes");
      if (!volumeName.equals(claim.getSpec().getVolumeName())) {
        annotations.put(Storage.BOUND_BY_CONTROLLER, "yes");
      }
      update.getMetadata().setAnnotations(annotations);
      update.getSpec().setVolumeName(volumeName);
      return store.update(update);
    }).thenCompose(bound -> writeStatus(bound, new PersistentVolumeClaimStatusBuilder().withPhase(Storage.BOUND)
        .withAccessModes(pv.getSpec().getAccessModes()).withCapacity(pv.getSpec().getCapacity()).build()));
  }

  private CompletionStage<?> writeStatus(PersistentVolumeClaim claim, PersistentVolumeClaimStatus status) {
    if (claim.getStatus() != null && KubeJson.sameContent(KubeJson.MAPPER.valueToTree(claim.getStatus()), KubeJson.MAPPER.valueToTree(status))) {
      return DONE;
    }
    PersistentVolumeClaim update = Cache.copy(claim);
    update.getMetadata().setResourceVersion(null);
    update.setStatus(status);
    return store.updateStatus(update);
  }

  /** The class annotated default; of several, the newest, as Kubernetes picks. */
  static Optional<StorageClass> defaultClass(Cache cache) {
    List<StorageClass> defaults = new ArrayList<>();
    for (StorageClass storageClass : cache.list(StorageClass.class, null)) {
      if ("true".equals(annotation(storageClass.getMetadata().getAnnotations(), Storage.IS_DEFAULT_CLASS))) {
        defaults.add(storageClass);
      }
    }
    return defaults.stream().max(java.util.Comparator.comparing((StorageClass sc) -> String.valueOf(sc.getMetadata().getCreationTimestamp()))
        .thenComparing(sc -> sc.getMetadata().getName()));
  }

  /** The node's labels (at least its hostname, if the cache does not have it). */
  private static Map<String, String> nodeLabels(Cache cache, String node) {
    Map<String, String> labels = new HashMap<>();
    cache.get(Node.class, node).ifPresent(found -> {
      if (found.getMetadata().getLabels() != null) {
        labels.putAll(found.getMetadata().getLabels());
      }
    });
    labels.putIfAbsent(Storage.HOSTNAME_LABEL, node);
    return labels;
  }

  private void event(PersistentVolumeClaim claim, String type, String reason, String message) {
    if (events != null) {
      events.record(claim, null, type, reason, message);
    }
  }

  static String annotation(PersistentVolumeClaim claim, String name) {
    return annotation(claim.getMetadata().getAnnotations(), name);
  }

  private static String annotation(Map<String, String> annotations, String name) {
    return annotations == null ? null : annotations.get(name);
  }

  private static Map<String, String> annotations(io.fabric8.kubernetes.api.model.HasMetadata object) {
    return object.getMetadata().getAnnotations() == null ? Map.of() : object.getMetadata().getAnnotations();
  }
}
