package io.dirigent.core.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Objects in the store are JSON trees in Kubernetes' wire shape; this converts them to and from
 * fabric8's typed model and reads the metadata fields the store works with.
 *
 * <p>The versions the store hands out are {@link FrozenJson frozen}: every change works on a
 * {@link ObjectNode#deepCopy() copy}.
 */
public final class KubeJson {

  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  /** Kubernetes' MicroTime (Lease renew and acquire times): RFC 3339 with exactly six decimals, UTC. */
  private static final DateTimeFormatter MICRO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  /** One mapper for model conversion; thread-safe once configured. */
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .configure(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, false)
      .configure(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE, false)
      .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
      // Registered last, so it wins over the module's ISO form for the fields fabric8 types as ZonedDateTime.
      .registerModule(new com.fasterxml.jackson.databind.module.SimpleModule("kubernetes-micro-time")
          .addSerializer(java.time.ZonedDateTime.class, new com.fasterxml.jackson.databind.ser.std.StdSerializer<>(java.time.ZonedDateTime.class) {
            @Override
            public void serialize(java.time.ZonedDateTime value, com.fasterxml.jackson.core.JsonGenerator out,
                com.fasterxml.jackson.databind.SerializerProvider provider) throws java.io.IOException {
              out.writeString(MICRO_TIME.format(value));
            }
          }));

  private KubeJson() {}

  /** The tree form of a typed object. */
  public static ObjectNode toTree(HasMetadata object) {
    return MAPPER.valueToTree(object);
  }

  /** The typed form of a tree. */
  public static <T> T toTyped(JsonNode tree, Class<T> type) {
    try {
      return MAPPER.treeToValue(tree, type);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("cannot read " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
    }
  }

  /** {@code metadata}, created when absent. Only for trees still being built. */
  public static ObjectNode metadata(ObjectNode object) {
    JsonNode meta = object.get("metadata");
    if (meta instanceof ObjectNode node) {
      return node;
    }
    return object.putObject("metadata");
  }

  /** A metadata string field, or "" when absent. */
  public static String meta(JsonNode object, String field) {
    JsonNode value = object.path("metadata").path(field);
    return value.isValueNode() ? value.asText("") : "";
  }

  public static String name(JsonNode object) {
    return meta(object, "name");
  }

  public static String namespace(JsonNode object) {
    return meta(object, "namespace");
  }

  public static String uid(JsonNode object) {
    return meta(object, "uid");
  }

  /** The resourceVersion as a number; 0 when absent. */
  public static long resourceVersion(JsonNode object) {
    String rv = meta(object, "resourceVersion");
    return rv.isEmpty() ? 0 : Long.parseLong(rv);
  }

  /** The string items of a JSON array, in order; empty for null, a missing node or anything not an array. */
  public static java.util.List<String> strings(JsonNode array) {
    java.util.List<String> values = new java.util.ArrayList<>();
    if (array != null && array.isArray()) {
      array.forEach(item -> {
        if (item.isTextual()) {
          values.add(item.textValue());
        }
      });
    }
    return values;
  }

  /** A string map under metadata (labels, annotations); empty when absent. */
  public static Map<String, String> stringMap(JsonNode object, String field) {
    JsonNode node = object.path("metadata").path(field);
    if (!node.isObject()) {
      return Map.of();
    }
    var map = new LinkedHashMap<String, String>();
    node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
    return map;
  }

  /**
   * Sets an integer field the way a JSON parser would have read it (an int when it fits), so a
   * tree the store built equals the same tree read back from a journal or a client.
   */
  public static void putInteger(ObjectNode node, String field, long value) {
    if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) {
      node.put(field, (int) value);
    } else {
      node.put(field, value);
    }
  }

  /**
   * Whether two trees say the same thing: numbers compare by value, so a long written by a typed
   * client equals the int a journal or parser reads back for it.
   */
  public static boolean sameContent(JsonNode a, JsonNode b) {
    return a.equals(NUMBERS_BY_VALUE, b);
  }

  private static final java.util.Comparator<JsonNode> NUMBERS_BY_VALUE = (x, y) -> {
    if (x.equals(y)) {
      return 0;
    }
    if (x.isNumber() && y.isNumber()) {
      return x.decimalValue().compareTo(y.decimalValue());
    }
    return 1;
  };

  /**
   * About how many bytes {@code node} takes as compact JSON, without writing it: field names,
   * strings (as characters, escapes not counted), numbers and punctuation. Cheap enough to size
   * every object of a list.
   */
  public static long approximateSize(JsonNode node) {
    if (node.isObject()) {
      long size = 2;
      for (var field : node.properties()) {
        size += field.getKey().length() + 4 + approximateSize(field.getValue());
      }
      return size;
    }
    if (node.isArray()) {
      long size = 2;
      for (JsonNode element : node) {
        size += 1 + approximateSize(element);
      }
      return size;
    }
    if (node.isTextual()) {
      return node.textValue().length() + 2;
    }
    if (node.isBinary()) {
      return node.asText().length() + 2;
    }
    return node.isNull() ? 4 : node.asText().length();
  }

  /** Kubernetes' timestamp form: RFC 3339 in UTC, whole seconds. */
  public static String timestamp(Instant time) {
    return RFC3339.format(time.truncatedTo(ChronoUnit.SECONDS));
  }
}
