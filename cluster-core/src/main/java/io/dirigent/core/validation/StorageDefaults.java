package io.dirigent.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.api.Storage;

/**
 * Kubernetes' defaults for PersistentVolumes (reclaim policy Retain, volume mode Filesystem),
 * claims (volume mode Filesystem) and StorageClasses (reclaim policy Delete, binding mode
 * Immediate); a live claim carries the pvc-protection finalizer. A claim that names no class gets the default one from the PersistentVolume
 * controller, as Kubernetes' retroactive default class assignment does.
 */
final class StorageDefaults {

  private StorageDefaults() {}

  static void apply(ResourceType type, ObjectNode object) {
    switch (type.resource()) {
      case "persistentvolumes" -> {
        ObjectNode spec = spec(object);
        putIfAbsent(spec, "persistentVolumeReclaimPolicy", Storage.RETAIN);
        putIfAbsent(spec, "volumeMode", "Filesystem");
      }
      case "persistentvolumeclaims" -> {
        putIfAbsent(spec(object), "volumeMode", "Filesystem");
        protect(object);
      }
      case "storageclasses.storage.k8s.io" -> {
        putIfAbsent(object, "reclaimPolicy", Storage.DELETE);
        putIfAbsent(object, "volumeBindingMode", Storage.IMMEDIATE);
      }
      default -> { }
    }
  }

  /**
   * A live claim carries {@link Storage#CLAIM_PROTECTION}, as Kubernetes' admission and
   * pvc-protection controller give it one; one being deleted is left as it is, so the controller's
   * removal of the finalizer sticks.
   */
  private static void protect(ObjectNode claim) {
    JsonNode metadata = claim.get("metadata");
    if (!(metadata instanceof ObjectNode meta) || meta.hasNonNull("deletionTimestamp")) {
      return;
    }
    JsonNode finalizers = meta.get("finalizers");
    if (finalizers != null && !finalizers.isArray()) {
      return;
    }
    com.fasterxml.jackson.databind.node.ArrayNode list = finalizers == null ? meta.putArray("finalizers") : (com.fasterxml.jackson.databind.node.ArrayNode) finalizers;
    for (JsonNode finalizer : list) {
      if (Storage.CLAIM_PROTECTION.equals(finalizer.asText())) {
        return;
      }
    }
    list.add(Storage.CLAIM_PROTECTION);
  }

  private static ObjectNode spec(ObjectNode object) {
    JsonNode spec = object.get("spec");
    return spec instanceof ObjectNode existing ? existing : object.putObject("spec");
  }

  private static void putIfAbsent(ObjectNode node, String field, String value) {
    if (!node.hasNonNull(field)) {
      node.put(field, value);
    }
  }
}
