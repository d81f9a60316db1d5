package io.dirigent.core.store;

import java.util.Objects;

/**
 * Names one object: its group-qualified resource, namespace ("" for cluster-scoped kinds) and
 * name. The entity id of the object's entity, and so of its journal, is derived from it.
 */
public record ObjectKey(String resource, String namespace, String name) {

  private static final char SEPARATOR = ':';

  public ObjectKey {
    Objects.requireNonNull(resource, "resource");
    namespace = namespace == null ? "" : namespace;
    Objects.requireNonNull(name, "name");
  }

  /** The entity id: {@code resource:namespace:name}; neither a resource nor a namespace contains ':'. */
  public String entityId() {
    return resource + SEPARATOR + namespace + SEPARATOR + name;
  }

  /** The key within its resource's index: {@code namespace/name}, which also orders lists. */
  public String indexKey() {
    return namespace + "/" + name;
  }

  /** The index key of a stored object, from its metadata. */
  static String indexKeyOf(com.fasterxml.jackson.databind.node.ObjectNode object) {
    return io.dirigent.core.api.KubeJson.namespace(object) + "/" + io.dirigent.core.api.KubeJson.name(object);
  }

  public static ObjectKey fromEntityId(String entityId) {
    int first = entityId.indexOf(SEPARATOR);
    int second = entityId.indexOf(SEPARATOR, first + 1);
    if (first < 0 || second < 0) {
      throw new IllegalArgumentException("not an object entity id: " + entityId);
    }
    return new ObjectKey(entityId.substring(0, first), entityId.substring(first + 1, second), entityId.substring(second + 1));
  }

  /** The key of an object of {@code resource} from its index key {@code namespace/name}. */
  public static ObjectKey fromIndexKey(String resource, String indexKey) {
    int slash = indexKey.indexOf('/');
    return new ObjectKey(resource, indexKey.substring(0, slash), indexKey.substring(slash + 1));
  }

  @Override
  public String toString() {
    return namespace.isEmpty() ? resource + "/" + name : resource + "/" + namespace + "/" + name;
  }
}
