package io.dirigent.core.crd.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Kubernetes' structural defaulting ({@code apiextensions-apiserver/pkg/apiserver/schema/defaulting}),
 * in its two steps: first a null that the schema does not allow and has no default for is dropped
 * ({@code PruneNonNullableNullsWithoutDefaults}); then every object present gets the defaults of
 * its missing properties, and a null where null is not allowed is replaced by its default, in
 * properties, items and map values alike ({@code Default}). Defaults never create a missing parent:
 * a default on {@code spec.replicas} applies only when {@code spec} is there. Defaults are copied,
 * so the schema's own values are never shared with an object.
 */
final class Defaulting {

  private Defaulting() {}

  static void apply(ObjectNode object, StructuralSchema schema) {
    dropNulls(object, schema);
    fill(object, schema);
  }

  private static boolean nonNullableNull(JsonNode value, StructuralSchema schema) {
    return (value == null || value.isNull()) && schema != null && !schema.nullable;
  }

  private static void dropNulls(JsonNode value, StructuralSchema schema) {
    if (schema == null) {
      // Nothing below an unspecified node is dropped: Kubernetes' walk finds no schema there.
      return;
    }
    if (value instanceof ObjectNode object) {
      List<String> drop = new ArrayList<>();
      object.properties().forEach(field -> {
        StructuralSchema fieldSchema = schema.fieldSchema(field.getKey());
        if (nonNullableNull(field.getValue(), fieldSchema) && fieldSchema.defaultValue == null) {
          drop.add(field.getKey());
        } else {
          dropNulls(field.getValue(), fieldSchema);
        }
      });
      object.remove(drop);
    } else if (value instanceof ArrayNode list) {
      list.forEach(item -> dropNulls(item, schema.items));
    }
  }

  private static void fill(JsonNode value, StructuralSchema schema) {
    if (schema == null) {
      return;
    }
    if (value instanceof ObjectNode object) {
      schema.properties.forEach((key, property) -> {
        if (property.defaultValue != null && (!object.has(key) || nonNullableNull(object.get(key), property))) {
          object.set(key, property.defaultValue.deepCopy());
        }
      });
      List<String> keys = new ArrayList<>();
      object.fieldNames().forEachRemaining(keys::add);
      for (String key : keys) {
        StructuralSchema property = schema.properties.get(key);
        if (property != null) {
          fill(object.get(key), property);
        } else if (schema.additionalProperties != null) {
          StructuralSchema values = schema.additionalProperties.schema();
          if (nonNullableNull(object.get(key), values) && values.defaultValue != null) {
            object.set(key, values.defaultValue.deepCopy());
          }
          fill(object.get(key), values);
        }
      }
    } else if (value instanceof ArrayNode list) {
      for (int i = 0; i < list.size(); i++) {
        if (nonNullableNull(list.get(i), schema.items) && schema.items.defaultValue != null) {
          list.set(i, schema.items.defaultValue.deepCopy());
        }
        fill(list.get(i), schema.items);
      }
    }
  }
}
