package io.dirigent.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.api.Storage;
import io.dirigent.core.selector.LabelSelector;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * PersistentVolumes, claims and StorageClasses, in Kubernetes' words: sizes are positive
 * quantities no larger than Kubernetes' quantities go (8Ei), access modes are the four there are,
 * a volume has exactly one source — a {@code hostPath} or a {@code local} path, absolute and
 * without {@code ..} (the node confines it below its volumes directory too) — and a local volume
 * names its node in a required node affinity.
 */
final class StorageRules {

  /** Kubernetes' quantities are 64-bit: nothing stores more than 2^63-1 bytes. */
  static final BigDecimal MAX_BYTES = BigDecimal.valueOf(Long.MAX_VALUE);
  static final int MAX_PATH_LENGTH = 4096;
  private static final List<String> RECLAIM_POLICIES = List.of(Storage.DELETE, Storage.RETAIN);
  private static final List<String> BINDING_MODES = List.of(Storage.IMMEDIATE, Storage.WAIT_FOR_FIRST_CONSUMER);
  private static final List<String> SOURCES = List.of("hostPath", "local");

  private StorageRules() {}

  static void validate(ResourceType type, ObjectNode object, List<FieldError> errors) {
    switch (type.resource()) {
      case "persistentvolumes" -> volume(object.path("spec"), errors);
      case "persistentvolumeclaims" -> claim(object.path("spec"), errors);
      case "storageclasses.storage.k8s.io" -> storageClass(object, errors);
      default -> { }
    }
  }

  private static void volume(JsonNode spec, List<FieldError> errors) {
    JsonNode capacity = spec.path("capacity");
    if (!capacity.isObject() || capacity.isEmpty()) {
      errors.add(FieldError.required("spec.capacity", ""));
    } else {
      List<String> keys = new ArrayList<>();
      capacity.fieldNames().forEachRemaining(keys::add);
      if (!capacity.has("storage") || keys.size() > 1) {
        errors.add(FieldError.notSupported("spec.capacity", String.join(", ", keys), List.of("storage")));
      }
      if (capacity.has("storage")) {
        size(capacity.path("storage"), "spec.capacity.storage", errors);
      }
    }
    accessModes(spec.path("accessModes"), errors);
    List<String> sources = new ArrayList<>();
    spec.fieldNames().forEachRemaining(field -> {
      if (volumeSource(field)) {
        sources.add(field);
      }
    });
    if (sources.isEmpty()) {
      errors.add(FieldError.required("spec", "must specify a volume type"));
    } else if (sources.size() > 1) {
      errors.add(FieldError.forbidden("spec." + sources.get(1), "may not specify more than 1 volume type"));
    }
    for (String source : sources) {
      if (!SOURCES.contains(source)) {
        errors.add(FieldError.notSupported("spec." + source, "", SOURCES));
      } else {
        path(spec.path(source).path("path"), "spec." + source + ".path", errors);
      }
    }
    if (sources.contains("local") && spec.path("nodeAffinity").path("required").path("nodeSelectorTerms").isEmpty()) {
      errors.add(FieldError.required("spec.nodeAffinity", "Local volume requires node affinity"));
    }
    oneOf(spec.path("persistentVolumeReclaimPolicy"), "spec.persistentVolumeReclaimPolicy", RECLAIM_POLICIES, errors);
    className(spec.path("storageClassName"), "spec.storageClassName", errors);
    JsonNode claimRef = spec.path("claimRef");
    if (claimRef.isObject() && claimRef.path("name").asText("").isEmpty()) {
      errors.add(FieldError.required("spec.claimRef.name", ""));
    }
  }

  /** The fields of a PersistentVolumeSpec that name a volume source. */
  private static boolean volumeSource(String field) {
    return switch (field) {
      case "capacity", "accessModes", "claimRef", "persistentVolumeReclaimPolicy", "storageClassName", "mountOptions", "volumeMode",
          "nodeAffinity", "volumeAttributesClassName" -> false;
      default -> true;
    };
  }

  private static void claim(JsonNode spec, List<FieldError> errors) {
    accessModes(spec.path("accessModes"), errors);
    JsonNode storage = spec.path("resources").path("requests").path("storage");
    if (storage.isMissingNode() || storage.isNull()) {
      errors.add(FieldError.required("spec.resources[storage]", ""));
    } else {
      size(storage, "spec.resources[storage]", errors);
    }
    className(spec.path("storageClassName"), "spec.storageClassName", errors);
    JsonNode volumeName = spec.path("volumeName");
    if (volumeName.isTextual() && !volumeName.asText().isEmpty()) {
      NameRules.dns1123Subdomain(volumeName.asText()).forEach(problem -> errors.add(FieldError.invalid("spec.volumeName", volumeName.asText(), problem)));
    }
    JsonNode selector = spec.path("selector");
    if (selector.isObject()) {
      try {
        LabelSelector.of(KubeJson.toTyped(selector, io.fabric8.kubernetes.api.model.LabelSelector.class));
      } catch (IllegalArgumentException e) {
        errors.add(FieldError.invalid("spec.selector", selector.toString(), e.getMessage()));
      }
    }
  }

  private static void storageClass(JsonNode object, List<FieldError> errors) {
    String provisioner = object.path("provisioner").asText("");
    if (provisioner.isEmpty()) {
      errors.add(FieldError.required("provisioner", ""));
    } else {
      NameRules.qualifiedName(provisioner).forEach(problem -> errors.add(FieldError.invalid("provisioner", provisioner, problem)));
    }
    oneOf(object.path("reclaimPolicy"), "reclaimPolicy", RECLAIM_POLICIES, errors);
    oneOf(object.path("volumeBindingMode"), "volumeBindingMode", BINDING_MODES, errors);
  }

  private static void accessModes(JsonNode modes, List<FieldError> errors) {
    accessModes(modes, "spec.accessModes", errors);
  }

  private static void accessModes(JsonNode modes, String field, List<FieldError> errors) {
    if (!modes.isArray() || modes.isEmpty()) {
      errors.add(FieldError.required(field, ""));
      return;
    }
    for (JsonNode mode : modes) {
      if (!Storage.ACCESS_MODES.contains(mode.asText())) {
        errors.add(FieldError.notSupported(field, mode.asText(), Storage.ACCESS_MODES));
      }
    }
  }

  /**
   * A StatefulSet's own fields: its pod management policy and update strategy, a partition not
   * below zero, and claim templates that are claims — named (a DNS label: the claims are named
   * {@code <template>-<set>-<ordinal>} and the pods mount them under that name), once each, with
   * access modes and a size.
   */
  static void statefulSet(JsonNode spec, List<FieldError> errors) {
    oneOf(spec.path("podManagementPolicy"), "spec.podManagementPolicy", List.of("OrderedReady", "Parallel"), errors);
    oneOf(spec.path("updateStrategy").path("type"), "spec.updateStrategy.type", List.of("RollingUpdate", "OnDelete"), errors);
    JsonNode partition = spec.path("updateStrategy").path("rollingUpdate").path("partition");
    if (!partition.isMissingNode() && !partition.isNull() && (!partition.canConvertToInt() || partition.asInt() < 0)) {
      errors.add(FieldError.invalid("spec.updateStrategy.rollingUpdate.partition", partition.asText(), "must be greater than or equal to 0"));
    }
    JsonNode serviceName = spec.path("serviceName");
    if (serviceName.isTextual() && !serviceName.asText().isEmpty()) {
      NameRules.dns1123Label(serviceName.asText()).forEach(problem -> errors.add(FieldError.invalid("spec.serviceName", serviceName.asText(), problem)));
    }
    java.util.Set<String> names = new java.util.HashSet<>();
    JsonNode templates = spec.path("volumeClaimTemplates");
    for (int i = 0; i < templates.size(); i++) {
      String at = "spec.volumeClaimTemplates[" + i + "]";
      JsonNode template = templates.get(i);
      String name = template.path("metadata").path("name").asText("");
      if (name.isEmpty()) {
        errors.add(FieldError.required(at + ".metadata.name", ""));
      } else if (!names.add(name)) {
        errors.add(FieldError.duplicate(at + ".metadata.name", name));
      } else {
        NameRules.dns1123Label(name).forEach(problem -> errors.add(FieldError.invalid(at + ".metadata.name", name, problem)));
      }
      accessModes(template.path("spec").path("accessModes"), at + ".spec.accessModes", errors);
      JsonNode storage = template.path("spec").path("resources").path("requests").path("storage");
      if (storage.isMissingNode() || storage.isNull()) {
        errors.add(FieldError.required(at + ".spec.resources[storage]", ""));
      } else {
        size(storage, at + ".spec.resources[storage]", errors);
      }
      className(template.path("spec").path("storageClassName"), at + ".spec.storageClassName", errors);
    }
  }

  /** A size: a quantity greater than zero and at most {@link #MAX_BYTES}. */
  static void size(JsonNode value, String field, List<FieldError> errors) {
    String text = value.asText();
    var amount = Quantities.amount(text);
    if (amount.isEmpty()) {
      errors.add(FieldError.invalid(field, text, Quantities.FORMAT_ERROR));
    } else if (amount.get().signum() <= 0) {
      errors.add(FieldError.invalid(field, text, "must be greater than zero"));
    } else if (amount.get().compareTo(MAX_BYTES) > 0) {
      errors.add(FieldError.invalid(field, text, "must be less than or equal to 8Ei (%s bytes)".formatted(MAX_BYTES)));
    }
  }

  /** A volume's path on its node: absolute, no {@code ..} element, of a sane length. */
  private static void path(JsonNode value, String field, List<FieldError> errors) {
    String path = value.asText("");
    if (path.isEmpty()) {
      errors.add(FieldError.required(field, ""));
    } else if (path.length() > MAX_PATH_LENGTH) {
      errors.add(FieldError.tooLong(field, MAX_PATH_LENGTH));
    } else if (!path.startsWith("/")) {
      errors.add(FieldError.invalid(field, path, "must be an absolute path"));
    } else if (List.of(path.split("/")).contains("..")) {
      errors.add(FieldError.invalid(field, path, "must not contain '..'"));
    } else if (path.indexOf('\0') >= 0) {
      errors.add(FieldError.invalid(field, path, "must not contain a NUL character"));
    }
  }

  private static void className(JsonNode value, String field, List<FieldError> errors) {
    if (value.isTextual() && !value.asText().isEmpty()) {
      NameRules.dns1123Subdomain(value.asText()).forEach(problem -> errors.add(FieldError.invalid(field, value.asText(), problem)));
    }
  }

  private static void oneOf(JsonNode value, String field, List<String> supported, List<FieldError> errors) {
    if (!value.isMissingNode() && !value.isNull() && !supported.contains(value.asText())) {
      errors.add(FieldError.notSupported(field, value.asText(), supported));
    }
  }
}
