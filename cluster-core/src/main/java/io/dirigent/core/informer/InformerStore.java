package io.dirigent.core.informer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * The objects one {@link SharedInformer} holds — client-go's thread-safe store with its indexers:
 * by key ({@code namespace/name}, or the name alone for a cluster-scoped object) and by each
 * {@link Index}.
 *
 * <p>One writer, the informer's actor; any number of readers, on any thread. Nothing a reader gets
 * is ever changed: a new version of an object is a new {@link Item}. The trees are the store's
 * as delivered (never change one); an item's typed form is made once, by the first reader that
 * asks, and shared by all of them (copy it before changing it).
 *
 * <p>Each object a reader gets is whole, some version the informer held; two reads may see the
 * store move between them, as with client-go's listers. Readers are level-triggered: the event
 * of every change reaches them after the store holds it, and they look again.
 */
public final class InformerStore {

  private final List<Index> indexes;
  private final Map<String, Item> items = new ConcurrentHashMap<>();
  /** For each index, in {@link #indexes}' order: the keys of the items under each value. */
  private final List<Map<String, Set<String>>> byValue = new ArrayList<>();

  public InformerStore(List<Index> indexes) {
    this.indexes = List.copyOf(indexes);
    this.indexes.forEach(index -> byValue.add(new ConcurrentHashMap<>()));
  }

  /** One version of one object, with the index values it is found under. */
  public static final class Item {
    private static final Object UNREADABLE = new Object();

    private final String key;
    private final ObjectNode tree;
    private final List<List<String>> values;
    /** The typed form once made; {@link #UNREADABLE} when the tree cannot be read as its kind. */
    private final AtomicReference<Object> typed = new AtomicReference<>();

    private Item(String key, ObjectNode tree, List<List<String>> values) {
      this.key = key;
      this.tree = tree;
      this.values = values;
    }

    public String key() {
      return key;
    }

    /** The object as the informer delivered it: never change it. */
    public ObjectNode tree() {
      return tree;
    }

    /**
     * The object as {@code kind}, made once for this version and shared: never change it. Empty
     * when it cannot be read as its kind (stored before its fields were type-checked); the reader
     * that finds that out first tells {@code unreadable}, with why — once per version.
     */
    @SuppressWarnings("unchecked")
    public <T> Optional<T> typed(Class<T> kind, BiConsumer<ObjectNode, String> unreadable) {
      Object made = typed.get();
      if (made == null) {
        Object fresh;
        String why = null;
        try {
          fresh = KubeJson.toTyped(tree, kind);
        } catch (IllegalArgumentException e) {
          fresh = UNREADABLE;
          why = e.getMessage();
        }
        // Two readers at once may both make it; the first one kept is everyone's.
        if (typed.compareAndSet(null, fresh) && why != null) {
          unreadable.accept(tree, why);
        }
        made = typed.get();
      }
      return made == UNREADABLE ? Optional.empty() : Optional.of((T) made);
    }

    boolean indexedUnder(int index, String value) {
      return values.get(index).contains(value);
    }
  }

  // ---- the writer's side: the informer's actor only ----

  /** Holds {@code object} as the current version of its key; answers the item it replaces, if any. */
  public Optional<Item> put(ObjectNode object) {
    String key = key(object);
    Item previous = items.get(key);
    if (previous != null && previous.tree == object) {
      return Optional.of(previous);
    }
    List<List<String>> values = new ArrayList<>(indexes.size());
    for (Index index : indexes) {
      values.add(List.copyOf(index.values().apply(object)));
    }
    Item item = new Item(key, object, values);
    // The new index values first, then the item, then the old values out: a reader of an index
    // checks that each item it finds is under the value it asked for, so it never gets one that is not.
    for (int i = 0; i < indexes.size(); i++) {
      for (String value : values.get(i)) {
        byValue.get(i).computeIfAbsent(value, v -> ConcurrentHashMap.newKeySet()).add(key);
      }
    }
    items.put(key, item);
    if (previous != null) {
      unindex(previous, values);
    }
    return Optional.ofNullable(previous);
  }

  /** Forgets the object of {@code object}'s key; answers what was held. */
  public Optional<Item> remove(ObjectNode object) {
    Item removed = items.remove(key(object));
    if (removed != null) {
      unindex(removed, null);
    }
    return Optional.ofNullable(removed);
  }

  /** Holds exactly {@code objects}: what is not among them is forgotten. */
  public void replace(Collection<ObjectNode> objects) {
    Set<String> keep = new HashSet<>();
    for (ObjectNode object : objects) {
      keep.add(key(object));
      put(object);
    }
    for (Item item : List.copyOf(items.values())) {
      if (!keep.contains(item.key)) {
        remove(item.tree);
      }
    }
  }

  /** Takes {@code item}'s key out of the index values it no longer has ({@code now}: null when it is gone). */
  private void unindex(Item item, List<List<String>> now) {
    for (int i = 0; i < indexes.size(); i++) {
      for (String value : item.values.get(i)) {
        if (now != null && now.get(i).contains(value)) {
          continue;
        }
        Set<String> keys = byValue.get(i).get(value);
        if (keys != null) {
          keys.remove(item.key);
          if (keys.isEmpty()) {
            byValue.get(i).remove(value, keys);
          }
        }
      }
    }
  }

  // ---- the readers' side: any thread ----

  public Optional<Item> get(String key) {
    return Optional.ofNullable(items.get(key));
  }

  /** Every item; iterating it sees each object once, changes made meanwhile perhaps or perhaps not. */
  public Collection<Item> list() {
    return Collections.unmodifiableCollection(items.values());
  }

  /** The items found under {@code value} of {@code index}, which must be one of this store's. */
  public List<Item> byIndex(Index index, String value) {
    int position = indexes.indexOf(index);
    if (position < 0) {
      throw new IllegalArgumentException("this store has no index " + index.name() + "; it has " + indexes.stream().map(Index::name).toList());
    }
    Set<String> keys = byValue.get(position).get(value);
    if (keys == null) {
      return List.of();
    }
    List<Item> found = new ArrayList<>(keys.size());
    for (String key : keys) {
      Item item = items.get(key);
      if (item != null && item.indexedUnder(position, value)) {
        found.add(item);
      }
    }
    return found;
  }

  public List<String> keys() {
    return List.copyOf(items.keySet());
  }

  public int size() {
    return items.size();
  }

  /** Kubernetes' MetaNamespaceKeyFunc: {@code namespace/name}, or the name of a cluster-scoped object. */
  public static String key(ObjectNode object) {
    return key(KubeJson.namespace(object), KubeJson.name(object));
  }

  /** The key of {@code name} in {@code namespace}: {@code namespace/name}, or the name alone if the namespace is null or empty. */
  public static String key(String namespace, String name) {
    return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
  }

  /** Kubernetes' SplitMetaNamespaceKey, namespace half: what precedes the slash, or "" for a cluster-scoped object's key. */
  public static String namespaceOf(String key) {
    int slash = key.indexOf('/');
    return slash < 0 ? "" : key.substring(0, slash);
  }

  /** Kubernetes' SplitMetaNamespaceKey, name half: what follows the slash, or the whole key of a cluster-scoped object. */
  public static String nameOf(String key) {
    return key.substring(key.indexOf('/') + 1);
  }
}
