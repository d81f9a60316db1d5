package io.dirigent.controllers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.informer.Index;
import io.dirigent.core.informer.InformerStore;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A control loop's view of the cluster: the stores of the shared informers it follows, by kind
 * and {@code namespace/name}, with their indexes (by namespace, by controller, by owner, pods by
 * node — {@link Index}). Every loop of the controller manager that follows a kind reads the same
 * store; its informer is the only writer, and a loop hears of a change after the store holds it.
 *
 * <p>Typed objects are made once per version and shared by every loop: never change one —
 * {@link #copy} it first. A reconcile reads the cache in its synchronous part, where it decides;
 * what its asynchronous part needs is read there and passed on (the store is thread-safe, but a
 * decision taken on reads made at different moments is not one decision).
 */
public final class Cache {

  private static final Logger log = LoggerFactory.getLogger(Cache.class);
  private static final InformerStore NONE = new InformerStore(Index.STANDARD);

  private final Map<Class<? extends HasMetadata>, InformerStore> stores;
  /** Told of each object version that cannot be read, with why (once, by whichever loop reads it first). */
  private final BiConsumer<ObjectNode, String> unreadable;

  /** For tests: an empty cache, filled through {@link #put} and {@link #replace}. */
  Cache() {
    this((object, why) -> { });
  }

  /** For tests: an empty cache, filled through {@link #put} and {@link #replace}, telling {@code unreadable}. */
  Cache(BiConsumer<ObjectNode, String> unreadable) {
    this(new ConcurrentHashMap<>(), unreadable);
  }

  /** A view of the informers' {@code stores}. */
  Cache(Map<Class<? extends HasMetadata>, InformerStore> stores, BiConsumer<ObjectNode, String> unreadable) {
    this.stores = stores;
    this.unreadable = (object, why) -> {
      log.warn("controllers: {} {} cannot be read and is left out: {}", object.path("kind").asText(), key(object), why);
      unreadable.accept(object, why);
    };
  }

  /** For tests, in place of an informer: holds {@code object}. */
  void put(Class<? extends HasMetadata> kind, ObjectNode object) {
    writable(kind).put(object);
  }

  /** For tests, in place of an informer: holds exactly {@code all} of the kind. */
  void replace(Class<? extends HasMetadata> kind, Collection<ObjectNode> all) {
    writable(kind).replace(all);
  }

  private InformerStore writable(Class<? extends HasMetadata> kind) {
    return stores.computeIfAbsent(kind, k -> new InformerStore(Index.STANDARD));
  }

  private InformerStore store(Class<? extends HasMetadata> kind) {
    return stores.getOrDefault(kind, NONE);
  }

  /** The object as the informer delivered it, without a typed copy. */
  public Optional<ObjectNode> tree(Class<? extends HasMetadata> kind, String key) {
    return store(kind).get(key).map(InformerStore.Item::tree);
  }

  /** The object, typed; empty when there is none, or it cannot be read as its kind. */
  public <T extends HasMetadata> Optional<T> get(Class<T> kind, String key) {
    return store(kind).get(key).flatMap(item -> item.typed(kind, unreadable));
  }

  /** Every object of the kind in {@code namespace} (null: all). */
  public <T extends HasMetadata> List<T> list(Class<T> kind, String namespace) {
    return namespace == null ? typed(kind, store(kind).list()) : indexed(kind, Index.NAMESPACE, namespace);
  }

  /**
   * The objects of the kind found under {@code value} of {@code index}: those that {@code uid}
   * controls ({@link Index#CONTROLLER}), the pods on a node ({@link Index#NODE}), …
   */
  public <T extends HasMetadata> List<T> indexed(Class<T> kind, Index index, String value) {
    return typed(kind, store(kind).byIndex(index, value));
  }

  public Collection<String> keys(Class<? extends HasMetadata> kind) {
    return store(kind).keys();
  }

  /** The typed forms; objects that cannot be read are left out (and reported once), so no reconcile fails on them. */
  private <T> List<T> typed(Class<T> kind, Collection<InformerStore.Item> items) {
    List<T> found = new ArrayList<>(items.size());
    for (InformerStore.Item item : items) {
      item.typed(kind, unreadable).ifPresent(found::add);
    }
    return found;
  }

  /** A copy of a cached object that may be changed. */
  @SuppressWarnings("unchecked")
  public static <T extends HasMetadata> T copy(T object) {
    return (T) KubeJson.toTyped(KubeJson.toTree(object), object.getClass());
  }

  public static String key(ObjectNode object) {
    return InformerStore.key(object);
  }

  /** The objects' names, as logs list them. */
  static List<String> names(Collection<? extends HasMetadata> objects) {
    return objects.stream().map(object -> object.getMetadata().getName()).toList();
  }

  public static String key(HasMetadata object) {
    return InformerStore.key(object.getMetadata().getNamespace(), object.getMetadata().getName());
  }
}
