package io.dirigent.core.validation;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fields a model class declares, read from its Jackson properties: what a kind's schema is
 * in Dirigent, where the fabric8 model classes stand for Kubernetes' Go types. Both the
 * unknown-field check and the OpenAPI schemas walk a class this way, so they agree on what a
 * kind declares.
 */
public final class ModelFields {

  private ModelFields() {}

  /**
   * The fields {@code type} reads, by JSON name, each with its declared type, in the order
   * Jackson writes them (fabric8 orders them as Kubernetes' Go structs do, alphabetically).
   * The catch-all {@code additionalProperties} of fabric8 classes is not a field.
   */
  public static Map<String, JavaType> declared(ObjectMapper mapper, JavaType type) {
    BeanDescription description = mapper.getDeserializationConfig().introspect(type);
    Map<String, JavaType> declared = new LinkedHashMap<>();
    for (BeanPropertyDefinition property : description.findProperties()) {
      if (property.hasSetter() || property.hasField() || property.hasConstructorParameter()) {
        declared.put(property.getName(), property.getPrimaryType());
      }
    }
    return Collections.unmodifiableMap(declared);
  }

  /**
   * Whether a class reads its own shape with a deserializer of its own rather than field by
   * field: IntOrString, Quantity and the like, which take more than one JSON type.
   */
  public static boolean hasOwnDeserializer(Class<?> type) {
    JsonDeserialize custom = type.getAnnotation(JsonDeserialize.class);
    return custom != null && custom.using() != JsonDeserializer.None.class;
  }

  /** Whether a class is a fabric8 model object read field by field. */
  public static boolean isModelObject(Class<?> type) {
    return KubernetesResource.class.isAssignableFrom(type) && !hasOwnDeserializer(type);
  }
}
