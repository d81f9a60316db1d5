package io.dirigent.node;

import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.LocalVolumes;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import io.dirigent.node.ContainerSpecs.ConfigError;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The host paths of a container's {@code persistentVolumeClaim} volumes, as the kubelet finds
 * them: claim, then the PersistentVolume it is bound to, which must be bound back to that claim
 * and pinned to this node. The path is only read here; {@link PodVolumes} confines it below the
 * node's volumes directory when it makes the directory.
 */
final class ClaimedVolumes {

  private ClaimedVolumes() {}

  /** Volume name to the path its PersistentVolume names, for each claim volume {@code container} mounts. */
  static CompletionStage<Map<String, String>> resolve(Store store, String nodeName, Pod pod, Container container) {
    Map<String, String> paths = new LinkedHashMap<>();
    List<CompletableFuture<?>> lookups = new ArrayList<>();
    for (Volume volume : PodVolumes.mounted(pod, container)) {
      if (volume.getPersistentVolumeClaim() != null) {
        String claim = volume.getPersistentVolumeClaim().getClaimName();
        lookups.add(store.get(PersistentVolumeClaim.class, pod.getMetadata().getNamespace(), claim).toCompletableFuture()
            .exceptionally(failure -> {
              throw notFound(failure, "persistentvolumeclaim \"%s\" not found".formatted(claim));
            })
            .thenCompose(found -> volumeOf(store, found))
            .thenAccept(pv -> {
              String path = pathOn(nodeName, claimed(pod, claim), pv);
              synchronized (paths) {
                paths.put(volume.getName(), path);
              }
            }));
      }
    }
    return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).thenApply(done -> Map.copyOf(paths));
  }

  private static String claimed(Pod pod, String claim) {
    return pod.getMetadata().getNamespace() + "/" + claim;
  }

  private static CompletableFuture<PersistentVolume> volumeOf(Store store, PersistentVolumeClaim claim) {
    String name = claim.getSpec().getVolumeName();
    String phase = claim.getStatus() == null ? null : claim.getStatus().getPhase();
    if (name == null || name.isEmpty() || !"Bound".equals(phase)) {
      throw new ConfigError("persistentvolumeclaim \"%s\" is not bound".formatted(claim.getMetadata().getName()));
    }
    return store.get(PersistentVolume.class, null, name).toCompletableFuture()
        .exceptionally(failure -> {
          throw notFound(failure, "persistentvolume \"%s\" of claim \"%s\" not found".formatted(name, claim.getMetadata().getName()));
        })
        .thenApply(pv -> {
          var ref = pv.getSpec().getClaimRef();
          if (ref == null || !claim.getMetadata().getName().equals(ref.getName()) || !claim.getMetadata().getNamespace().equals(ref.getNamespace())
              || (ref.getUid() != null && !ref.getUid().equals(claim.getMetadata().getUid()))) {
            throw new ConfigError("persistentvolume \"%s\" is not bound to claim \"%s\"".formatted(name, claim.getMetadata().getName()));
          }
          return pv;
        });
  }

  /** The volume's path, if it lives on {@code nodeName} (or on any node: a hostPath volume with no affinity). */
  static String pathOn(String nodeName, String claim, PersistentVolume pv) {
    var tree = KubeJson.toTree(pv);
    String name = pv.getMetadata().getName();
    String path = LocalVolumes.path(tree).orElseThrow(() ->
        new ConfigError("persistentvolume \"%s\" of claim %s: only local and hostPath volumes can be mounted".formatted(name, claim)));
    boolean anywhere = pv.getSpec().getLocal() == null && pv.getSpec().getNodeAffinity() == null;
    if (!anywhere && !LocalVolumes.pinnedTo(tree, nodeName)) {
      throw new ConfigError("persistentvolume \"%s\" of claim %s is not on node \"%s\" (its node affinity: %s)".formatted(name, claim, nodeName,
          LocalVolumes.node(tree).orElse("no single node")));
    }
    return path;
  }

  private static RuntimeException notFound(Throwable failure, String message) {
    Throwable cause = StoreException.cause(failure);
    if (cause instanceof StoreException e && e.reason() == StoreError.Reason.NOT_FOUND) {
      return new ConfigError(message);
    }
    if (cause instanceof ConfigError error) {
      return error;
    }
    return new ConfigError("cannot read a volume: " + cause.getMessage());
  }
}
