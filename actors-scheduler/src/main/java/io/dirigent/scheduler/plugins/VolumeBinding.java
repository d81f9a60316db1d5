package io.dirigent.scheduler.plugins;

import io.dirigent.core.api.Storage;
import io.dirigent.scheduler.FilterPlugin;
import io.dirigent.scheduler.NodeInfo;
import io.dirigent.scheduler.PodClaim;
import io.dirigent.scheduler.PodInfo;
import io.dirigent.scheduler.Status;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import java.util.ArrayList;
import java.util.List;

/**
 * Kubernetes' VolumeBinding filter, for the pod's PersistentVolumeClaims: a claim that is missing,
 * being deleted, unbound of an Immediate class (the binder's to bind first) or bound to a volume
 * that is gone fits no node; a claim bound to a volume fits only the nodes its node affinity
 * allows (a local volume: its one node). A WaitForFirstConsumer claim not yet bound fits any node
 * — the scheduler then records the chosen node on it — except that a claim of the local-path class
 * needs a node that takes local volumes (one that names a volumes directory).
 */
public final class VolumeBinding implements FilterPlugin {

  static final String CONFLICT = "node(s) had volume node affinity conflict";
  static final String UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims";
  static final String NO_LOCAL_VOLUMES = "node(s) did not take local volumes";
  static final String VOLUME_MISSING = "pvc(s) bound to non-existent pv(s)";

  @Override
  public String name() {
    return "VolumeBinding";
  }

  @Override
  public Status filter(PodInfo pod, NodeInfo node) {
    List<String> unresolvable = new ArrayList<>();
    for (PodClaim claim : pod.claims()) {
      switch (claim.state()) {
        case MISSING -> unresolvable.add("persistentvolumeclaim \"%s\" not found".formatted(claim.name()));
        case DELETING -> unresolvable.add("persistentvolumeclaim \"%s\" is being deleted".formatted(claim.name()));
        case VOLUME_MISSING -> add(unresolvable, VOLUME_MISSING);
        case UNBOUND_IMMEDIATE -> add(unresolvable, UNBOUND_IMMEDIATE);
        case BOUND -> {
          if (!allowedOn(claim.volume(), node)) {
            add(unresolvable, CONFLICT);
          }
        }
        case UNBOUND_DELAYED -> {
          boolean local = claim.storageClass() != null && Storage.LOCAL_PROVISIONER.equals(claim.storageClass().getProvisioner());
          var annotations = node.node().getMetadata().getAnnotations();
          if (local && (annotations == null || !annotations.containsKey(Storage.VOLUMES_DIR))) {
            add(unresolvable, NO_LOCAL_VOLUMES);
          }
        }
      }
    }
    return unresolvable.isEmpty() ? Status.success() : Status.unresolvable(unresolvable.toArray(String[]::new));
  }

  private static void add(List<String> reasons, String reason) {
    if (!reasons.contains(reason)) {
      reasons.add(reason);
    }
  }

  /** The volume's required node affinity allows the node: any of its terms matches (none: every node). */
  static boolean allowedOn(PersistentVolume volume, NodeInfo node) {
    var affinity = volume.getSpec().getNodeAffinity();
    List<NodeSelectorTerm> terms = affinity == null || affinity.getRequired() == null ? null : affinity.getRequired().getNodeSelectorTerms();
    if (terms == null || terms.isEmpty()) {
      return true;
    }
    return terms.stream().anyMatch(term -> NodeAffinity.matches(term, node));
  }
}
