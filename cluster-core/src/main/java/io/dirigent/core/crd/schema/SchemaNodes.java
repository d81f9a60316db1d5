package io.dirigent.core.crd.schema;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.core.api.KubeJson;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reading the raw JSON of a schema node the way the CRD checks need it: absent, null and
 * wrongly-typed keywords all read as unset, so each check states only its rule. Also the nesting
 * depth of a schema, measured without recursion so that a hostile schema cannot overflow the
 * stack while it is being measured.
 */
final class SchemaNodes {

  /** The keywords whose values are themselves schemas, or hold schemas. */
  private static final List<String> SCHEMA_KEYWORDS = List.of(
      "properties", "items", "additionalProperties", "allOf", "anyOf", "oneOf", "not",
      "definitions", "dependencies", "patternProperties", "additionalItems");
  private static final List<String> SCHEMA_MAPS = List.of("properties", "definitions", "dependencies", "patternProperties");

  private SchemaNodes() {}

  static String text(JsonNode node, String keyword) {
    JsonNode value = node.get(keyword);
    return value != null && value.isTextual() ? value.textValue() : "";
  }

  static boolean flag(JsonNode node, String keyword) {
    JsonNode value = node.get(keyword);
    return value != null && value.isBoolean() && value.booleanValue();
  }

  /** Whether the keyword is there with a value other than null. */
  static boolean present(JsonNode node, String keyword) {
    JsonNode value = node.get(keyword);
    return value != null && !value.isNull();
  }

  /** A keyword's value when it is a schema (a JSON object), else null. */
  static JsonNode schema(JsonNode node, String keyword) {
    JsonNode value = node.get(keyword);
    return value != null && value.isObject() ? value : null;
  }

  /** A map of schemas, sorted by key so that errors come out in a stable order. */
  static Map<String, JsonNode> schemas(JsonNode node, String keyword) {
    Map<String, JsonNode> out = new TreeMap<>();
    JsonNode value = node.get(keyword);
    if (value != null && value.isObject()) {
      value.properties().forEach(field -> {
        if (field.getValue().isObject()) {
          out.put(field.getKey(), field.getValue());
        }
      });
    }
    return out;
  }

  /** A list of schemas. */
  static List<JsonNode> list(JsonNode node, String keyword) {
    List<JsonNode> out = new ArrayList<>();
    JsonNode value = node.get(keyword);
    if (value != null && value.isArray()) {
      value.forEach(item -> {
        if (item.isObject()) {
          out.add(item);
        }
      });
    }
    return out;
  }

  static List<String> strings(JsonNode node, String keyword) {
    return KubeJson.strings(node.get(keyword));
  }


  /** Whether the keyword holds a non-empty array or object. */
  static boolean nonEmpty(JsonNode node, String keyword) {
    JsonNode value = node.get(keyword);
    return value != null && (value.isArray() || value.isObject()) && !value.isEmpty();
  }

  /** How deeply schemas nest below this one (0 for a schema without sub-schemas). */
  static int depth(JsonNode root) {
    record Visit(JsonNode node, int depth) {}
    Deque<Visit> pending = new ArrayDeque<>();
    pending.push(new Visit(root, 0));
    int deepest = 0;
    while (!pending.isEmpty()) {
      Visit visit = pending.pop();
      deepest = Math.max(deepest, visit.depth());
      if (deepest > StructuralSchema.MAX_DEPTH) {
        return deepest;
      }
      for (JsonNode child : children(visit.node())) {
        pending.push(new Visit(child, visit.depth() + 1));
      }
    }
    return deepest;
  }

  /** The schemas directly below a node, wherever a keyword holds them. */
  static List<JsonNode> children(JsonNode node) {
    List<JsonNode> out = new ArrayList<>();
    for (String keyword : SCHEMA_KEYWORDS) {
      JsonNode value = node.get(keyword);
      if (value == null) {
        continue;
      }
      if (SCHEMA_MAPS.contains(keyword)) {
        if (value.isObject()) {
          value.forEach(child -> {
            if (child.isObject()) {
              out.add(child);
            }
          });
        }
      } else if (value.isObject()) {
        out.add(value);
      } else if (value.isArray()) {
        value.forEach(child -> {
          if (child.isObject()) {
            out.add(child);
          }
        });
      }
    }
    return out;
  }
}
