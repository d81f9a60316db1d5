package io.dirigent.core.crd.schema;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.core.validation.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Kubernetes' {@code ValidateDefaults} (schema/defaulting/validation.go), run once a schema is
 * structural: a default must survive pruning by its own schema unchanged ({@code must not have
 * unknown fields}) and must pass its own schema's value validation, the errors placed under the
 * default's path, e.g. {@code ...properties[size].default: Invalid value: "20":  in body should be
 * less than or equal to 10} — kube-openapi names the validated value's root "", so the sentence
 * starts with a space, as Kubernetes' does. Defaults inside resource metadata are only value
 * validated; Kubernetes also checks the metadata they would produce, which is not done here.
 */
final class DefaultRules {

  private static final Set<String> META_FIELDS = Set.of("metadata", "apiVersion", "kind");

  private DefaultRules() {}

  static List<FieldError> check(JsonNode schema, String path) {
    List<FieldError> errors = new ArrayList<>();
    walk(schema, path, true, false, errors);
    return errors;
  }

  private static void walk(JsonNode s, String path, boolean resource, boolean insideMeta, List<FieldError> errors) {
    boolean embedded = resource || SchemaNodes.flag(s, "x-kubernetes-embedded-resource");
    if (embedded) {
      insideMeta = false;
    }
    JsonNode dflt = s.get("default");
    if (dflt != null && !dflt.isNull()) {
      StructuralSchema own = StructuralSchema.of(s);
      String at = path + ".default";
      if (!insideMeta && pruned(dflt, own, embedded)) {
        errors.add(FieldError.invalid(at, GoText.badValue(dflt), "must not have unknown fields"));
      }
      for (FieldError error : ValueValidator.validate(own, dflt)) {
        String field = error.field().isEmpty() ? at : at + "." + error.field();
        errors.add(new FieldError(field, error.type(), error.badValue(), error.detail()));
      }
    }
    JsonNode items = SchemaNodes.schema(s, "items");
    if (items != null) {
      walk(items, path + ".items", false, insideMeta, errors);
    }
    final boolean meta = insideMeta;
    SchemaNodes.schemas(s, "properties").forEach((name, property) ->
        walk(property, path + ".properties[" + name + "]", false, meta || (embedded && META_FIELDS.contains(name)), errors));
  }

  /** Whether pruning a copy of the default by its own schema would change it. */
  private static boolean pruned(JsonNode dflt, StructuralSchema own, boolean embedded) {
    return !Pruning.pruneValue(dflt.deepCopy(), own, embedded).isEmpty();
  }
}
