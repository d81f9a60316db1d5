package io.dirigent.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pod's spec (a pod's, or a workload's template), as Kubernetes validates it: containers with
 * names and images, their ports, and the volumes and mounts the node turns into host paths — so
 * volume names are DNS labels, mounts name declared volumes, and subPaths and item paths are
 * relative paths that stay below their volume.
 */
final class PodSpecRules {

  private static final List<String> RESTART_POLICIES = List.of("Always", "OnFailure", "Never");
  private static final List<String> HOST_PATH_TYPES =
      List.of("", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice");
  private static final List<String> EMPTY_DIR_MEDIA = List.of("", "Memory");

  private PodSpecRules() {}

  static void validate(JsonNode spec, String path, List<FieldError> errors) {
    Map<String, JsonNode> volumes = volumes(spec.path("volumes"), path + ".volumes", errors);
    JsonNode containers = spec.path("containers");
    if (!containers.isArray() || containers.isEmpty()) {
      errors.add(FieldError.required(path + ".containers", ""));
    } else {
      Set<String> names = new HashSet<>();
      containerList(spec.path("initContainers"), path + ".initContainers", names, volumes, errors);
      containerList(containers, path + ".containers", names, volumes, errors);
    }
    String restartPolicy = spec.path("restartPolicy").asText("");
    if (!restartPolicy.isEmpty() && !RESTART_POLICIES.contains(restartPolicy)) {
      errors.add(FieldError.notSupported(path + ".restartPolicy", restartPolicy, RESTART_POLICIES));
    }
    // As Kubernetes: the pod's hostname and subdomain are DNS labels (the node sets the hostname in the pod).
    for (String field : List.of("hostname", "subdomain")) {
      String value = spec.path(field).asText("");
      if (!value.isEmpty()) {
        NameRules.dns1123Label(value).forEach(problem -> errors.add(FieldError.invalid(path + "." + field, value, problem)));
      }
    }
  }

  private static void containerList(JsonNode list, String path, Set<String> names, Map<String, JsonNode> volumes, List<FieldError> errors) {
    for (int i = 0; i < list.size(); i++) {
      JsonNode container = list.get(i);
      String at = path + "[" + i + "]";
      uniqueLabel(container.path("name").asText(""), at + ".name", names, errors);
      if (container.path("image").asText("").isBlank()) {
        errors.add(FieldError.required(at + ".image", ""));
      }
      NetworkRules.containerPorts(container.path("ports"), at + ".ports", errors);
      resources(container.path("resources"), at + ".resources", errors);
      volumeMounts(container.path("volumeMounts"), at + ".volumeMounts", volumes, errors);
    }
  }

  /**
   * A container's requests and limits: resource names that are qualified names, amounts that are
   * not negative, and no request above its limit. (Their syntax is checked when they are read.)
   */
  private static void resources(JsonNode resources, String path, List<FieldError> errors) {
    Map<String, java.math.BigDecimal> limits = amounts(resources.path("limits"), path + ".limits", errors);
    Map<String, java.math.BigDecimal> requests = amounts(resources.path("requests"), path + ".requests", errors);
    requests.forEach((resource, request) -> {
      java.math.BigDecimal limit = limits.get(resource);
      if (limit != null && request.compareTo(limit) > 0) {
        errors.add(FieldError.invalid(path + ".requests", resources.path("requests").path(resource).asText(),
            "must be less than or equal to %s limit of %s".formatted(resource, resources.path("limits").path(resource).asText())));
      }
    });
  }

  private static Map<String, java.math.BigDecimal> amounts(JsonNode values, String path, List<FieldError> errors) {
    Map<String, java.math.BigDecimal> amounts = new HashMap<>();
    values.properties().forEach(entry -> {
      String at = path + "[" + entry.getKey() + "]";
      for (String problem : NameRules.qualifiedName(entry.getKey())) {
        errors.add(FieldError.invalid(at, entry.getKey(), problem));
      }
      Quantities.amount(entry.getValue().asText()).ifPresent(amount -> {
        if (amount.signum() < 0) {
          errors.add(FieldError.invalid(at, entry.getValue().asText(), "must be greater than or equal to 0"));
        } else {
          amounts.put(entry.getKey(), amount);
        }
      });
    });
    return amounts;
  }

  /** The pod's volumes by name; each named as a DNS label, once, with exactly one source. */
  private static Map<String, JsonNode> volumes(JsonNode list, String path, List<FieldError> errors) {
    Map<String, JsonNode> volumes = new HashMap<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode volume = list.get(i);
      String at = path + "[" + i + "]";
      String name = volume.path("name").asText("");
      if (uniqueLabel(name, at + ".name", names, errors)) {
        volumes.put(name, volume);
      }
      List<String> sources = new ArrayList<>();
      volume.fieldNames().forEachRemaining(field -> {
        if (!field.equals("name")) {
          sources.add(field);
        }
      });
      if (sources.isEmpty()) {
        errors.add(FieldError.required(at, "must specify a volume type"));
      } else if (sources.size() > 1) {
        errors.add(FieldError.forbidden(at + "." + sources.get(1), "may not specify more than 1 volume type"));
      }
      volumeSource(volume, at, errors);
    }
    return volumes;
  }

  private static void volumeSource(JsonNode volume, String at, List<FieldError> errors) {
    JsonNode hostPath = volume.path("hostPath");
    if (hostPath.isObject()) {
      String path = hostPath.path("path").asText("");
      if (path.isEmpty()) {
        errors.add(FieldError.required(at + ".hostPath.path", ""));
      } else if (List.of(path.split("/")).contains("..")) {
        errors.add(FieldError.invalid(at + ".hostPath.path", path, "must not contain '..'"));
      }
      String type = hostPath.path("type").asText("");
      if (!HOST_PATH_TYPES.contains(type)) {
        errors.add(FieldError.notSupported(at + ".hostPath.type", type, HOST_PATH_TYPES.subList(1, HOST_PATH_TYPES.size())));
      }
    }
    JsonNode claim = volume.path("persistentVolumeClaim");
    if (claim.isObject()) {
      String claimName = claim.path("claimName").asText("");
      if (claimName.isEmpty()) {
        errors.add(FieldError.required(at + ".persistentVolumeClaim.claimName", ""));
      } else {
        NameRules.dns1123Subdomain(claimName).forEach(problem -> errors.add(FieldError.invalid(at + ".persistentVolumeClaim.claimName", claimName, problem)));
      }
    }
    JsonNode emptyDir = volume.path("emptyDir");
    if (emptyDir.isObject() && !EMPTY_DIR_MEDIA.contains(emptyDir.path("medium").asText(""))) {
      errors.add(FieldError.notSupported(at + ".emptyDir.medium", emptyDir.path("medium").asText(""), EMPTY_DIR_MEDIA));
    }
    projection(volume.path("configMap"), "name", at + ".configMap", errors);
    projection(volume.path("secret"), "secretName", at + ".secret", errors);
  }

  /** A name that must be a DNS label, once among {@code seen}; whether it is a new one (then it was added). */
  private static boolean uniqueLabel(String name, String at, Set<String> seen, List<FieldError> errors) {
    if (name.isEmpty()) {
      errors.add(FieldError.required(at, ""));
      return false;
    }
    NameRules.dns1123Label(name).forEach(problem -> errors.add(FieldError.invalid(at, name, problem)));
    if (seen.contains(name)) {
      errors.add(FieldError.duplicate(at, name));
      return false;
    }
    seen.add(name);
    return true;
  }

  /** A configMap or secret volume: the object it names, file modes, and each item's key and relative path. */
  private static void projection(JsonNode source, String nameField, String at, List<FieldError> errors) {
    if (!source.isObject()) {
      return;
    }
    String name = source.path(nameField).asText("");
    if (name.isEmpty()) {
      errors.add(FieldError.required(at + "." + nameField, ""));
    } else {
      NameRules.dns1123Subdomain(name).forEach(p -> errors.add(FieldError.invalid(at + "." + nameField, name, p)));
    }
    fileMode(source.path("defaultMode"), at + ".defaultMode", errors);
    JsonNode items = source.path("items");
    for (int i = 0; i < items.size(); i++) {
      String itemAt = at + ".items[" + i + "]";
      String key = items.get(i).path("key").asText("");
      if (key.isEmpty()) {
        errors.add(FieldError.required(itemAt + ".key", ""));
      } else {
        SpecRules.configKey(key, itemAt + ".key", errors);
      }
      localNonReservedPath(items.get(i).path("path"), itemAt + ".path", errors);
      fileMode(items.get(i).path("mode"), itemAt + ".mode", errors);
    }
  }

  private static void volumeMounts(JsonNode mounts, String path, Map<String, JsonNode> volumes, List<FieldError> errors) {
    Set<String> mountPaths = new HashSet<>();
    for (int i = 0; i < mounts.size(); i++) {
      JsonNode mount = mounts.get(i);
      String at = path + "[" + i + "]";
      String name = mount.path("name").asText("");
      if (name.isEmpty()) {
        errors.add(FieldError.required(at + ".name", ""));
      } else if (!volumes.containsKey(name)) {
        errors.add(FieldError.notFound(at + ".name", name));
      }
      String mountPath = mount.path("mountPath").asText("");
      if (mountPath.isEmpty()) {
        errors.add(FieldError.required(at + ".mountPath", ""));
      } else {
        if (!mountPath.startsWith("/")) {
          errors.add(FieldError.invalid(at + ".mountPath", mountPath, "must be an absolute path"));
        }
        // Docker's bind syntax separates its parts with ':'; a path with one cannot be mounted.
        if (mountPath.contains(":")) {
          errors.add(FieldError.invalid(at + ".mountPath", mountPath, "must not contain ':'"));
        }
        if (!mountPaths.add(mountPath)) {
          errors.add(FieldError.invalid(at + ".mountPath", mountPath, "must be unique"));
        }
      }
      localDescendingPath(mount.path("subPath"), at + ".subPath", false, errors);
    }
  }

  /**
   * Kubernetes' {@code validateLocalNonReservedPath}: a descending path that does not start with
   * '..', which the node's atomic writer keeps for itself ({@code ..data}).
   */
  private static void localNonReservedPath(JsonNode value, String at, List<FieldError> errors) {
    localDescendingPath(value, at, true, errors);
    String path = value.isTextual() ? value.asText() : "";
    if (path.startsWith("..") && !List.of(path.split("/")).contains("..")) {
      errors.add(FieldError.invalid(at, path, "must not start with '..'"));
    }
  }

  /** Kubernetes' {@code validateLocalDescendingPath}: relative, with no '..' element. */
  private static void localDescendingPath(JsonNode value, String at, boolean required, List<FieldError> errors) {
    String path = value.isTextual() ? value.asText() : "";
    if (path.isEmpty()) {
      if (required) {
        errors.add(FieldError.required(at, ""));
      }
      return;
    }
    if (path.startsWith("/")) {
      errors.add(FieldError.invalid(at, path, "must be a relative path"));
    }
    if (List.of(path.split("/")).contains("..")) {
      errors.add(FieldError.invalid(at, path, "must not contain '..'"));
    }
    if (path.equals(".")) {
      errors.add(FieldError.invalid(at, path, "must not be '.'"));
    }
  }

  private static void fileMode(JsonNode mode, String at, List<FieldError> errors) {
    if (mode.isMissingNode() || mode.isNull()) {
      return;
    }
    if (!mode.isIntegralNumber() || mode.asInt() < 0 || mode.asInt() > 0777) {
      errors.add(FieldError.invalid(at, mode.asText(), "must be a number between 0 and 0777 (octal), both inclusive"));
    }
  }
}
