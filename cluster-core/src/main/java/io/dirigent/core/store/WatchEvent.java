package io.dirigent.core.store;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.CborSerializable;
import io.dirigent.core.api.KubeJson;
import java.util.Objects;

/**
 * One event on a watch, in Kubernetes' shape: {@code {"type": ..., "object": ...}}.
 *
 * @param type what happened
 * @param object the object (after the change; for DELETED its final version), a bookmark
 *     carrying only {@code metadata.resourceVersion}, or for ERROR a Kubernetes Status
 */
public record WatchEvent(Type type, ObjectNode object) implements CborSerializable {

  public enum Type {
    ADDED,
    MODIFIED,
    DELETED,
    BOOKMARK,
    ERROR
  }

  public WatchEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(object, "object");
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
    ObjectNode status = JsonNodeFactory.instance.objectNode()
        .put("kind", "Status")
        .put("apiVersion", "v1")
        .put("status", "Failure")
        .put("message", error.message())
        .put("reason", error.reason().status())
        .put("code", error.reason().code());
    status.putObject("metadata");
    return new WatchEvent(Type.ERROR, status);
  }
}
