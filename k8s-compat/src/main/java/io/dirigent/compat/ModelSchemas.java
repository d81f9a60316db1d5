package io.dirigent.compat;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.validation.ModelFields;
import io.fabric8.kubernetes.api.model.Duration;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.Temporal;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The OpenAPI v3 schemas of model classes, as {@code components.schemas} of one document holds
 * them: each class reached is one named schema (named as Kubernetes names it, see
 * {@link SchemaNames}), and a field of a class type refers to it with
 * {@code allOf: [{$ref}]}, as Kubernetes' own documents do. The fields are the class's Jackson
 * properties ({@link ModelFields}), the same the unknown-field check reads.
 *
 * <p>{@code kubectl explain} reads these: it finds the schema whose
 * {@code x-kubernetes-group-version-kind} names the kind and follows the references field by
 * field. fabric8's classes carry no descriptions, so the schemas have none.
 */
final class ModelSchemas {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /**
   * Fields that Kubernetes types as meta/v1 Time, a timestamp, and fabric8 reads as plain
   * strings: known by name, since the class no longer says.
   */
  private static final Set<String> TIME_FIELDS = Set.of("creationTimestamp", "deletionTimestamp", "time", "lastTransitionTime", "lastProbeTime",
      "lastHeartbeatTime", "lastUpdateTime", "startTime", "completionTime", "startedAt", "finishedAt", "lastScheduleTime", "lastSuccessfulTime",
      "firstTimestamp", "lastTimestamp", "lastScaleTime", "expirationTimestamp");

  private final ObjectMapper mapper;
  private final ObjectNode schemas;
  /** The class each schema name was made from, so two classes never share one name unnoticed. */
  private final Map<String, Class<?>> classes = new HashMap<>();

  /** Schemas made with {@code mapper}'s view of the classes, added to {@code schemas}. */
  ModelSchemas(ObjectMapper mapper, ObjectNode schemas) {
    this.mapper = mapper;
    this.schemas = schemas;
  }

  /**
   * Adds the schema of a kind's class and of every class it reaches, tagging the kind's with
   * {@code x-kubernetes-group-version-kind}; answers its name.
   */
  String addKind(Class<?> type, String group, String version, String kind) {
    String name = add(type);
    ObjectNode schema = (ObjectNode) schemas.get(name);
    JsonNode tags = schema.get("x-kubernetes-group-version-kind");
    (tags instanceof ArrayNode array ? array : schema.putArray("x-kubernetes-group-version-kind"))
        .addObject().put("group", group).put("kind", kind).put("version", version);
    return name;
  }

  /** The class each schema was made from, by schema name. */
  Map<String, Class<?>> classes() {
    return Map.copyOf(classes);
  }

  /** Adds the schema of {@code type} and of what it reaches, unless there; answers its name. */
  private String add(Class<?> type) {
    String name = SchemaNames.of(type);
    Class<?> owner = classes.putIfAbsent(name, type);
    if (owner != null) {
      if (owner != type) {
        throw new IllegalStateException("schema " + name + " would describe both " + owner.getName() + " and " + type.getName());
      }
      return name;
    }
    // Put it before its fields are made: a type may reach itself (JSONSchemaProps does).
    ObjectNode schema = schemas.putObject(name);
    if (type == IntOrString.class) {
      schema.put("format", "int-or-string").put("x-kubernetes-int-or-string", true);
      schema.putArray("oneOf").add(JSON.objectNode().put("type", "integer")).add(JSON.objectNode().put("type", "string"));
    } else if (type == Quantity.class) {
      schema.putArray("oneOf").add(JSON.objectNode().put("type", "string")).add(JSON.objectNode().put("type", "number"));
    } else if (type == MicroTime.class) {
      schema.put("type", "string").put("format", "date-time");
    } else if (type == Duration.class) {
      schema.put("type", "string");
    } else if (ModelFields.hasOwnDeserializer(type)) {
      // It reads more than one JSON shape (JSONSchemaPropsOrBool and the like): any value.
      schema.put("x-kubernetes-preserve-unknown-fields", true);
    } else {
      schema.put("type", "object");
      ObjectNode properties = schema.putObject("properties");
      ModelFields.declared(mapper, mapper.constructType(type)).forEach((field, fieldType) -> properties.set(field, property(field, fieldType)));
    }
    return name;
  }

  /** The schema of one field: a JSON type, an array, a map, or a reference to a named schema. */
  private ObjectNode property(String field, JavaType type) {
    Class<?> raw = type.getRawClass();
    if (raw == byte[].class) {
      return JSON.objectNode().put("type", "string").put("format", "byte");
    }
    if (type.isArrayType() || type.isCollectionLikeType()) {
      ObjectNode array = JSON.objectNode().put("type", "array");
      array.set("items", property(field, type.getContentType()));
      return array;
    }
    if (type.isMapLikeType()) {
      ObjectNode map = JSON.objectNode().put("type", "object");
      map.set("additionalProperties", property(field, type.getContentType()));
      return map;
    }
    if (raw == String.class) {
      return TIME_FIELDS.contains(field) ? reference(time()) : JSON.objectNode().put("type", "string");
    }
    if (raw == Integer.class || raw == int.class || raw == Short.class || raw == short.class) {
      return JSON.objectNode().put("type", "integer").put("format", "int32");
    }
    if (raw == Long.class || raw == long.class || raw == BigInteger.class) {
      return JSON.objectNode().put("type", "integer").put("format", "int64");
    }
    if (raw == Boolean.class || raw == boolean.class) {
      return JSON.objectNode().put("type", "boolean");
    }
    if (raw == Double.class || raw == double.class || raw == Float.class || raw == float.class || raw == BigDecimal.class) {
      return JSON.objectNode().put("type", "number").put("format", "double");
    }
    if (raw.isEnum()) {
      return JSON.objectNode().put("type", "string");
    }
    if (Temporal.class.isAssignableFrom(raw)) {
      // fabric8 reads a few MicroTime fields (a lease's renewTime) as java.time values.
      return reference(add(MicroTime.class));
    }
    if (raw == Object.class || JsonNode.class.isAssignableFrom(raw) || raw.getName().startsWith("java.")) {
      return JSON.objectNode().put("x-kubernetes-preserve-unknown-fields", true);
    }
    return reference(add(raw));
  }

  /** meta/v1 Time: a string in RFC 3339 form. */
  private String time() {
    if (!schemas.has(SchemaNames.TIME)) {
      schemas.putObject(SchemaNames.TIME).put("type", "string").put("format", "date-time");
      classes.put(SchemaNames.TIME, String.class);
    }
    return SchemaNames.TIME;
  }

  private static ObjectNode reference(String name) {
    ObjectNode property = JSON.objectNode();
    property.putArray("allOf").addObject().put("$ref", "#/components/schemas/" + name);
    return property;
  }
}
