package io.dirigent.controllers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a control loop's informers have seen, by kind and {@code namespace/name}: the loop's local
 * view of the cluster, read by its reconciles. Typed objects are made once per version and
 * shared: never change one — {@link #copy} it first. Owned by the loop's actor: read it only
 * while a reconcile runs on that actor, never from a callback.
 */
public final class Cache {

  private static final Logger log = LoggerFactory.getLogger(Cache.class);
  /** The typed form of an object that cannot be read as its kind (stored before its fields were type-checked). */
  private static final Object UNREADABLE = new Object();

  private final Map<Class<?>, Map<String, Entry>> objects = new HashMap<>();
  /** Told of each object version that cannot be read, with why. */
  private final java.util.function.BiConsumer<ObjectNode, String> unreadable;

  Cache() {
    this((object, why) -> { });
  }

  Cache(java.util.function.BiConsumer<ObjectNode, String> unreadable) {
    this.unreadable = unreadable;
  }

  private record Entry(ObjectNode tree, Object[] typed) {}

  void put(Class<? extends HasMetadata> kind, ObjectNode object) {
    objects.computeIfAbsent(kind, k -> new HashMap<>()).put(key(object), new Entry(object, new Object[1]));
  }

  void remove(Class<? extends HasMetadata> kind, ObjectNode object) {
    objects.computeIfAbsent(kind, k -> new HashMap<>()).remove(key(object));
  }

  void replace(Class<? extends HasMetadata> kind, Collection<ObjectNode> all) {
    Map<String, Entry> fresh = new HashMap<>();
    all.forEach(object -> fresh.put(key(object), new Entry(object, new Object[1])));
    objects.put(kind, fresh);
  }

  /** The object as the informer delivered it, without a typed copy. */
  public Optional<ObjectNode> tree(Class<? extends HasMetadata> kind, String key) {
    Entry entry = objects.getOrDefault(kind, Map.of()).get(key);
    return entry == null ? Optional.empty() : Optional.of(entry.tree());
  }

  /** The object, typed; empty when there is none, or it cannot be read as its kind. */
  public <T extends HasMetadata> Optional<T> get(Class<T> kind, String key) {
    Entry entry = objects.getOrDefault(kind, Map.of()).get(key);
    return entry == null ? Optional.empty() : Optional.ofNullable(typed(kind, entry));
  }

  /** Every object of the kind in {@code namespace} (null: all). */
  public <T extends HasMetadata> List<T> list(Class<T> kind, String namespace) {
    List<T> found = new ArrayList<>();
    for (Entry entry : objects.getOrDefault(kind, Map.of()).values()) {
      if (namespace == null || namespace.equals(KubeJson.namespace(entry.tree()))) {
        T object = typed(kind, entry);
        if (object != null) {
          found.add(object);
        }
      }
    }
    return found;
  }

  public Collection<String> keys(Class<? extends HasMetadata> kind) {
    return List.copyOf(objects.getOrDefault(kind, Map.of()).keySet());
  }

  /** The typed form, made once per version; null when the object cannot be read (reported once), so no reconcile fails on it. */
  @SuppressWarnings("unchecked")
  private <T> T typed(Class<T> kind, Entry entry) {
    if (entry.typed()[0] == null) {
      try {
        entry.typed()[0] = KubeJson.toTyped(entry.tree(), kind);
      } catch (IllegalArgumentException e) {
        log.warn("controllers: {} {} cannot be read and is left out: {}", kind.getSimpleName(), key(entry.tree()), e.getMessage());
        entry.typed()[0] = UNREADABLE;
        unreadable.accept(entry.tree(), e.getMessage());
      }
    }
    return entry.typed()[0] == UNREADABLE ? null : (T) entry.typed()[0];
  }

  /** A copy of a cached object that may be changed. */
  @SuppressWarnings("unchecked")
  public static <T extends HasMetadata> T copy(T object) {
    return (T) KubeJson.toTyped(KubeJson.toTree(object), object.getClass());
  }

  public static String key(ObjectNode object) {
    String namespace = KubeJson.namespace(object);
    return namespace.isEmpty() ? KubeJson.name(object) : namespace + "/" + KubeJson.name(object);
  }

  public static String key(HasMetadata object) {
    String namespace = object.getMetadata().getNamespace();
    return namespace == null || namespace.isEmpty() ? object.getMetadata().getName() : namespace + "/" + object.getMetadata().getName();
  }
}
