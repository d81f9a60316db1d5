package io.dirigent.core.crd.schema;

import static io.dirigent.core.crd.schema.SchemaNodes.flag;
import static io.dirigent.core.crd.schema.SchemaNodes.list;
import static io.dirigent.core.crd.schema.SchemaNodes.nonEmpty;
import static io.dirigent.core.crd.schema.SchemaNodes.present;
import static io.dirigent.core.crd.schema.SchemaNodes.schema;
import static io.dirigent.core.crd.schema.SchemaNodes.schemas;
import static io.dirigent.core.crd.schema.SchemaNodes.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.dirigent.core.validation.FieldError;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.PatternSyntaxException;

/**
 * Kubernetes' {@code ValidateStructural} ({@code apiextensions-apiserver/pkg/apiserver/schema},
 * validation.go and complete.go): every specified node has a type, arrays have items, value
 * validations under allOf/anyOf/oneOf/not only restrict what the structure already specifies, and
 * root metadata restricts at most name and generateName. Errors are sorted by message, as
 * Kubernetes sorts them.
 */
final class StructuralRules {

  private enum Level { ROOT, ITEM, FIELD }

  private static final JsonNode INT_OR_STRING_ANY_OF = JsonNodeFactory.instance.arrayNode()
      .add(JsonNodeFactory.instance.objectNode().put("type", "integer"))
      .add(JsonNodeFactory.instance.objectNode().put("type", "string"));

  /** The schema keywords a structural schema keeps; anything else on root metadata is fine. */
  private static final Set<String> STRUCTURAL_KEYWORDS = Set.of(
      "type", "description", "title", "nullable", "additionalProperties", "format", "maximum",
      "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern",
      "maxItems", "minItems", "uniqueItems", "multipleOf", "maxProperties", "minProperties",
      "required", "enum", "allOf", "anyOf", "oneOf", "not", "items", "properties",
      "x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource",
      "x-kubernetes-int-or-string", "x-kubernetes-list-map-keys", "x-kubernetes-list-type",
      "x-kubernetes-map-type", "x-kubernetes-validations");

  private StructuralRules() {}

  static List<FieldError> check(JsonNode schema, String path) {
    List<FieldError> errors = new ArrayList<>();
    invariants(schema, Level.ROOT, path, errors);
    completeness(schema, path, errors);
    errors.sort(Comparator.comparing(FieldError::message));
    return errors;
  }

  private static void invariants(JsonNode s, Level level, String path, List<FieldError> errors) {
    String type = text(s, "type");
    JsonNode items = schema(s, "items");
    if (type.equals("array") && items == null) {
      errors.add(FieldError.required(path + ".items", "must be specified"));
    }
    if (items != null) {
      invariants(items, Level.ITEM, path + ".items", errors);
    }
    Map<String, JsonNode> properties = schemas(s, "properties");
    properties.forEach((name, property) -> invariants(property, Level.FIELD, path + ".properties[" + name + "]", errors));
    boolean hasAdditional = present(s, "additionalProperties");
    if (hasAdditional) {
      if (level == Level.ROOT) {
        errors.add(FieldError.forbidden(path + ".additionalProperties", "must not be used at the root"));
      }
      JsonNode additional = schema(s, "additionalProperties");
      if (additional != null) {
        invariants(additional, Level.FIELD, path + ".additionalProperties", errors);
      }
    }
    boolean intOrString = flag(s, "x-kubernetes-int-or-string");
    boolean preserve = flag(s, "x-kubernetes-preserve-unknown-fields");
    boolean embedded = flag(s, "x-kubernetes-embedded-resource");
    if (intOrString && preserve) {
      errors.add(FieldError.invalid(path + ".x-kubernetes-preserve-unknown-fields", "true", "must be false if x-kubernetes-int-or-string is true"));
    }
    if (intOrString && embedded) {
      errors.add(FieldError.invalid(path + ".x-kubernetes-embedded-resource", "true", "must be false if x-kubernetes-int-or-string is true"));
    }
    List<JsonNode> allOf = list(s, "allOf");
    boolean skipAnyOf = INT_OR_STRING_ANY_OF.equals(s.get("anyOf"));
    boolean skipFirstAllOfAnyOf = !allOf.isEmpty() && INT_OR_STRING_ANY_OF.equals(allOf.get(0).get("anyOf"));
    valueValidation(s, skipAnyOf, skipFirstAllOfAnyOf, path, errors);

    boolean checkMetadata = level == Level.ROOT || embedded;
    if (embedded && !type.equals("object")) {
      String detail = "must be object if x-kubernetes-embedded-resource is true";
      errors.add(type.isEmpty() ? FieldError.required(path + ".type", detail) : FieldError.invalid(path + ".type", type, detail));
    } else if (type.isEmpty() && !intOrString && !preserve) {
      errors.add(FieldError.required(path + ".type", switch (level) {
        case ROOT -> "must not be empty at the root";
        case ITEM -> "must not be empty for specified array items";
        case FIELD -> "must not be empty for specified object fields";
      }));
    }
    if (embedded && hasAdditional) {
      errors.add(FieldError.forbidden(path + ".additionalProperties", "must not be used if x-kubernetes-embedded-resource is set"));
    }
    if (level == Level.ROOT && !type.isEmpty() && !type.equals("object")) {
      errors.add(FieldError.invalid(path + ".type", type, "must be object at the root"));
    }
    for (String meta : List.of("kind", "apiVersion")) {
      JsonNode property = properties.get(meta);
      if (property != null && checkMetadata && !text(property, "type").equals("string")) {
        errors.add(FieldError.invalid(path + ".properties[" + meta + "].type", text(property, "type"), "must be string"));
      }
    }
    JsonNode metadata = properties.get("metadata");
    if (metadata != null) {
      metadataInvariants(metadata, checkMetadata, level, path + ".properties[metadata]", errors);
    }
    if (embedded && !preserve && properties.isEmpty()) {
      errors.add(FieldError.required(path + ".properties",
          "must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields"));
    }
  }

  /**
   * Root metadata may say it is an object, give a default (refused elsewhere) and restrict name and
   * generateName; anything else would let a CRD restrict what every object's metadata holds.
   */
  private static void metadataInvariants(JsonNode s, boolean checkMetadata, Level level, String path, List<FieldError> errors) {
    if (checkMetadata && !text(s, "type").equals("object")) {
      errors.add(FieldError.invalid(path + ".type", text(s, "type"), "must be object"));
    }
    if (level != Level.ROOT) {
      return;
    }
    Set<String> names = schemas(s, "properties").keySet();
    boolean onlyNames = !names.isEmpty() && Set.of("name", "generateName").containsAll(names);
    boolean restricts = false;
    for (Map.Entry<String, JsonNode> field : s.properties()) {
      String keyword = field.getKey();
      if (!STRUCTURAL_KEYWORDS.contains(keyword) || keyword.equals("type") || (keyword.equals("properties") && onlyNames)) {
        continue;
      }
      restricts |= isSet(field.getValue(), keyword);
    }
    if (restricts) {
      errors.add(FieldError.forbidden(path, "must not specify anything other than name and generateName, but metadata is implicitly specified"));
    }
  }

  /** Whether a keyword's value differs from Go's zero value once read into a structural schema. */
  private static boolean isSet(JsonNode value, String keyword) {
    if (value == null || value.isNull()) {
      return false;
    }
    if (value.isBoolean()) {
      return value.booleanValue() || keyword.equals("additionalProperties");
    }
    if (value.isTextual()) {
      return !value.textValue().isEmpty();
    }
    if (value.isArray() || (value.isObject() && keyword.equals("properties"))) {
      return !value.isEmpty();
    }
    return true;
  }

  private static void valueValidation(JsonNode v, boolean skipAnyOf, boolean skipFirstAllOfAnyOf, String path, List<FieldError> errors) {
    if (!skipAnyOf) {
      List<JsonNode> anyOf = list(v, "anyOf");
      for (int i = 0; i < anyOf.size(); i++) {
        nested(anyOf.get(i), false, path + ".anyOf[" + i + "]", errors);
      }
    }
    List<JsonNode> allOf = list(v, "allOf");
    for (int i = 0; i < allOf.size(); i++) {
      nested(allOf.get(i), skipFirstAllOfAnyOf && i == 0, path + ".allOf[" + i + "]", errors);
    }
    List<JsonNode> oneOf = list(v, "oneOf");
    for (int i = 0; i < oneOf.size(); i++) {
      nested(oneOf.get(i), false, path + ".oneOf[" + i + "]", errors);
    }
    JsonNode not = schema(v, "not");
    if (not != null) {
      nested(not, false, path + ".not", errors);
    }
    String pattern = text(v, "pattern");
    if (!pattern.isEmpty()) {
      String problem = patternProblem(pattern);
      if (problem != null) {
        errors.add(FieldError.invalid(path + ".pattern", pattern, "must be a valid regular expression, but isn't: " + problem));
      }
    }
  }

  /**
   * Why a pattern is refused, or null. Kubernetes compiles patterns with Go's RE2, which has no
   * look-around and no back-references; Java would accept those, so they are refused with RE2's
   * words. Java's own syntax errors are reported as Java words them.
   */
  static String patternProblem(String pattern) {
    boolean inClass = false;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\' && i + 1 < pattern.length()) {
        char next = pattern.charAt(++i);
        if (!inClass && next >= '1' && next <= '9') {
          return "error parsing regexp: invalid escape sequence: `\\" + next + "`";
        }
      } else if (c == '[') {
        inClass = true;
      } else if (c == ']') {
        inClass = false;
      } else if (c == '(' && !inClass) {
        for (String lookaround : List.of("(?=", "(?!", "(?<=", "(?<!")) {
          if (pattern.startsWith(lookaround, i)) {
            return "error parsing regexp: invalid or unsupported Perl syntax: `" + lookaround + "`";
          }
        }
      }
    }
    try {
      GoRegex.compile(pattern);
      return null;
    } catch (PatternSyntaxException e) {
      return "error parsing regexp: " + e.getDescription();
    } catch (StackOverflowError e) {
      return "error parsing regexp: expression nests too deeply";
    }
  }

  /** A schema under allOf/anyOf/oneOf/not: it may only add value validations. */
  private static void nested(JsonNode v, boolean skipAnyOf, String path, List<FieldError> errors) {
    valueValidation(v, skipAnyOf, false, path, errors);
    JsonNode items = schema(v, "items");
    if (items != null) {
      nested(items, false, path + ".items", errors);
    }
    Map<String, JsonNode> properties = schemas(v, "properties");
    properties.forEach((name, property) -> nested(property, false, path + ".properties[" + name + "]", errors));
    if (!text(v, "type").isEmpty()) {
      errors.add(FieldError.forbidden(path + ".type", "must be empty to be structural"));
    }
    if (present(v, "additionalProperties")) {
      errors.add(FieldError.forbidden(path + ".additionalProperties", "must be undefined to be structural"));
    }
    if (present(v, "default")) {
      errors.add(FieldError.forbidden(path + ".default", "must be undefined to be structural"));
    }
    if (!text(v, "title").isEmpty()) {
      errors.add(FieldError.forbidden(path + ".title", "must be empty to be structural"));
    }
    if (!text(v, "description").isEmpty()) {
      errors.add(FieldError.forbidden(path + ".description", "must be empty to be structural"));
    }
    if (flag(v, "nullable")) {
      errors.add(FieldError.forbidden(path + ".nullable", "must be false to be structural"));
    }
    if (present(v, "externalDocs")) {
      errors.add(FieldError.forbidden(path + ".externalDocs", "must be undefined to be structural"));
    }
    for (String extension : List.of("x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource", "x-kubernetes-int-or-string")) {
      if (flag(v, extension)) {
        errors.add(FieldError.forbidden(path + "." + extension, "must be false to be structural"));
      }
    }
    if (nonEmpty(v, "x-kubernetes-list-map-keys")) {
      errors.add(FieldError.forbidden(path + ".x-kubernetes-list-map-keys", "must be empty to be structural"));
    }
    for (String extension : List.of("x-kubernetes-list-type", "x-kubernetes-map-type")) {
      if (present(v, extension)) {
        errors.add(FieldError.forbidden(path + "." + extension, "must be undefined to be structural"));
      }
    }
    if (nonEmpty(v, "x-kubernetes-validations")) {
      errors.add(FieldError.forbidden(path + ".x-kubernetes-validations", "must be empty to be structural"));
    }
    if (properties.containsKey("metadata")) {
      errors.add(FieldError.forbidden(path + ".properties[metadata]", "must not be specified in a nested context"));
    }
  }

  /**
   * complete.go: what allOf/anyOf/oneOf/not at the root specify must also be specified by the
   * structure. Kubernetes looks only at the root's value validations and follows them down.
   */
  private static void completeness(JsonNode s, String path, List<FieldError> errors) {
    valueValidationCompleteness(s, s, path, path, errors);
  }

  private static void valueValidationCompleteness(JsonNode v, JsonNode s, String sPath, String vPath, List<FieldError> errors) {
    JsonNode not = schema(v, "not");
    if (not != null) {
      nestedCompleteness(not, s, sPath, vPath + ".not", errors);
    }
    for (String junctor : List.of("allOf", "anyOf", "oneOf")) {
      List<JsonNode> clauses = list(v, junctor);
      for (int i = 0; i < clauses.size(); i++) {
        nestedCompleteness(clauses.get(i), s, sPath, vPath + "." + junctor + "[" + i + "]", errors);
      }
    }
  }

  private static void nestedCompleteness(JsonNode v, JsonNode s, String sPath, String vPath, List<FieldError> errors) {
    if (s == null) {
      errors.add(FieldError.required(sPath, "because it is defined in " + vPath));
      return;
    }
    valueValidationCompleteness(v, s, sPath, vPath, errors);
    JsonNode items = schema(v, "items");
    if (items != null) {
      nestedCompleteness(items, schema(s, "items"), sPath + ".items", vPath + ".items", errors);
    }
    Map<String, JsonNode> structure = schemas(s, "properties");
    schemas(v, "properties").forEach((name, property) -> {
      String sChild = sPath + ".properties[" + name + "]";
      String vChild = vPath + ".properties[" + name + "]";
      if (!structure.containsKey(name)) {
        errors.add(FieldError.required(sChild, "because it is defined in " + vChild));
      } else {
        nestedCompleteness(property, structure.get(name), sChild, vChild, errors);
      }
    });
  }
}
