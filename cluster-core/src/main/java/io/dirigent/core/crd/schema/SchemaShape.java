package io.dirigent.core.crd.schema;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.core.validation.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JSON shape of a schema's keywords — what Kubernetes' decoder into {@code JSONSchemaProps}
 * enforces before any rule runs: {@code type} is a string, {@code maxLength} an integer, {@code
 * properties} an object of schemas, and so on. Also the first field that Kubernetes' {@code
 * NewStructural} cannot convert, which it reports only when nothing else is wrong.
 */
final class SchemaShape {

  private enum Kind {
    STRING("a string"), BOOLEAN("a boolean"), NUMBER("a number"), INTEGER("a non-negative integer"),
    STRINGS("an array of strings"), ARRAY("an array"), SCHEMAS("an array of schemas"), SCHEMA("a schema object"),
    SCHEMA_MAP("an object of schemas"), SCHEMA_OR_BOOL("a schema object or a boolean"),
    SCHEMA_OR_SCHEMAS("a schema object or an array of schemas"), OBJECT("an object");

    final String words;

    Kind(String words) {
      this.words = words;
    }
  }

  private static final Map<String, Kind> KEYWORDS = Map.ofEntries(
      Map.entry("type", Kind.STRING), Map.entry("format", Kind.STRING), Map.entry("title", Kind.STRING),
      Map.entry("description", Kind.STRING), Map.entry("pattern", Kind.STRING), Map.entry("id", Kind.STRING),
      Map.entry("$schema", Kind.STRING), Map.entry("$ref", Kind.STRING),
      Map.entry("x-kubernetes-list-type", Kind.STRING), Map.entry("x-kubernetes-map-type", Kind.STRING),
      Map.entry("nullable", Kind.BOOLEAN), Map.entry("exclusiveMaximum", Kind.BOOLEAN),
      Map.entry("exclusiveMinimum", Kind.BOOLEAN), Map.entry("uniqueItems", Kind.BOOLEAN),
      Map.entry("x-kubernetes-preserve-unknown-fields", Kind.BOOLEAN),
      Map.entry("x-kubernetes-embedded-resource", Kind.BOOLEAN), Map.entry("x-kubernetes-int-or-string", Kind.BOOLEAN),
      Map.entry("maximum", Kind.NUMBER), Map.entry("minimum", Kind.NUMBER), Map.entry("multipleOf", Kind.NUMBER),
      Map.entry("maxLength", Kind.INTEGER), Map.entry("minLength", Kind.INTEGER), Map.entry("maxItems", Kind.INTEGER),
      Map.entry("minItems", Kind.INTEGER), Map.entry("maxProperties", Kind.INTEGER), Map.entry("minProperties", Kind.INTEGER),
      Map.entry("required", Kind.STRINGS), Map.entry("x-kubernetes-list-map-keys", Kind.STRINGS),
      Map.entry("enum", Kind.ARRAY), Map.entry("x-kubernetes-validations", Kind.ARRAY),
      Map.entry("allOf", Kind.SCHEMAS), Map.entry("anyOf", Kind.SCHEMAS), Map.entry("oneOf", Kind.SCHEMAS),
      Map.entry("not", Kind.SCHEMA), Map.entry("externalDocs", Kind.OBJECT),
      Map.entry("properties", Kind.SCHEMA_MAP), Map.entry("definitions", Kind.SCHEMA_MAP),
      Map.entry("patternProperties", Kind.SCHEMA_MAP), Map.entry("dependencies", Kind.OBJECT),
      Map.entry("additionalProperties", Kind.SCHEMA_OR_BOOL), Map.entry("additionalItems", Kind.SCHEMA_OR_BOOL),
      Map.entry("items", Kind.SCHEMA_OR_SCHEMAS));

  private static final List<String> UNSUPPORTED = List.of(
      "id", "schema", "$ref", "patternProperties", "dependencies", "additionalItems", "definitions");

  private SchemaShape() {}

  /** Every keyword whose value has the wrong JSON kind, at any depth. */
  static List<FieldError> check(JsonNode schema, String path) {
    List<FieldError> errors = new ArrayList<>();
    walk(schema, path, errors);
    return errors;
  }

  private static void walk(JsonNode s, String path, List<FieldError> errors) {
    s.properties().forEach(field -> {
      Kind kind = KEYWORDS.get(field.getKey());
      JsonNode value = field.getValue();
      if (kind == null || value.isNull()) {
        return;
      }
      String at = path + "." + field.getKey();
      if (!fits(kind, value)) {
        errors.add(FieldError.invalid(at, GoText.badValue(value), "must be " + kind.words));
        return;
      }
      switch (kind) {
        case SCHEMA, SCHEMA_OR_BOOL, SCHEMA_OR_SCHEMAS -> {
          if (value.isObject()) {
            walk(value, at, errors);
          } else if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
              walk(value.get(i), at + "[" + i + "]", errors);
            }
          }
        }
        case SCHEMAS -> {
          for (int i = 0; i < value.size(); i++) {
            walk(value.get(i), at + "[" + i + "]", errors);
          }
        }
        case SCHEMA_MAP -> value.properties().forEach(entry -> walk(entry.getValue(), at + "[" + entry.getKey() + "]", errors));
        default -> { }
      }
    });
  }

  private static boolean fits(Kind kind, JsonNode value) {
    return switch (kind) {
      case STRING -> value.isTextual();
      case BOOLEAN -> value.isBoolean();
      case NUMBER -> value.isNumber();
      case INTEGER -> value.isIntegralNumber() && value.canConvertToLong() && value.longValue() >= 0;
      case STRINGS -> value.isArray() && allMatch(value, JsonNode::isTextual);
      case ARRAY -> value.isArray();
      case SCHEMAS -> value.isArray() && allMatch(value, JsonNode::isObject);
      case SCHEMA, OBJECT -> value.isObject();
      case SCHEMA_MAP -> value.isObject() && allMatch(value, JsonNode::isObject);
      case SCHEMA_OR_BOOL -> value.isObject() || value.isBoolean();
      case SCHEMA_OR_SCHEMAS -> value.isObject() || (value.isArray() && allMatch(value, JsonNode::isObject));
    };
  }

  private static boolean allMatch(JsonNode container, java.util.function.Predicate<JsonNode> test) {
    for (JsonNode item : container) {
      if (!test.test(item)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The message of Kubernetes' {@code NewStructural} for the first field it cannot convert, e.g.
   * {@code OpenAPIV3Schema 'schema' is not supported} for {@code $schema}; null when it converts.
   */
  static String unsupportedField(JsonNode s) {
    for (String field : UNSUPPORTED) {
      String keyword = field.equals("schema") ? "$schema" : field;
      if (SchemaNodes.text(s, keyword).isEmpty() && !SchemaNodes.nonEmpty(s, keyword)
          && !(keyword.equals("additionalItems") && SchemaNodes.present(s, keyword))) {
        continue;
      }
      return "OpenAPIV3Schema '" + field + "' is not supported";
    }
    JsonNode items = s.get("items");
    if (items != null && items.isArray() && !items.isEmpty()) {
      return "OpenAPIV3Schema 'items' must be a schema, but is an array";
    }
    JsonNode preserve = s.get("x-kubernetes-preserve-unknown-fields");
    if (preserve != null && preserve.isBoolean() && !preserve.booleanValue()) {
      return "internal error: 'x-kubernetes-preserve-unknown-fields' must be true or undefined";
    }
    for (JsonNode child : SchemaNodes.children(s)) {
      String problem = unsupportedField(child);
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }
}
