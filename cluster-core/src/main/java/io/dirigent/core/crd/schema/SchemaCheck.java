package io.dirigent.core.crd.schema;

import static io.dirigent.core.crd.schema.SchemaNodes.flag;
import static io.dirigent.core.crd.schema.SchemaNodes.list;
import static io.dirigent.core.crd.schema.SchemaNodes.nonEmpty;
import static io.dirigent.core.crd.schema.SchemaNodes.present;
import static io.dirigent.core.crd.schema.SchemaNodes.schema;
import static io.dirigent.core.crd.schema.SchemaNodes.schemas;
import static io.dirigent.core.crd.schema.SchemaNodes.strings;
import static io.dirigent.core.crd.schema.SchemaNodes.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.core.validation.FieldError;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether a CRD version's {@code schema.openAPIV3Schema} is acceptable, as Kubernetes decides when a
 * CustomResourceDefinition is written (apiextensions.k8s.io/v1): the OpenAPI rules of {@code
 * ValidateCustomResourceDefinitionOpenAPISchema} (no {@code $ref}, {@code patternProperties} and
 * the like; properties and additionalProperties exclusive; list and map types consistent), the
 * structural rules of {@code ValidateStructural}, and — once the schema is structural — that every
 * default is pruned and valid against its own schema.
 *
 * <p>Paths begin with the given prefix, e.g. {@code
 * spec.versions[0].schema.openAPIV3Schema.properties[spec].type}, and messages are Kubernetes'. A
 * keyword of the wrong JSON kind (Kubernetes refuses it while decoding the CRD) is reported as
 * {@code Invalid value} with what it must be.
 */
public final class SchemaCheck {

  private static final List<String> OPENAPI_TYPES = List.of("array", "boolean", "integer", "number", "object", "string");
  private static final Set<String> META_FIELDS = Set.of("metadata", "apiVersion", "kind");

  /** Where a node sits: whether defaults are allowed there, and whether it is resource metadata. */
  private record Context(boolean allowDefaults, String disallowReason, boolean insideResourceMeta) {
    Context forbidDefaults(String reason) {
      return new Context(false, reason, insideResourceMeta);
    }

    Context insideMeta() {
      return new Context(allowDefaults, disallowReason, true);
    }
  }

  private SchemaCheck() {}

  /**
   * Every reason Kubernetes would refuse this {@code openAPIV3Schema}; empty when it is acceptable
   * and {@link StructuralSchema#of} may read it.
   *
   * @param path the schema's own path, e.g. {@code spec.versions[0].schema.openAPIV3Schema}
   */
  public static List<FieldError> structuralErrors(JsonNode schema, String path) {
    if (schema == null || !schema.isObject()) {
      return List.of(FieldError.invalid(path, GoText.badValue(schema), "must be a JSON object"));
    }
    if (SchemaNodes.depth(schema) > StructuralSchema.MAX_DEPTH) {
      return List.of(FieldError.forbidden(path, "must not nest schemas more than " + StructuralSchema.MAX_DEPTH + " levels deep"));
    }
    List<FieldError> shape = SchemaShape.check(schema, path);
    if (!shape.isEmpty()) {
      return shape;
    }
    List<FieldError> errors = new ArrayList<>();
    if (flag(schema, "nullable")) {
      errors.add(FieldError.forbidden(path + ".nullable", "nullable cannot be true at the root"));
    }
    String unsupported = SchemaShape.unsupportedField(schema);
    if (unsupported == null) {
      List<FieldError> structural = StructuralRules.check(schema, path);
      errors.addAll(structural.isEmpty() ? DefaultRules.check(schema, path) : structural);
    }
    openApi(schema, path, new Context(true, "", false), true, errors);
    if (errors.isEmpty() && unsupported != null) {
      errors.add(FieldError.invalid(path, "", unsupported));
    }
    return errors;
  }

  /** apiextensions' {@code validateCustomResourceDefinitionOpenAPISchema}. */
  private static void openApi(JsonNode s, String path, Context context, boolean isRoot, List<FieldError> errors) {
    standard(s, path, context, errors);
    if (flag(s, "uniqueItems")) {
      errors.add(FieldError.forbidden(path + ".uniqueItems", "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"));
    }
    JsonNode additional = s.get("additionalProperties");
    if (additional != null && !additional.isNull()) {
      if (nonEmpty(s, "properties") && (additional.isObject() || !additional.booleanValue())) {
        errors.add(FieldError.forbidden(path + ".additionalProperties", "additionalProperties and properties are mutual exclusive"));
      }
      if (additional.isObject()) {
        Context sub = context.insideResourceMeta() ? context.forbidDefaults("inside additionalProperties applying to object metadata") : context;
        openApi(additional, path + ".additionalProperties", sub, false, errors);
      }
    }
    boolean embedded = flag(s, "x-kubernetes-embedded-resource");
    schemas(s, "properties").forEach((name, property) -> {
      Context sub = context;
      if ((isRoot || embedded) && META_FIELDS.contains(name)) {
        sub = sub.insideMeta();
        if (isRoot) {
          sub = sub.forbidDefaults("in top-level " + name);
        }
      }
      openApi(property, path + ".properties[" + name + "]", sub, false, errors);
    });
    JsonNode not = schema(s, "not");
    if (not != null) {
      openApi(not, path + ".not", context, false, errors);
    }
    for (String junctor : List.of("allOf", "oneOf", "anyOf")) {
      List<JsonNode> clauses = list(s, junctor);
      for (int i = 0; i < clauses.size(); i++) {
        openApi(clauses.get(i), path + "." + junctor + "[" + i + "]", context, false, errors);
      }
    }
    schemas(s, "definitions").forEach((name, definition) -> openApi(definition, path + ".definitions[" + name + "]", context, false, errors));
    JsonNode items = s.get("items");
    if (items != null && items.isObject()) {
      openApi(items, path + ".items", context, false, errors);
    } else if (items != null && items.isArray()) {
      List<JsonNode> each = list(s, "items");
      for (int i = 0; i < each.size(); i++) {
        openApi(each.get(i), path + ".items[" + i + "]", context, false, errors);
      }
    }
    schemas(s, "dependencies").forEach((name, dependency) -> openApi(dependency, path + ".dependencies[" + name + "]", context, false, errors));
    JsonNode preserve = s.get("x-kubernetes-preserve-unknown-fields");
    if (preserve != null && preserve.isBoolean() && !preserve.booleanValue()) {
      errors.add(FieldError.invalid(path + ".x-kubernetes-preserve-unknown-fields", "false", "must be true or undefined"));
    }
    ListAndMapTypes.check(s, path, errors);
  }

  /** apiextensions' {@code specStandardValidatorV3.validate}: what OpenAPI v3 allows and CRDs do not. */
  private static void standard(JsonNode s, String path, Context context, List<FieldError> errors) {
    String type = text(s, "type");
    if (!type.isEmpty() && !OPENAPI_TYPES.contains(type)) {
      errors.add(FieldError.notSupported(path + ".type", type, OPENAPI_TYPES));
    }
    if (present(s, "default") && !context.allowDefaults()) {
      String reason = context.disallowReason();
      errors.add(FieldError.forbidden(path + ".default", "must not be set" + (reason.isEmpty() ? "" : " " + reason)));
    }
    if (!text(s, "id").isEmpty()) {
      errors.add(FieldError.forbidden(path + ".id", "id is not supported"));
    }
    if (present(s, "additionalItems")) {
      errors.add(FieldError.forbidden(path + ".additionalItems", "additionalItems is not supported"));
    }
    if (nonEmpty(s, "patternProperties")) {
      errors.add(FieldError.forbidden(path + ".patternProperties", "patternProperties is not supported"));
    }
    if (nonEmpty(s, "definitions")) {
      errors.add(FieldError.forbidden(path + ".definitions", "definitions is not supported"));
    }
    if (present(s, "dependencies")) {
      errors.add(FieldError.forbidden(path + ".dependencies", "dependencies is not supported"));
    }
    if (present(s, "$ref")) {
      errors.add(FieldError.forbidden(path + ".$ref", "$ref is not supported"));
    }
    if (type.equals("null")) {
      errors.add(FieldError.forbidden(path + ".type", "type cannot be set to null, use nullable as an alternative"));
    }
    if (nonEmpty(s, "items") && s.get("items").isArray()) {
      errors.add(FieldError.forbidden(path + ".items", "items must be a schema object and not an array"));
    }
    if (context.insideResourceMeta() && flag(s, "x-kubernetes-embedded-resource")) {
      errors.add(FieldError.forbidden(path + ".x-kubernetes-embedded-resource", "must not be used inside of resource meta"));
    }
  }

  /** x-kubernetes-list-type, -list-map-keys and -map-type: each consistent with the node's type. */
  private static final class ListAndMapTypes {

    static void check(JsonNode s, String path, List<FieldError> errors) {
      String type = text(s, "type");
      JsonNode items = schema(s, "items");
      List<String> mapKeys = strings(s, "x-kubernetes-list-map-keys");
      if (present(s, "x-kubernetes-list-type")) {
        String listType = text(s, "x-kubernetes-list-type");
        if (!type.equals("array")) {
          String detail = "must be array if x-kubernetes-list-type is specified";
          errors.add(type.isEmpty() ? FieldError.required(path + ".type", detail) : FieldError.invalid(path + ".type", type, detail));
        } else if (listType.equals("set") && items != null) {
          setItems(items, path, errors);
        }
        if (!List.of("atomic", "set", "map").contains(listType)) {
          errors.add(FieldError.notSupported(path + ".x-kubernetes-list-type", listType, List.of("atomic", "set", "map")));
        }
        if (listType.equals("map")) {
          mapList(s, items, mapKeys, path, errors);
        }
      }
      if (present(s, "x-kubernetes-map-type")) {
        String mapType = text(s, "x-kubernetes-map-type");
        if (!type.equals("object")) {
          String detail = "must be object if x-kubernetes-map-type is specified";
          errors.add(type.isEmpty() ? FieldError.required(path + ".type", detail) : FieldError.invalid(path + ".type", type, detail));
        }
        if (!List.of("atomic", "granular").contains(mapType)) {
          errors.add(FieldError.notSupported(path + ".x-kubernetes-map-type", mapType, List.of("atomic", "granular")));
        }
      }
      if (!mapKeys.isEmpty()) {
        String detail = "must be map if x-kubernetes-list-map-keys is non-empty";
        if (!present(s, "x-kubernetes-list-type")) {
          errors.add(FieldError.required(path + ".x-kubernetes-list-type", detail));
        } else if (!text(s, "x-kubernetes-list-type").equals("map")) {
          errors.add(FieldError.invalid(path + ".x-kubernetes-list-type", text(s, "x-kubernetes-list-type"), detail));
        }
      }
      mapListKeys(s, items, mapKeys, path, errors);
    }

    /** A set's items are compared whole, so they must be atomic themselves. */
    private static void setItems(JsonNode items, String path, List<FieldError> errors) {
      String detail = "must be atomic as item of a list with x-kubernetes-list-type=set";
      String itemListType = present(items, "x-kubernetes-list-type") ? text(items, "x-kubernetes-list-type") : null;
      switch (text(items, "type")) {
        case "array" -> {
          if (itemListType != null && !itemListType.equals("atomic")) {
            errors.add(FieldError.invalid(path + ".items.x-kubernetes-list-type", itemListType, detail));
          }
        }
        case "object" -> {
          if (!text(items, "x-kubernetes-map-type").equals("atomic")) {
            // Kubernetes shows the item's list type here (usually unset), not its map type.
            errors.add(FieldError.invalid(path + ".items.x-kubernetes-map-type", itemListType, detail));
          }
        }
        default -> { }
      }
    }

    private static void mapList(JsonNode s, JsonNode items, List<String> mapKeys, String path, List<FieldError> errors) {
      if (mapKeys.isEmpty()) {
        errors.add(FieldError.required(path + ".x-kubernetes-list-map-keys", "must not be empty if x-kubernetes-list-type is map"));
      }
      if (!present(s, "items")) {
        errors.add(FieldError.required(path + ".items", "must have a schema if x-kubernetes-list-type is map"));
        return;
      }
      if (items == null) {
        errors.add(FieldError.invalid(path + ".items", GoText.badValue(s.get("items")), "must only have a single schema if x-kubernetes-list-type is map"));
        return;
      }
      if (!text(items, "type").equals("object")) {
        errors.add(FieldError.invalid(path + ".items.type", text(items, "type"), "must be object if parent array's x-kubernetes-list-type is map"));
        return;
      }
      String keys = GoText.badValue(s.get("x-kubernetes-list-map-keys"));
      Set<String> seen = new HashSet<>();
      for (String key : mapKeys) {
        JsonNode property = schemas(items, "properties").get(key);
        if (property == null) {
          errors.add(FieldError.invalid(path + ".x-kubernetes-list-map-keys", keys, "entries must all be names of item properties"));
        } else if (List.of("array", "object").contains(text(property, "type"))) {
          // Kubernetes shows the item's type here, not the key property's.
          errors.add(FieldError.invalid(path + ".items.properties[" + key + "].type", text(items, "type"),
              "must be a scalar type if parent array's x-kubernetes-list-type is map"));
        }
        if (!seen.add(key)) {
          errors.add(FieldError.invalid(path + ".x-kubernetes-list-map-keys", keys, "must not contain duplicate entries"));
        }
      }
    }

    /** validateMapListKeysMapSet: set and map items are not nullable; map keys are required or defaulted. */
    private static void mapListKeys(JsonNode s, JsonNode items, List<String> mapKeys, String path, List<FieldError> errors) {
      String listType = text(s, "x-kubernetes-list-type");
      if (items == null || !(listType.equals("set") || listType.equals("map"))) {
        return;
      }
      if (flag(items, "nullable")) {
        errors.add(FieldError.forbidden(path + ".items.nullable", "cannot be nullable when x-kubernetes-list-type is " + listType));
      }
      if (!listType.equals("map")) {
        return;
      }
      List<String> required = strings(items, "required");
      for (String key : mapKeys) {
        JsonNode property = schemas(items, "properties").get(key);
        if (property == null) {
          continue;
        }
        if (!required.contains(key) && !present(property, "default")) {
          errors.add(FieldError.required(path + ".items.properties." + key + ".default",
              "this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property"));
        }
        if (flag(property, "nullable")) {
          errors.add(FieldError.forbidden(path + ".items.properties." + key + ".nullable",
              "this property is in x-kubernetes-list-map-keys, so it cannot be nullable"));
        }
      }
    }
  }
}
