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
    finalizers(object.path("metadata").path("finalizers"), errors);
    ownerReferences(object.path("metadata").path("ownerReferences"), errors);
    errors.addAll(SpecRules.validate(type, object));
    BatchRules.validate(type, object, create, errors);
    return errors;
  }

  /** Each finalizer is a qualified name ({@code ValidateFinalizers}). */
  private static void finalizers(JsonNode finalizers, List<FieldError> errors) {
    for (JsonNode finalizer : finalizers) {
      for (String problem : NameRules.qualifiedName(finalizer.asText())) {
        errors.add(FieldError.invalid("metadata.finalizers", finalizer.asText(), problem));
      }
    }
  }

  /** Each reference names its owner whole, and at most one is the controller ({@code ValidateOwnerReferences}). */
  private static void ownerReferences(JsonNode references, List<FieldError> errors) {
    String at = "metadata.ownerReferences";
    int controllers = 0;
    for (JsonNode reference : references) {
      String apiVersion = reference.path("apiVersion").asText("");
      String version = apiVersion.contains("/") ? apiVersion.substring(apiVersion.indexOf('/') + 1) : apiVersion;
      if (version.isEmpty()) {
        errors.add(FieldError.invalid(at + ".apiVersion", apiVersion, "version must not be empty"));
      }
      for (String field : List.of("kind", "name", "uid")) {
        if (reference.path(field).asText("").isEmpty()) {
          errors.add(FieldError.invalid(at + "." + field, "", field + " must not be empty"));
        }
      }
      if (reference.path("controller").asBoolean(false)) {
        controllers++;
      }
    }
    if (controllers > 1) {
      errors.add(FieldError.invalid(at, references.toString(), "Only one reference can have Controller set to true"));
    }
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
