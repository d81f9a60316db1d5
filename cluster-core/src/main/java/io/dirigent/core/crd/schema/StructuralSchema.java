package io.dirigent.core.crd.schema;

import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ObjectSchema;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.validation.FieldError;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A custom resource version's {@code schema.openAPIV3Schema}, read once into an immutable tree, and
 * the three things the API server does with it to every object it stores: {@link #prune} the
 * fields the schema does not know, {@link #applyDefaults} and {@link #validate} — as Kubernetes'
 * apiextensions-apiserver does with its structural schema.
 *
 * <p>Reading is lenient: a keyword of the wrong JSON kind is ignored, and a pattern that does not
 * compile fails every string it checks, as kube-openapi's does. Whether a schema is acceptable for a CRD at all is {@link
 * SchemaCheck#structuralErrors}'s question, asked before a CRD is stored; this class assumes it was.
 * The one thing reading refuses is a schema nested deeper than {@link #MAX_DEPTH}, so that no
 * object or schema can make the walks below overflow the stack.
 *
 * <p>The value validations under {@code allOf}, {@code anyOf}, {@code oneOf} and {@code not} are
 * read into the same type; they only ever validate, never prune or default.
 */
public final class StructuralSchema implements ObjectSchema {

  /** The deepest nesting of schemas read; deeper ones are refused rather than recursed into. */
  public static final int MAX_DEPTH = 64;

  /** The form an {@code additionalProperties} takes: {@code true}/{@code false}, or a schema. */
  record AdditionalProperties(boolean allows, StructuralSchema schema) {}

  final String type;
  final String format;
  final boolean nullable;
  final JsonNode defaultValue;
  final Map<String, StructuralSchema> properties;
  final StructuralSchema items;
  final AdditionalProperties additionalProperties;
  final List<String> required;
  final List<JsonNode> enumValues;
  final Double maximum;
  final boolean exclusiveMaximum;
  final Double minimum;
  final boolean exclusiveMinimum;
  final Double multipleOf;
  final Long maxLength;
  final Long minLength;
  final String pattern;
  final Pattern compiledPattern;
  final String patternError;
  final Long maxItems;
  final Long minItems;
  final boolean uniqueItems;
  final Long maxProperties;
  final Long minProperties;
  final List<StructuralSchema> allOf;
  final List<StructuralSchema> anyOf;
  final List<StructuralSchema> oneOf;
  final StructuralSchema not;
  final boolean preserveUnknownFields;
  final boolean embeddedResource;
  final boolean intOrString;
  final String listType;
  final List<String> listMapKeys;
  final String mapType;

  private StructuralSchema(JsonNode node, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException(
          "the schema is nested deeper than " + MAX_DEPTH + " levels");
    }
    type = text(node, "type");
    format = text(node, "format");
    nullable = flag(node, "nullable");
    JsonNode dflt = node.get("default");
    defaultValue = dflt == null || dflt.isNull() ? null : dflt.deepCopy();
    properties = schemas(node.get("properties"), depth);
    JsonNode itemsNode = node.get("items");
    items = itemsNode != null && itemsNode.isObject() ? new StructuralSchema(itemsNode, depth + 1) : null;
    additionalProperties = additional(node.get("additionalProperties"), depth);
    required = List.copyOf(KubeJson.strings(node.get("required")));
    enumValues = values(node.get("enum"));
    maximum = number(node, "maximum");
    exclusiveMaximum = flag(node, "exclusiveMaximum");
    minimum = number(node, "minimum");
    exclusiveMinimum = flag(node, "exclusiveMinimum");
    multipleOf = number(node, "multipleOf");
    maxLength = count(node, "maxLength");
    minLength = count(node, "minLength");
    pattern = text(node, "pattern");
    Pattern compiled = null;
    String problem = null;
    if (!pattern.isEmpty()) {
      try {
        compiled = GoRegex.compile(pattern);
      } catch (PatternSyntaxException e) {
        problem = e.getDescription();
      } catch (StackOverflowError e) {
        problem = "the pattern is nested too deeply";
      }
    }
    compiledPattern = compiled;
    patternError = problem;
    maxItems = count(node, "maxItems");
    minItems = count(node, "minItems");
    uniqueItems = flag(node, "uniqueItems");
    maxProperties = count(node, "maxProperties");
    minProperties = count(node, "minProperties");
    allOf = list(node.get("allOf"), depth);
    anyOf = list(node.get("anyOf"), depth);
    oneOf = list(node.get("oneOf"), depth);
    JsonNode notNode = node.get("not");
    not = notNode != null && notNode.isObject() ? new StructuralSchema(notNode, depth + 1) : null;
    preserveUnknownFields = flag(node, "x-kubernetes-preserve-unknown-fields");
    embeddedResource = flag(node, "x-kubernetes-embedded-resource");
    intOrString = flag(node, "x-kubernetes-int-or-string");
    listType = text(node, "x-kubernetes-list-type");
    listMapKeys = List.copyOf(KubeJson.strings(node.get("x-kubernetes-list-map-keys")));
    mapType = text(node, "x-kubernetes-map-type");
  }

  /**
   * Reads an {@code openAPIV3Schema}.
   *
   * @throws IllegalArgumentException if it is not a JSON object or nests deeper than {@link
   *     #MAX_DEPTH}
   */
  public static StructuralSchema of(JsonNode schema) {
    if (schema == null || !schema.isObject()) {
      throw new IllegalArgumentException("an openAPIV3Schema must be a JSON object");
    }
    return new StructuralSchema(schema, 0);
  }

  /**
   * Checks an object against the schema, as the API server does on every create and update: the
   * OpenAPI value validations with kube-openapi's messages, the apiVersion and kind of embedded
   * resources, and the uniqueness that {@code x-kubernetes-list-type} set and map demand. Paths are
   * relative to the object, e.g. {@code spec.replicas}.
   */
  @Override
  public List<FieldError> validate(JsonNode object) {
    List<FieldError> errors = new ArrayList<>(ValueValidator.validate(this, object));
    errors.addAll(EmbeddedResources.validate(this, object));
    errors.addAll(ListTypes.validate(this, object));
    return errors;
  }

  /**
   * Removes, in place, every field the schema does not specify — keeping {@code apiVersion},
   * {@code kind} and {@code metadata} at the root and in embedded resources, and everything under
   * {@code x-kubernetes-preserve-unknown-fields} — and answers the removed fields' paths, sorted,
   * e.g. {@code spec.foo} (for a warning {@code unknown field "spec.foo"}).
   */
  @Override
  public List<String> prune(ObjectNode object) {
    return Pruning.prune(object, this);
  }

  /**
   * Applies the schema's defaults in place, as Kubernetes does after decoding: a missing property
   * of a present object gets its default (parents are never created), and so does a null where the
   * schema is not nullable; a null without a default where null is not allowed is dropped.
   */
  @Override
  public void applyDefaults(ObjectNode object) {
    Defaulting.apply(object, this);
  }

  /** The schema's {@code type}, "" when unset. */
  public String type() {
    return type;
  }

  /** The schema of a named property, if the schema specifies it. */
  public Optional<StructuralSchema> property(String name) {
    return Optional.ofNullable(properties.get(name));
  }

  /** The schema of an array's items, if specified. */
  public Optional<StructuralSchema> items() {
    return Optional.ofNullable(items);
  }

  /** Whether unknown fields under this node are kept rather than pruned. */
  public boolean preservesUnknownFields() {
    return preserveUnknownFields;
  }

  /** The schema of a map's values under {@code additionalProperties}, or null. */
  StructuralSchema additionalSchema() {
    return additionalProperties == null ? null : additionalProperties.schema();
  }

  /** The schema that applies to a field of an object: its property's, else the map's values'. */
  StructuralSchema fieldSchema(String name) {
    StructuralSchema property = properties.get(name);
    return property != null ? property : additionalSchema();
  }

  private static String text(JsonNode node, String keyword) {
    JsonNode value = node.get(keyword);
    return value != null && value.isTextual() ? value.textValue() : "";
  }

  private static boolean flag(JsonNode node, String keyword) {
    JsonNode value = node.get(keyword);
    return value != null && value.isBoolean() && value.booleanValue();
  }

  private static Double number(JsonNode node, String keyword) {
    JsonNode value = node.get(keyword);
    return value != null && value.isNumber() ? value.doubleValue() : null;
  }

  private static Long count(JsonNode node, String keyword) {
    JsonNode value = node.get(keyword);
    return value != null && value.isIntegralNumber() && value.canConvertToLong() ? value.longValue() : null;
  }

  private static List<JsonNode> values(JsonNode node) {
    if (node == null || !node.isArray()) {
      return List.of();
    }
    List<JsonNode> out = new ArrayList<>();
    node.forEach(item -> out.add(item.deepCopy()));
    return Collections.unmodifiableList(out);
  }

  private static Map<String, StructuralSchema> schemas(JsonNode node, int depth) {
    if (node == null || !node.isObject()) {
      return Map.of();
    }
    Map<String, StructuralSchema> out = new TreeMap<>();
    node.properties().forEach(field -> {
      if (field.getValue().isObject()) {
        out.put(field.getKey(), new StructuralSchema(field.getValue(), depth + 1));
      }
    });
    return Collections.unmodifiableMap(out);
  }

  private static List<StructuralSchema> list(JsonNode node, int depth) {
    if (node == null || !node.isArray()) {
      return List.of();
    }
    List<StructuralSchema> out = new ArrayList<>();
    node.forEach(item -> {
      if (item.isObject()) {
        out.add(new StructuralSchema(item, depth + 1));
      }
    });
    return List.copyOf(out);
  }

  private static AdditionalProperties additional(JsonNode node, int depth) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isBoolean()) {
      return new AdditionalProperties(node.booleanValue(), null);
    }
    return node.isObject() ? new AdditionalProperties(true, new StructuralSchema(node, depth + 1)) : null;
  }
}
