package io.dirigent.core.crd;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.CustomResource;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.validation.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A custom object on its way to the store, as Kubernetes' custom resource handler takes it: read
 * at the version it names, its unknown fields pruned, its defaults applied, and checked against
 * that version's schema. Every version is stored as the storage version names it (the {@code None}
 * conversion: only {@code apiVersion} changes).
 */
public final class CustomObjects {

  private CustomObjects() {}

  /** The version of {@code type} that {@code apiVersion} names, or empty when it names none served. */
  public static Optional<CustomResource.Version> version(ResourceType type, String apiVersion) {
    if (!type.isCustom()) {
      return Optional.empty();
    }
    String prefix = type.group() + "/";
    if (!apiVersion.startsWith(prefix)) {
      return Optional.empty();
    }
    return type.custom().version(apiVersion.substring(prefix.length()));
  }

  /**
   * Prunes, defaults and validates {@code object} in place against the schema of the version it
   * names (the storage version when it names none); every problem found.
   */
  public static List<FieldError> prepare(ResourceType type, ObjectNode object) {
    List<FieldError> errors = new ArrayList<>();
    String apiVersion = object.path("apiVersion").asText("");
    CustomResource.Version version = apiVersion.isEmpty() ? type.custom().storage() : version(type, apiVersion).orElse(null);
    if (version == null) {
      errors.add(FieldError.invalid("apiVersion", apiVersion, "must be one of the served versions of " + type.resource() + ": "
          + String.join(", ", type.custom().versions().stream().map(served -> type.group() + "/" + served.name()).toList())));
      return errors;
    }
    return errors;
  }
}
