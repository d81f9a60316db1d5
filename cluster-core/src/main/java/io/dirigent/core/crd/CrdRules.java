package io.dirigent.core.crd;

import io.dirigent.core.crd.schema.SchemaCheck;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.validation.FieldError;
import io.dirigent.core.validation.NameRules;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A CustomResourceDefinition ({@code apiextensions.k8s.io/v1}, defaulted by {@link CrdDefaults})
 * checked as Kubernetes checks it on create and update ({@code ValidateCustomResourceDefinition}
 * and {@code ...Update}), with Kubernetes' field paths and messages. The object's metadata in
 * general (labels, annotations, the name being a DNS subdomain) is the generic metadata rules'
 * business; here is only what is particular to CRDs.
 *
 * <p>Kubernetes validates its internal form, in which a schema, subresources or printer columns
 * that are the same in every version sit once at the top of the spec; its errors then name {@code
 * spec.validation}, {@code spec.subresources} or {@code spec.additionalPrinterColumns[i]}. The
 * same parts are reported at the same paths here, so messages match an API server's word for word.
 *
 * <p>Stored versions are checked as Kubernetes' registry leaves them after its own preparation:
 * the old ones (none on create) plus the storage version, whatever the client sent in {@code
 * status}.
 */
public final class CrdRules {

  static final String NAMESPACED = "Namespaced";
  static final String CLUSTER = "Cluster";
  private static final List<String> SCOPES = List.of(CLUSTER, NAMESPACED);
  private static final String IMMUTABLE = "field is immutable";

  private CrdRules() {}

  /** Every problem with {@code crd}; {@code old} is the stored CRD on update, null on create. */
  public static List<FieldError> validate(ObjectNode crd, ObjectNode old) {
    List<FieldError> errors = new ArrayList<>();
    JsonNode spec = crd.path("spec");
    JsonNode names = spec.path("names");
    String group = spec.path("group").asText("");
    String name = crd.path("metadata").path("name").asText("");
    if (!name.isEmpty() && !name.equals(names.path("plural").asText("") + "." + group)) {
      errors.add(FieldError.invalid("metadata.name", name, "must be spec.names.plural+\".\"+spec.group"));
    }
    spec(spec, old == null ? null : old.path("spec"), errors);
    if (old != null) {
      immutable(spec, old, errors);
    }
    storedVersions(spec, old, errors);
    CrdApproval.validate(crd, old, errors);
    if (spec.path("preserveUnknownFields").asBoolean(false)
        && (old == null || !old.path("spec").path("preserveUnknownFields").asBoolean(false))) {
      errors.add(FieldError.invalid("spec.preserveUnknownFields", "true",
          "cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead"));
    }
    return List.copyOf(errors);
  }

  /**
   * Every problem with a status update of {@code crd} ({@code ValidateUpdateCustomResourceDefinitionStatus}):
   * its accepted names follow the same rules as requested ones.
   */
  public static List<FieldError> validateStatus(ObjectNode crd) {
    List<FieldError> errors = new ArrayList<>();
    CrdNameRules.names(crd.path("status").path("acceptedNames"), "status.acceptedNames", errors);
    return List.copyOf(errors);
  }

  private static void spec(JsonNode spec, JsonNode oldSpec, List<FieldError> errors) {
    String group = spec.path("group").asText("");
    List<String> groupProblems = NameRules.dns1123Subdomain(group);
    if (group.isEmpty()) {
      errors.add(FieldError.required("spec.group", ""));
    } else if (!groupProblems.isEmpty()) {
      errors.add(FieldError.invalid("spec.group", group, String.join(",", groupProblems)));
    } else if (!group.contains(".")) {
      errors.add(FieldError.invalid("spec.group", group, "should be a domain with at least one dot"));
    }
    String scope = spec.path("scope").asText("");
    if (scope.isEmpty()) {
      errors.add(FieldError.required("spec.scope", ""));
    } else if (!SCOPES.contains(scope)) {
      errors.add(FieldError.notSupported("spec.scope", scope, SCOPES));
    }
    JsonNode versions = list(spec.path("versions"));
    SharedParts shared = SharedParts.of(versions);
    requiredSchemas(spec, versions, shared, oldSpec, errors);
    versions(versions, shared, errors);

    JsonNode names = spec.path("names");
    for (String required : List.of("plural", "singular", "kind", "listKind")) {
      if (names.path(required).asText("").isEmpty()) {
        errors.add(FieldError.required("spec.names." + required, ""));
      }
    }
    CrdNameRules.names(names, "spec.names", errors);
    schema(shared.schema(), "spec.validation", anyStatus(shared, versions), errors);
    CrdVersionRules.subresources(shared.subresources(), "spec.subresources", errors);
    CrdVersionRules.columns(shared.columns(), "spec.additionalPrinterColumns", errors);
    CrdConversionRules.conversion(spec,
        oldSpec == null || CrdConversionRules.hasRecognizedReviewVersionOrNone(oldSpec), errors);
  }

  /**
   * Every version needs a schema — unless the stored CRD already lacked one, when only served
   * versions need one, lest all their fields be pruned.
   */
  private static void requiredSchemas(JsonNode spec, JsonNode versions, SharedParts shared,
      JsonNode oldSpec, List<FieldError> errors) {
    boolean requireSchemas = oldSpec == null || allVersionsHaveSchemas(oldSpec.path("versions"));
    boolean preserveUnknown = spec.path("preserveUnknownFields").asBoolean(false);
    if (shared.schema().path("openAPIV3Schema").isObject() || (!requireSchemas && preserveUnknown)) {
      return;
    }
    for (int i = 0; i < versions.size(); i++) {
      JsonNode version = versions.get(i);
      if (version.path("schema").path("openAPIV3Schema").isObject()) {
        continue;
      }
      String path = "spec.versions[" + i + "].schema.openAPIV3Schema";
      if (requireSchemas) {
        errors.add(FieldError.required(path, "schemas are required"));
      } else if (version.path("served").asBoolean(false)) {
        errors.add(FieldError.required(path, "because otherwise all fields are pruned"));
      }
    }
  }

  /** Each version's name and own parts, then the rules across versions. */
  private static void versions(JsonNode versions, SharedParts shared, List<FieldError> errors) {
    int storageVersions = 0;
    Set<String> seen = new HashSet<>();
    boolean unique = true;
    for (int i = 0; i < versions.size(); i++) {
      JsonNode version = versions.get(i);
      String path = "spec.versions[" + i + "]";
      String versionName = version.path("name").asText("");
      storageVersions += version.path("storage").asBoolean(false) ? 1 : 0;
      unique &= seen.add(versionName);
      List<String> problems = NameRules.dns1035Label(versionName);
      if (!problems.isEmpty()) {
        errors.add(FieldError.invalid(path + ".name", versionName, String.join(",", problems)));
      }
      CrdVersionRules.deprecation(version, path, errors);
      if (!shared.schemaShared()) {
        JsonNode subresources = shared.subresourcesShared() ? shared.subresources() : version.path("subresources");
        schema(version.path("schema"), path + ".schema", subresources.path("status").isObject(), errors);
      }
      if (!shared.subresourcesShared()) {
        CrdVersionRules.subresources(version.path("subresources"), path + ".subresources", errors);
      }
      if (!shared.columnsShared()) {
        CrdVersionRules.columns(version.path("additionalPrinterColumns"),
            path + ".additionalPrinterColumns", errors);
      }
    }
    if (!unique) {
      errors.add(FieldError.invalid("spec.versions", versions.toString(), "must contain unique version names"));
    }
    if (storageVersions != 1) {
      errors.add(FieldError.invalid("spec.versions", versions.toString(),
          "must have exactly one version marked as storage version"));
    }
    if (!versions.isEmpty()) {
      // Kubernetes' internal spec.version is the first version's name, and is checked again.
      String first = versions.get(0).path("name").asText("");
      List<String> problems = NameRules.dns1035Label(first);
      if (!first.isEmpty() && !problems.isEmpty()) {
        errors.add(FieldError.invalid("spec.version", first, String.join(",", problems)));
      }
    }
  }

  /**
   * A version's (or the shared) {@code schema}: a structural schema with valid defaults, as
   * {@link SchemaCheck} checks it.
   *
   * @param statusEnabled whether the status subresource is on for the version(s) the schema is for
   */
  private static void schema(JsonNode schema, String path, boolean statusEnabled,
      List<FieldError> errors) {
    if (!schema.path("openAPIV3Schema").isObject()) {
      return;
    }
    errors.addAll(SchemaCheck.structuralErrors(schema.path("openAPIV3Schema"), path + ".openAPIV3Schema"));
  }

  /** Kubernetes' {@code hasAnyStatusEnabled}: the status subresource on for any version. */
  private static boolean anyStatus(SharedParts shared, JsonNode versions) {
    if (shared.subresources().path("status").isObject()) {
      return true;
    }
    for (JsonNode version : versions) {
      if (version.path("subresources").path("status").isObject()) {
        return true;
      }
    }
    return false;
  }

  /**
   * What an update may not change: the group and plural, which make the CRD's name, and — once
   * the CRD is established, and its objects stored under them — the scope and kind.
   */
  private static void immutable(JsonNode spec, ObjectNode old, List<FieldError> errors) {
    JsonNode oldSpec = old.path("spec");
    if (CrdNames.isEstablished(old)) {
      unchanged(spec.path("scope"), oldSpec.path("scope"), "spec.scope", errors);
      unchanged(spec.path("names").path("kind"), oldSpec.path("names").path("kind"), "spec.names.kind", errors);
    }
    unchanged(spec.path("group"), oldSpec.path("group"), "spec.group", errors);
    unchanged(spec.path("names").path("plural"), oldSpec.path("names").path("plural"),
        "spec.names.plural", errors);
  }

  private static void unchanged(JsonNode value, JsonNode old, String path, List<FieldError> errors) {
    if (!value.asText("").equals(old.asText(""))) {
      errors.add(FieldError.invalid(path, value.asText(""), IMMUTABLE));
    }
  }

  /**
   * The stored versions as Kubernetes' registry leaves them (the old ones plus the storage
   * version) must name only versions still in the spec: objects stored in a version are
   * readable only while it is listed.
   */
  private static void storedVersions(JsonNode spec, ObjectNode old, List<FieldError> errors) {
    Set<String> stored = new LinkedHashSet<>();
    if (old != null) {
      old.path("status").path("storedVersions").forEach(version -> stored.add(version.asText()));
    }
    String storage = storageVersion(spec);
    if (storage != null) {
      stored.add(storage);
    }
    if (stored.isEmpty()) {
      errors.add(FieldError.invalid("status.storedVersions", "[]", "must have at least one stored version"));
      return;
    }
    Set<String> listed = new HashSet<>();
    spec.path("versions").forEach(version -> listed.add(version.path("name").asText("")));
    int i = 0;
    for (String version : stored) {
      if (!listed.contains(version)) {
        errors.add(FieldError.invalid("status.storedVersions[" + i + "]", version, ("missing from spec.versions;"
            + " %1$s was previously a storage version, and must remain in spec.versions until a storage"
            + " migration ensures no data remains persisted in %1$s and removes %1$s from"
            + " status.storedVersions").formatted(version)));
      }
      i++;
    }
  }

  /**
   * {@code value} when it is an array, else nothing: a list of the wrong JSON type is the type
   * check's to report, and must not break the rules here.
   */
  static JsonNode list(JsonNode value) {
    return value.isArray() ? value : MissingNode.getInstance();
  }

  /** The name of the version marked {@code storage: true} first, or null. */
  static String storageVersion(JsonNode spec) {
    for (JsonNode version : list(spec.path("versions"))) {
      if (version.path("storage").asBoolean(false)) {
        return version.path("name").asText("");
      }
    }
    return null;
  }

  private static boolean allVersionsHaveSchemas(JsonNode versions) {
    for (JsonNode version : versions) {
      if (!version.path("schema").path("openAPIV3Schema").isObject()) {
        return false;
      }
    }
    return true;
  }
}
