package io.dirigent.core.validation;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the fields of an object that its kind's schema does not declare, for
 * {@code fieldValidation=Strict} and {@code Warn}. The schema is the fabric8 model class: its
 * Jackson properties are the declared fields. fabric8 classes accept any field into
 * {@code additionalProperties}, so plain deserialization cannot tell; this walk can.
 *
 * <p>Paths are reported as Kubernetes reports them: {@code spec.containers[0].imagePullPolcy}.
 */
public final class UnknownFields {

  private final ObjectMapper mapper;
  private final Map<JavaType, Map<String, JavaType>> properties = new ConcurrentHashMap<>();

  public UnknownFields(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** The paths of every field in {@code object} that {@code type} does not declare, in document order. */
  public List<String> find(JsonNode object, Class<?> type) {
    List<String> unknown = new ArrayList<>();
    walk(object, mapper.constructType(type), "", unknown, false);
    return unknown;
  }

  /**
   * Removes from {@code object} every field that {@code type} does not declare, as Kubernetes
   * drops them when it decodes an object, and answers their paths.
   */
  public List<String> remove(JsonNode object, Class<?> type) {
    List<String> unknown = new ArrayList<>();
    walk(object, mapper.constructType(type), "", unknown, true);
    return unknown;
  }

  private void walk(JsonNode node, JavaType type, String path, List<String> unknown, boolean remove) {
    if (node == null || node.isNull()) {
      return;
    }
    if (type.isContainerType() && !type.isMapLikeType() && node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), type.getContentType(), path + "[" + i + "]", unknown, remove);
      }
      return;
    }
    if (type.isMapLikeType() && node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        walk(field.getValue(), type.getContentType(), child(path, field.getKey()), unknown, remove);
      }
      return;
    }
    if (!node.isObject() || !ModelFields.isModelObject(type.getRawClass())) {
      return;
    }
    Map<String, JavaType> declared = properties.computeIfAbsent(type, t -> ModelFields.declared(mapper, t));
    for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      JavaType fieldType = declared.get(field.getKey());
      String fieldPath = child(path, field.getKey());
      if (fieldType == null) {
        unknown.add(fieldPath);
        if (remove) {
          fields.remove();
        }
      } else {
        walk(field.getValue(), fieldType, fieldPath, unknown, remove);
      }
    }
  }

  private static String child(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }
}
