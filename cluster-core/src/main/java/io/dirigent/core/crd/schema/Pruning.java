package io.dirigent.core.crd.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes' pruning ({@code apiextensions-apiserver/pkg/apiserver/schema/pruning}): an object
 * field the schema does not specify is removed, unless an enclosing node preserves unknown fields;
 * {@code apiVersion}, {@code kind} and {@code metadata} are never pruned at the root or in an
 * embedded resource. A map's values follow {@code additionalProperties}; below an {@code
 * additionalProperties: true} without a schema every nested object is emptied, as in Kubernetes.
 * The removed paths are answered sorted, in Kubernetes' form ({@code spec.foo}, {@code
 * spec.list[1].bar}).
 */
final class Pruning {

  private static final Set<String> META_FIELDS = Set.of("apiVersion", "kind", "metadata");

  private Pruning() {}

  static List<String> prune(ObjectNode object, StructuralSchema schema) {
    List<String> pruned = new ArrayList<>();
    pruneObject(object, schema, true, "", pruned);
    pruned.sort(null);
    return pruned;
  }

  /**
   * Prunes any value in place by a schema; {@code resource} keeps apiVersion, kind and metadata of
   * an object as at a resource's root. Used to check that a default is already pruned.
   */
  static List<String> pruneValue(JsonNode value, StructuralSchema schema, boolean resource) {
    List<String> pruned = new ArrayList<>();
    if (resource && value instanceof ObjectNode object) {
      pruneObject(object, schema, true, "", pruned);
    } else {
      prune(value, schema, "", pruned);
    }
    pruned.sort(null);
    return pruned;
  }

  private static void prune(JsonNode value, StructuralSchema schema, String path, List<String> pruned) {
    if (schema != null && schema.preserveUnknownFields) {
      skipPrune(value, schema, schema.embeddedResource, path, pruned);
    } else if (value instanceof ObjectNode object) {
      pruneObject(object, schema, schema != null && schema.embeddedResource, path, pruned);
    } else if (value != null && value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        prune(value.get(i), schema == null ? null : schema.items, path + "[" + i + "]", pruned);
      }
    }
  }

  private static void pruneObject(ObjectNode object, StructuralSchema schema, boolean resource, String path, List<String> pruned) {
    if (schema != null && schema.preserveUnknownFields) {
      skipPrune(object, schema, resource, path, pruned);
      return;
    }
    Iterator<Map.Entry<String, JsonNode>> fields = object.properties().iterator();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = field.getKey();
      if (resource && META_FIELDS.contains(key)) {
        continue;
      }
      String child = path.isEmpty() ? key : path + "." + key;
      StructuralSchema property = schema == null ? null : schema.properties.get(key);
      if (property != null) {
        prune(field.getValue(), property, child, pruned);
      } else if (schema != null && schema.additionalProperties != null) {
        prune(field.getValue(), schema.additionalProperties.schema(), child, pruned);
      } else {
        pruned.add(child);
        fields.remove();
      }
    }
  }

  /** Below a node that preserves unknown fields, only the fields it does specify are pruned into. */
  private static void skipPrune(JsonNode value, StructuralSchema schema, boolean resource, String path, List<String> pruned) {
    if (value instanceof ObjectNode object) {
      object.properties().forEach(field -> {
        String key = field.getKey();
        if (resource && META_FIELDS.contains(key)) {
          return;
        }
        String child = path.isEmpty() ? key : path + "." + key;
        StructuralSchema property = schema.properties.get(key);
        if (property != null) {
          prune(field.getValue(), property, child, pruned);
        } else if (schema.additionalProperties != null) {
          prune(field.getValue(), schema.additionalProperties.schema(), child, pruned);
        }
      });
    } else if (value != null && value.isArray() && schema.items != null) {
      for (int i = 0; i < value.size(); i++) {
        skipPrune(value.get(i), schema.items, schema.items.embeddedResource, path + "[" + i + "]", pruned);
      }
    }
  }
}
