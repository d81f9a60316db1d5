package io.dirigent.core.crd;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.CustomResource;
import io.dirigent.core.api.FrozenJson;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.validation.FieldError;
import java.util.List;

/**
 * A custom object on its way to the store, as Kubernetes' custom resource handler takes it: read
 * at the version it names, its unknown fields pruned, its defaults applied, and checked against
 * that version's schema. Every version is stored as the storage version names it (the {@code None}
 * conversion: only {@code apiVersion} changes).
 */
public final class CustomObjects {

  private CustomObjects() {}

  /** Whether objects read as {@code type} show another version than the one they are stored in. */
  public static boolean converts(ResourceType type) {
    return type.isCustom() && !type.version().equals(type.custom().storage().name());
  }

  /**
   * {@code object} as {@code type}'s version shows it: with the {@code None} conversion of
   * Kubernetes, the same fields under that version's apiVersion. A frozen copy when it differs.
   */
  public static ObjectNode shown(ResourceType type, ObjectNode object) {
    if (object == null || !type.isCustom() || !object.has("apiVersion") || type.apiVersion().equals(object.path("apiVersion").asText())) {
      return object;
    }
    ObjectNode copy = object.deepCopy();
    copy.put("apiVersion", type.apiVersion());
    return FrozenJson.freeze(copy);
  }

  /**
   * Removes from {@code object} the fields the schema of {@code type}'s version does not declare,
   * as Kubernetes prunes them, and answers their paths.
   */
  public static List<String> prune(ResourceType type, ObjectNode object) {
    CustomResource.Version version = type.custom().version(type.version()).orElseThrow();
    return version.checks() == null ? List.of() : version.checks().prune(object);
  }

  /**
   * Prunes, defaults and validates {@code object} in place against the schema of the version
   * {@code type} is served at (the object's apiVersion must name it: ObjectValidator checks), in
   * Kubernetes' order; every problem found.
   */
  public static List<FieldError> prepare(ResourceType type, ObjectNode object) {
    CustomResource.Version version = type.custom().version(type.version()).orElseThrow();
    if (version.checks() == null) {
      return List.of();
    }
    version.checks().prune(object);
    version.checks().applyDefaults(object);
    return version.checks().validate(object);
  }
}
