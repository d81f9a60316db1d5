package io.dirigent.core.store;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.CborSerializable;
import io.dirigent.core.api.FrozenJson;
import io.dirigent.core.api.KubeJson;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One event on a watch, in Kubernetes' shape: {@code {"type": ..., "object": ...}}.
 *
 * @param type what happened
 * @param object the object (after the change; for DELETED its final version), a bookmark
 *     carrying only {@code metadata.resourceVersion}, or for ERROR a Kubernetes Status
 */
public record WatchEvent(Type type, ObjectNode object, @JsonIgnore Encoded encoded) implements CborSerializable {

  public enum Type {
    ADDED,
    MODIFIED,
    DELETED,
    BOOKMARK,
    ERROR
  }

  public WatchEvent {
    Objects.requireNonNull(type, "type");
    object = FrozenJson.freeze(Objects.requireNonNull(object, "object"));
  }

  public WatchEvent(Type type, ObjectNode object) {
    this(type, object, null);
  }

  /**
   * The whole event as one line of JSON, {@code {"type":...,"object":...}} and a newline, as a
   * Kubernetes watch stream carries it. Every watcher of a change that sees it as the same type
   * shares one line, made by the first that asks: at thousands of watchers, writing the object
   * once per watcher was most of a change's cost.
   */
  public byte[] json() {
    return encoded != null && encoded.object == object ? encoded.line(type) : Encoded.line(type, Encoded.write(object));
  }

  /** An object's JSON encoding, made once per event type on first use and shared by the events that carry it. */
  public static final class Encoded {
    private final ObjectNode object;
    private final AtomicReferenceArray<byte[]> lines = new AtomicReferenceArray<>(Type.values().length);

    public Encoded(ObjectNode object) {
      this.object = Objects.requireNonNull(object, "object");
    }

    /** Whether this is the encoding of {@code candidate} itself (not of an equal object). */
    boolean encodes(ObjectNode candidate) {
      return object == candidate;
    }

    byte[] line(Type type) {
      byte[] line = lines.get(type.ordinal());
      if (line == null) {
        // Two watchers asking at once may both write it; either result is the same bytes.
        line = line(type, write(object));
        lines.set(type.ordinal(), line);
      }
      return line;
    }

    static byte[] line(Type type, byte[] object) {
      byte[] prefix = ("{\"type\":\"" + type.name() + "\",\"object\":").getBytes(StandardCharsets.US_ASCII);
      byte[] line = Arrays.copyOf(prefix, prefix.length + object.length + 2);
      System.arraycopy(object, 0, line, prefix.length, object.length);
      line[line.length - 2] = '}';
      line[line.length - 1] = '\n';
      return line;
    }

    static byte[] write(ObjectNode object) {
      try {
        return KubeJson.MAPPER.writeValueAsBytes(object);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a JSON tree that cannot be written", e);
      }
    }
  }

  /** The resourceVersion this event brings a watcher up to. */
  public long resourceVersion() {
    return type == Type.ERROR ? 0 : KubeJson.resourceVersion(object);
  }

  /** A bookmark: the watcher has seen everything up to {@code resourceVersion}. */
  static WatchEvent bookmark(String apiVersion, String kind, long resourceVersion) {
    ObjectNode object = JsonNodeFactory.instance.objectNode().put("apiVersion", apiVersion).put("kind", kind);
    object.putObject("metadata").put("resourceVersion", Long.toString(resourceVersion));
    return new WatchEvent(Type.BOOKMARK, object);
  }

  /** The watch ends with this error; {@code error} says why and what to do. */
  static WatchEvent error(StoreError error) {
    // In the order Kubernetes writes a Status's fields.
    ObjectNode status = JsonNodeFactory.instance.objectNode()
        .put("kind", "Status")
        .put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Failure")
        .put("message", error.message())
        .put("reason", error.reason().status())
        .put("code", error.reason().code());
    return new WatchEvent(Type.ERROR, status);
  }
}
