package io.dirigent.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kubernetes.client.proto.V1Batch;
import io.kubernetes.client.proto.V1Coordination;
import io.kubernetes.client.proto.V1Networking;
import io.kubernetes.client.proto.V1Node;
import io.kubernetes.client.proto.V1Policy;
import io.kubernetes.client.proto.V2Autoscaling;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Request bodies in Kubernetes' protobuf encoding ({@code application/vnd.kubernetes.protobuf}),
 * which kubectl 1.32 and later send for its typed create commands ({@code create deployment},
 * {@code create namespace}, ...), turned into the JSON objects the rest of Dirigent reads.
 *
 * <p>The wire form is the magic {@code k8s\0} and a {@code runtime.Unknown} holding the type and
 * the object's own message. The object is read with Kubernetes' generated descriptors
 * (io.kubernetes:client-java-proto) and converted field by field: proto field names are the JSON
 * names; IntOrString, Quantity, Time and raw JSON fields take their JSON forms. Go writes every
 * non-pointer scalar, zero or not, so zero scalars are left out as JSON's {@code omitempty} leaves
 * them out — except the pointer fields where zero is a value ({@code replicas: 0}).
 */
public final class ProtobufBodies {

  /** The media type kubectl sends protobuf bodies under. */
  public static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

  private static final byte[] MAGIC = {0x6b, 0x38, 0x73, 0x00};
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The generated descriptors of each group version Dirigent reads protobuf bodies for. */
  private static final Map<String, FileDescriptor> FILES = Map.of(
      "v1", V1.getDescriptor(),
      "apps/v1", V1Apps.getDescriptor(),
      "batch/v1", V1Batch.getDescriptor(),
      "autoscaling/v1", V1Autoscaling.getDescriptor(),
      "autoscaling/v2", V2Autoscaling.getDescriptor(),
      "coordination.k8s.io/v1", V1Coordination.getDescriptor(),
      "networking.k8s.io/v1", V1Networking.getDescriptor(),
      "node.k8s.io/v1", V1Node.getDescriptor(),
      "policy/v1", V1Policy.getDescriptor());

  /** Pointer fields in Kubernetes' Go types: a zero there was set on purpose and is kept. */
  private static final Set<String> ZERO_IS_A_VALUE = Set.of(
      "replicas", "parallelism", "completions", "backoffLimit", "backoffLimitPerIndex", "maxFailedIndexes",
      "activeDeadlineSeconds", "ttlSecondsAfterFinished", "terminationGracePeriodSeconds", "revisionHistoryLimit",
      "progressDeadlineSeconds", "minReplicas", "targetCPUUtilizationPercentage", "automountServiceAccountToken",
      "suspend", "immutable", "successfulJobsHistoryLimit", "failedJobsHistoryLimit", "startingDeadlineSeconds",
      "priority", "enableServiceLinks", "shareProcessNamespace", "hostUsers", "runAsUser", "runAsGroup", "runAsNonRoot",
      "privileged", "readOnlyRootFilesystem", "allowPrivilegeEscalation", "optional", "defaultMode", "mode",
      "stabilizationWindowSeconds");

  private static final String INT_OR_STRING = "k8s.io.apimachinery.pkg.util.intstr.IntOrString";
  private static final String QUANTITY = "k8s.io.apimachinery.pkg.api.resource.Quantity";
  private static final String TIME = "k8s.io.apimachinery.pkg.apis.meta.v1.Time";
  /** The times RFC 3339 can write, as Go's metav1.Time does: years 1 to 9999. */
  private static final long FIRST_SECOND = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
  private static final long LAST_SECOND = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
  private static final String MICRO_TIME = "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime";
  private static final String DURATION = "k8s.io.apimachinery.pkg.apis.meta.v1.Duration";
  private static final Set<String> RAW_JSON = Set.of(
      "k8s.io.apimachinery.pkg.runtime.RawExtension", "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1",
      "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSON");

  private ProtobufBodies() {}

  /** Whether {@code mediaType} (lower case, without parameters) is the protobuf one. */
  public static boolean isProtobuf(String mediaType) {
    return MEDIA_TYPE.equals(mediaType);
  }

  /**
   * The object a protobuf body carries, as JSON with its {@code apiVersion} and {@code kind}. A
   * body that is not one, or of a type not served here, is an IllegalArgumentException saying so.
   */
  public static ObjectNode decode(byte[] body) {
    if (body.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(body, MAGIC.length), MAGIC)) {
      throw new IllegalArgumentException("the body is not a Kubernetes protobuf message (it does not start with \"k8s\\0\")");
    }
    Runtime.Unknown unknown;
    try {
      unknown = Runtime.Unknown.parseFrom(Arrays.copyOfRange(body, MAGIC.length, body.length));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("the protobuf body could not be read: " + e.getMessage());
    }
    String apiVersion = unknown.getTypeMeta().getApiVersion();
    String kind = unknown.getTypeMeta().getKind();
    FileDescriptor file = FILES.get(apiVersion);
    Descriptor type = file == null ? null : file.findMessageTypeByName(kind);
    if (type == null) {
      throw new IllegalArgumentException("%s %s is not read from protobuf here; send it as application/json".formatted(apiVersion, kind));
    }
    DynamicMessage message;
    try {
      message = DynamicMessage.parseFrom(type, unknown.getRaw());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("the protobuf %s could not be read: %s".formatted(kind, e.getMessage()));
    }
    ObjectNode object = JsonNodeFactory.instance.objectNode().put("apiVersion", apiVersion).put("kind", kind);
    object.setAll(toJson(message));
    return object;
  }

  private static ObjectNode toJson(Message message) {
    ObjectNode object = JsonNodeFactory.instance.objectNode();
    for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
      if (field.isMapField()) {
        @SuppressWarnings("unchecked")
        List<Message> entries = (List<Message>) message.getField(field);
        if (!entries.isEmpty()) {
          ObjectNode map = object.putObject(field.getName());
          FieldDescriptor key = field.getMessageType().findFieldByName("key");
          FieldDescriptor value = field.getMessageType().findFieldByName("value");
          for (Message entry : entries) {
            map.set(String.valueOf(entry.getField(key)), value(value, entry.getField(value)));
          }
        }
      } else if (field.isRepeated()) {
        int count = message.getRepeatedFieldCount(field);
        if (count > 0) {
          ArrayNode list = object.putArray(field.getName());
          for (int i = 0; i < count; i++) {
            JsonNode element = value(field, message.getRepeatedField(field, i));
            list.add(element == null ? JsonNodeFactory.instance.nullNode() : element);
          }
        }
      } else if (message.hasField(field)) {
        JsonNode value = value(field, message.getField(field));
        if (value != null && !(isZero(value) && !ZERO_IS_A_VALUE.contains(field.getName()))) {
          object.set(field.getName(), value);
        }
      }
    }
    return object;
  }

  /** A field's value as JSON; null when it has none (a zero time). */
  private static JsonNode value(FieldDescriptor field, Object value) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    return switch (field.getJavaType()) {
      case MESSAGE -> message((Message) value);
      case STRING -> nodes.textNode((String) value);
      case INT -> nodes.numberNode((Integer) value);
      case LONG -> nodes.numberNode((Long) value);
      case BOOLEAN -> nodes.booleanNode((Boolean) value);
      case DOUBLE -> nodes.numberNode((Double) value);
      case FLOAT -> nodes.numberNode((Float) value);
      case BYTE_STRING -> nodes.textNode(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
      case ENUM -> nodes.textNode(value.toString());
    };
  }

  private static JsonNode message(Message message) {
    Descriptor type = message.getDescriptorForType();
    String name = type.getFullName();
    if (name.equals(INT_OR_STRING)) {
      long intOrString = (Long) number(message, "type");
      return intOrString == 1
          ? JsonNodeFactory.instance.textNode((String) message.getField(type.findFieldByName("strVal")))
          : JsonNodeFactory.instance.numberNode((Integer) message.getField(type.findFieldByName("intVal")));
    }
    if (name.equals(QUANTITY)) {
      return JsonNodeFactory.instance.textNode((String) message.getField(type.findFieldByName("string")));
    }
    if (name.equals(TIME) || name.equals(MICRO_TIME)) {
      long seconds = (Long) number(message, "seconds");
      long nanos = (Long) number(message, "nanos");
      if (seconds == 0 && nanos == 0) {
        return null;
      }
      if (seconds < FIRST_SECOND || seconds > LAST_SECOND) {
        throw new IllegalArgumentException("a time in the protobuf body is outside the years 1 to 9999 (%d seconds after 1970)".formatted(seconds));
      }
      Instant instant = Instant.ofEpochSecond(seconds, name.equals(TIME) ? 0 : Math.floorMod(nanos, 1_000_000_000L) / 1000 * 1000);
      return JsonNodeFactory.instance.textNode(DateTimeFormatter.ISO_INSTANT.format(instant));
    }
    if (name.equals(DURATION)) {
      return JsonNodeFactory.instance.textNode(goDuration((Long) number(message, "duration")));
    }
    if (RAW_JSON.contains(name)) {
      ByteString raw = (ByteString) message.getField(type.findFieldByName("raw"));
      try {
        return raw.isEmpty() ? null : JSON.readTree(raw.toByteArray());
      } catch (IOException e) {
        throw new IllegalArgumentException("a raw JSON field of the protobuf body is not JSON: " + e.getMessage());
      }
    }
    return toJson(message);
  }

  /** A numeric field as a long, whatever its width; 0 when absent. */
  private static Object number(Message message, String field) {
    FieldDescriptor descriptor = message.getDescriptorForType().findFieldByName(field);
    if (descriptor == null) {
      return 0L;
    }
    Object value = message.getField(descriptor);
    return value instanceof Number number ? number.longValue() : 0L;
  }

  private static boolean isZero(JsonNode value) {
    return (value.isTextual() && value.asText().isEmpty())
        || (value.isNumber() && value.asDouble() == 0)
        || (value.isBoolean() && !value.asBoolean());
  }

  /** Go's time.Duration string: 1h2m3s, 1.5s, 300ms. */
  static String goDuration(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    java.time.Duration duration = java.time.Duration.ofNanos(nanos).abs();
    String sign = nanos < 0 ? "-" : "";
    if (duration.compareTo(java.time.Duration.ofSeconds(1)) < 0) {
      long n = duration.toNanos();
      return sign + (n >= 1_000_000 ? trim(n / 1e6) + "ms" : n >= 1000 ? trim(n / 1e3) + "µs" : n + "ns");
    }
    long hours = duration.toHours();
    long minutes = duration.toMinutesPart();
    double seconds = duration.toSecondsPart() + duration.toNanosPart() / 1e9;
    StringBuilder text = new StringBuilder(sign);
    if (hours > 0) {
      text.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      text.append(minutes).append('m');
    }
    return text.append(trim(seconds)).append('s').toString();
  }

  private static String trim(double value) {
    String text = java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    return text;
  }
}
