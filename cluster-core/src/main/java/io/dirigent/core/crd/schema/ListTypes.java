package io.dirigent.core.crd.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.validation.FieldError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The uniqueness {@code x-kubernetes-list-type} demands, as Kubernetes' {@code listtype} package
 * checks it: a {@code set} holds no value twice, a {@code map}'s items are objects (or null) whose
 * {@code x-kubernetes-list-map-keys} are unique. Each repeated value is reported once, at its
 * second appearance, as {@code Duplicate value}; for a map the value shown is the item's keys as
 * JSON, e.g. {@code {"name":"a"}} (Kubernetes prints the same as a Go map literal).
 */
final class ListTypes {

  private ListTypes() {}

  static List<FieldError> validate(StructuralSchema schema, JsonNode object) {
    List<FieldError> errors = new ArrayList<>();
    walkObject(object, schema, "", errors);
    return errors;
  }

  private static void walk(JsonNode value, StructuralSchema schema, String path, List<FieldError> errors) {
    if (value.isArray()) {
      walkArray(value, schema, path, errors);
    } else if (value.isObject()) {
      walkObject(value, schema, path, errors);
    }
  }

  private static void walkObject(JsonNode object, StructuralSchema schema, String path, List<FieldError> errors) {
    if (schema == null || !object.isObject()) {
      return;
    }
    StructuralSchema values = schema.additionalSchema();
    object.properties().forEach(field -> {
      if (values != null) {
        walk(field.getValue(), values, path + "[" + field.getKey() + "]", errors);
      }
      StructuralSchema property = schema.properties.get(field.getKey());
      if (property != null) {
        walk(field.getValue(), property, path.isEmpty() ? field.getKey() : path + "." + field.getKey(), errors);
      }
    });
  }

  private static void walkArray(JsonNode list, StructuralSchema schema, String path, List<FieldError> errors) {
    if ("set".equals(schema.listType)) {
      List<JsonNode> items = new ArrayList<>();
      list.forEach(items::add);
      for (int i : repeated(items)) {
        errors.add(FieldError.duplicate(path + "[" + i + "]", GoText.badValue(list.get(i))));
      }
    } else if ("map".equals(schema.listType)) {
      errors.addAll(validateMap(list, schema, path));
    }
    if (schema.items != null) {
      for (int i = 0; i < list.size(); i++) {
        walk(list.get(i), schema.items, path + "[" + i + "]", errors);
      }
    }
  }

  private static List<FieldError> validateMap(JsonNode list, StructuralSchema schema, String path) {
    for (int i = 0; i < list.size(); i++) {
      JsonNode item = list.get(i);
      if (!item.isNull() && !item.isObject()) {
        return List.of(FieldError.invalid(path + "[" + i + "]", GoText.badValue(item),
            "must be an object for an array of list-type map"));
      }
    }
    List<JsonNode> keys = new ArrayList<>();
    for (JsonNode item : list) {
      ObjectNode key = JsonNodeFactory.instance.objectNode();
      for (String keyField : schema.listMapKeys) {
        if (item.isObject() && item.has(keyField)) {
          key.set(keyField, item.get(keyField));
        }
      }
      keys.add(key);
    }
    List<FieldError> errors = new ArrayList<>();
    for (int i : repeated(keys)) {
      errors.add(FieldError.duplicate(path + "[" + i + "]", canonical(keys.get(i))));
    }
    return errors;
  }

  /** The index of each value's second appearance, in order. */
  private static List<Integer> repeated(List<JsonNode> values) {
    List<Integer> indices = new ArrayList<>();
    if (values.size() <= 1) {
      return indices;
    }
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < values.size(); i++) {
      int times = seen.merge(canonical(values.get(i)), 1, Integer::sum);
      if (times == 2) {
        indices.add(i);
      }
    }
    return indices;
  }

  /** JSON with object keys sorted, as Go's {@code json.Marshal} of a map writes it. */
  private static String canonical(JsonNode value) {
    if (value.isObject()) {
      Map<String, JsonNode> sorted = new TreeMap<>();
      value.properties().forEach(field -> sorted.put(field.getKey(), field.getValue()));
      StringBuilder out = new StringBuilder("{");
      sorted.forEach((key, item) -> {
        out.append(out.length() > 1 ? "," : "").append(JsonNodeFactory.instance.textNode(key)).append(':')
            .append(canonical(item));
      });
      return out.append('}').toString();
    }
    if (value.isArray()) {
      StringBuilder out = new StringBuilder("[");
      value.forEach(item -> out.append(out.length() > 1 ? "," : "").append(canonical(item)));
      return out.append(']').toString();
    }
    return value.toString();
  }
}
