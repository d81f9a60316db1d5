package io.dirigent.core.validation;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.fabric8.kubernetes.api.model.KubernetesResource;
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
    if (!node.isObject() || !isSchemaClass(type.getRawClass())) {
      return;
    }
    Map<String, JavaType> declared = properties.computeIfAbsent(type, this::declaredProperties);
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

  /**
   * Whether a class is a schema object to look into: a fabric8 model type read field by field,
   * not one with a deserializer of its own (IntOrString, Quantity and the like take any shape).
   */
  private static boolean isSchemaClass(Class<?> type) {
    if (!KubernetesResource.class.isAssignableFrom(type)) {
      return false;
    }
    JsonDeserialize custom = type.getAnnotation(JsonDeserialize.class);
    return custom == null || custom.using() == JsonDeserializer.None.class;
  }

  private Map<String, JavaType> declaredProperties(JavaType type) {
    BeanDescription description = mapper.getDeserializationConfig().introspect(type);
    Map<String, JavaType> declared = new ConcurrentHashMap<>();
    for (BeanPropertyDefinition property : description.findProperties()) {
      if (property.hasSetter() || property.hasField() || property.hasConstructorParameter()) {
        declared.put(property.getName(), property.getPrimaryType());
      }
    }
    return Map.copyOf(declared);
  }

  private static String child(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }
}
