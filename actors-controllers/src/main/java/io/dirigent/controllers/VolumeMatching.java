package io.dirigent.controllers;

import io.dirigent.core.selector.LabelSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which PersistentVolume a claim binds to, as Kubernetes' binder chooses (findBestMatchForClaim):
 * a volume pre-bound to the claim if it fits; else, of the volumes bound to no claim and not being
 * deleted, those of the claim's class, with every access mode it asks for, the same volume mode, at
 * least its size, matching its selector and (once a node is chosen for its first pod) allowed on
 * that node by their node affinity — the smallest of them.
 */
final class VolumeMatching {

  private VolumeMatching() {}

  /**
   * @param nodeLabels the labels of the node chosen for the claim's first pod, or null when none
   *     was chosen (node affinity is then not looked at)
   */
  static Optional<PersistentVolume> best(PersistentVolumeClaim claim, Collection<PersistentVolume> volumes, Map<String, String> nodeLabels) {
    Optional<PersistentVolume> preBound = volumes.stream().filter(pv -> boundTo(pv, claim) && fits(pv, claim, nodeLabels)).findFirst();
    if (preBound.isPresent()) {
      return preBound;
    }
    return volumes.stream()
        .filter(pv -> pv.getSpec().getClaimRef() == null && fits(pv, claim, nodeLabels))
        .min(Comparator.comparing(VolumeMatching::capacity).thenComparing(pv -> pv.getMetadata().getName()));
  }

  /** Whether {@code pv}'s claimRef names {@code claim} (and its uid, if it names one). */
  static boolean boundTo(PersistentVolume pv, PersistentVolumeClaim claim) {
    ObjectReference ref = pv.getSpec().getClaimRef();
    return ref != null && Objects.equals(ref.getName(), claim.getMetadata().getName())
        && Objects.equals(ref.getNamespace(), claim.getMetadata().getNamespace())
        && (ref.getUid() == null || ref.getUid().isEmpty() || ref.getUid().equals(claim.getMetadata().getUid()));
  }

  static boolean fits(PersistentVolume pv, PersistentVolumeClaim claim, Map<String, String> nodeLabels) {
    if (pv.getMetadata().getDeletionTimestamp() != null) {
      return false;
    }
    if (!orEmpty(pv.getSpec().getStorageClassName()).equals(orEmpty(claim.getSpec().getStorageClassName()))) {
      return false;
    }
    List<String> modes = pv.getSpec().getAccessModes() == null ? List.of() : pv.getSpec().getAccessModes();
    if (claim.getSpec().getAccessModes() == null || !modes.containsAll(claim.getSpec().getAccessModes())) {
      return false;
    }
    if (!volumeMode(pv.getSpec().getVolumeMode()).equals(volumeMode(claim.getSpec().getVolumeMode()))) {
      return false;
    }
    if (capacity(pv).compareTo(request(claim)) < 0) {
      return false;
    }
    if (claim.getSpec().getSelector() != null && !LabelSelector.of(claim.getSpec().getSelector())
        .matches(pv.getMetadata().getLabels() == null ? Map.of() : pv.getMetadata().getLabels())) {
      return false;
    }
    return nodeLabels == null || allowedOn(pv, nodeLabels);
  }

  /** Whether the volume's required node affinity lets a node with {@code labels} use it (none: any node may). */
  static boolean allowedOn(PersistentVolume pv, Map<String, String> labels) {
    var affinity = pv.getSpec().getNodeAffinity();
    if (affinity == null || affinity.getRequired() == null || affinity.getRequired().getNodeSelectorTerms() == null
        || affinity.getRequired().getNodeSelectorTerms().isEmpty()) {
      return true;
    }
    for (NodeSelectorTerm term : affinity.getRequired().getNodeSelectorTerms()) {
      List<NodeSelectorRequirement> expressions = term.getMatchExpressions() == null ? List.of() : term.getMatchExpressions();
      if (!expressions.isEmpty() && expressions.stream().allMatch(expression -> matches(expression, labels))) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(NodeSelectorRequirement expression, Map<String, String> labels) {
    String value = labels.get(expression.getKey());
    List<String> values = expression.getValues() == null ? List.of() : expression.getValues();
    return switch (expression.getOperator()) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> value != null;
      case "DoesNotExist" -> value == null;
      default -> false;
    };
  }

  static BigDecimal capacity(PersistentVolume pv) {
    Quantity storage = pv.getSpec().getCapacity() == null ? null : pv.getSpec().getCapacity().get("storage");
    return storage == null ? BigDecimal.ZERO : Quantity.getAmountInBytes(storage);
  }

  static BigDecimal request(PersistentVolumeClaim claim) {
    var resources = claim.getSpec().getResources();
    Quantity storage = resources == null || resources.getRequests() == null ? null : resources.getRequests().get("storage");
    return storage == null ? BigDecimal.ZERO : Quantity.getAmountInBytes(storage);
  }

  private static String volumeMode(String mode) {
    return mode == null || mode.isEmpty() ? "Filesystem" : mode;
  }

  private static String orEmpty(String text) {
    return text == null ? "" : text;
  }
}
