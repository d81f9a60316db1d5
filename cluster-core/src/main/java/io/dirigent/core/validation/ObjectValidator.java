package io.dirigent.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks an object before it reaches the store: the type it claims, its name and namespace, its
 * labels and annotations, and the fields its kind requires ({@link SpecRules}). Every problem is
 * reported, each naming its field, as Kubernetes' validation does.
 */
public final class ObjectValidator {

  /** Namespaces that always exist and cannot be deleted. */
  public static final Set<String> SYSTEM_NAMESPACES = Set.of("default", "kube-system", "kube-public", "kube-node-lease");

  private ObjectValidator() {}

  /**
   * Every problem with {@code object} as an object of {@code type}; empty when valid. A
   * {@code generateName} has been turned into a name already, so both are checked.
   */
  public static List<FieldError> validate(ResourceType type, ObjectNode object, boolean create) {
    List<FieldError> errors = new ArrayList<>();
    String apiVersion = object.path("apiVersion").asText("");
    if (!apiVersion.isEmpty() && !apiVersion.equals(type.apiVersion())) {
      errors.add(FieldError.invalid("apiVersion", apiVersion, "must be " + type.apiVersion() + " for " + type.resource()));
    }
    String kind = object.path("kind").asText("");
    if (!kind.isEmpty() && !kind.equals(type.kind())) {
      errors.add(FieldError.invalid("kind", kind, "must be " + type.kind() + " for " + type.resource()));
    }
    if (!object.path("metadata").isObject()) {
      errors.add(FieldError.required("metadata", "metadata is required"));
      return errors;
    }
    String name = KubeJson.name(object);
    String generateName = KubeJson.meta(object, "generateName");
    if (!generateName.isEmpty()) {
      // The generated suffix makes any trailing dash of the prefix an inner one.
      String sample = generateName.endsWith("-") ? generateName + "a" : generateName;
      for (String problem : type.nameRule().check(sample)) {
        errors.add(FieldError.invalid("metadata.generateName", generateName, problem));
      }
    }
    if (name.isEmpty()) {
      errors.add(FieldError.required("metadata.name", create ? "name or generateName is required" : "name is required"));
    } else {
      for (String problem : type.nameRule().check(name)) {
        errors.add(FieldError.invalid("metadata.name", name, problem));
      }
    }
    if (type.namespaced()) {
      String namespace = KubeJson.namespace(object);
      for (String problem : NameRules.dns1123Label(namespace)) {
        errors.add(FieldError.invalid("metadata.namespace", namespace, problem));
      }
    }
    List<FieldError> notStrings = new ArrayList<>(stringMap(object, "labels"));
    notStrings.addAll(stringMap(object, "annotations"));
    errors.addAll(notStrings);
    if (notStrings.isEmpty()) {
      errors.addAll(MetadataRules.labels(KubeJson.stringMap(object, "labels"), "metadata.labels"));
      errors.addAll(MetadataRules.annotations(KubeJson.stringMap(object, "annotations"), "metadata.annotations"));
    }
    errors.addAll(SpecRules.validate(type, object));
    return errors;
  }

  /** Labels and annotations must be maps of strings. */
  private static List<FieldError> stringMap(ObjectNode object, String field) {
    JsonNode map = object.path("metadata").path(field);
    if (map.isMissingNode() || map.isNull()) {
      return List.of();
    }
    if (!map.isObject()) {
      return List.of(FieldError.invalid("metadata." + field, map.toString(), "must be a map of string keys to string values"));
    }
    List<FieldError> errors = new ArrayList<>();
    map.fields().forEachRemaining(e -> {
      if (!e.getValue().isTextual()) {
        errors.add(FieldError.invalid("metadata." + field + "." + e.getKey(), e.getValue().toString(), "must be a string"));
      }
    });
    return errors;
  }
}
