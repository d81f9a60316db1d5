package io.dirigent.scheduler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.Storage;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The claims, volumes and classes as the scheduler's informers have them — the listers of
 * Kubernetes' VolumeBinding plugin. Touched on the scheduler's actor only; what it answers
 * ({@link PodClaim}) is immutable and read by the stateless {@code VolumeBinding} filter.
 */
final class SchedulerVolumes {

  private final Map<String, PersistentVolumeClaim> claims = new HashMap<>();
  private final Map<String, PersistentVolume> volumes = new HashMap<>();
  private final Map<String, StorageClass> classes = new HashMap<>();

  void claim(ObjectNode object, boolean deleted) {
    put(claims, KubeJson.namespace(object) + "/" + KubeJson.name(object), object, PersistentVolumeClaim.class, deleted);
  }

  void volume(ObjectNode object, boolean deleted) {
    put(volumes, KubeJson.name(object), object, PersistentVolume.class, deleted);
  }

  void storageClass(ObjectNode object, boolean deleted) {
    put(classes, KubeJson.name(object), object, StorageClass.class, deleted);
  }

  void replaceClaims(Collection<ObjectNode> all) {
    claims.clear();
    all.forEach(object -> claim(object, false));
  }

  void replaceVolumes(Collection<ObjectNode> all) {
    volumes.clear();
    all.forEach(object -> volume(object, false));
  }

  void replaceClasses(Collection<ObjectNode> all) {
    classes.clear();
    all.forEach(object -> storageClass(object, false));
  }

  private static <T> void put(Map<String, T> map, String key, ObjectNode object, Class<T> type, boolean deleted) {
    if (deleted) {
      map.remove(key);
    } else {
      map.put(key, KubeJson.toTyped(object, type));
    }
  }

  /** The pod's claims, each with what became of it. */
  List<PodClaim> claimsOf(PodInfo pod) {
    List<PodClaim> found = new ArrayList<>();
    List<Volume> podVolumes = pod.pod().getSpec().getVolumes() == null ? List.of() : pod.pod().getSpec().getVolumes();
    for (Volume volume : podVolumes) {
      if (volume.getPersistentVolumeClaim() != null) {
        String name = volume.getPersistentVolumeClaim().getClaimName();
        found.add(resolve(name, claims.get(pod.pod().getMetadata().getNamespace() + "/" + name)));
      }
    }
    return found;
  }

  private PodClaim resolve(String name, PersistentVolumeClaim claim) {
    if (claim == null) {
      return new PodClaim(name, PodClaim.State.MISSING, null, null);
    }
    String className = claim.getSpec().getStorageClassName();
    StorageClass storageClass = className == null ? null : classes.get(className);
    if (claim.getMetadata().getDeletionTimestamp() != null) {
      return new PodClaim(name, PodClaim.State.DELETING, null, storageClass);
    }
    String volumeName = claim.getSpec().getVolumeName();
    if (volumeName != null && !volumeName.isEmpty()) {
      PersistentVolume volume = volumes.get(volumeName);
      return new PodClaim(name, volume == null ? PodClaim.State.VOLUME_MISSING : PodClaim.State.BOUND, volume, storageClass);
    }
    boolean delayed = storageClass != null && Storage.WAIT_FOR_FIRST_CONSUMER.equals(storageClass.getVolumeBindingMode());
    return new PodClaim(name, delayed ? PodClaim.State.UNBOUND_DELAYED : PodClaim.State.UNBOUND_IMMEDIATE, null, storageClass);
  }
}
