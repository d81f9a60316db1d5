package io.dirigent.core.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.dirigent.core.api.FrozenJson;
import io.dirigent.core.api.KubeJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The in-memory index of one resource (Kubernetes' watch cache): the current objects in key
 * order, and a bounded log of the latest changes in release order, each with the version it
 * replaced. Lists are served from the objects; a list continued at an older position is rebuilt
 * by rolling the log back; watches replay the log from any retained position.
 *
 * <p>The log keeps each version encoded (CBOR), not as a JSON tree: a retained change outlives
 * several young collections, and thousands of small tree nodes per change made copying them most
 * of every collection's pause. Changes are decoded again only to replay them or to roll a list
 * back, both rare next to writes.
 *
 * <p>Not thread-safe: owned by one {@link ResourceIndex} actor.
 */
final class WatchCache {

  /** One released change. {@code previous} is null for additions. */
  record Change(long position, WatchEvent.Type type, String key, long resourceVersion, ObjectNode object, ObjectNode previous) {}

  /** A change as the log retains it: both versions encoded, {@code previous} shared with the change before. */
  private record Logged(long position, WatchEvent.Type type, String key, long resourceVersion, byte[] object, byte[] previous) {

    Change decode() {
      return new Change(position, type, key, resourceVersion, WatchCache.decode(object), previous == null ? null : WatchCache.decode(previous));
    }
  }

  private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

  /** One page of a list. {@code continueToken} is null on the last page. */
  /**
   * One page of a list; {@code remaining} counts the objects after it, or is {@link #UNCOUNTED}
   * when a selector was given and there are more.
   */
  record Page(List<ObjectNode> items, long resourceVersion, String continueToken, long remaining) {}

  /** {@link Page#remaining()} when there are more matching objects, not counted. */
  static final long UNCOUNTED = -1;

  /** Where a watch starts: the changes to replay, or why it cannot start. */
  record Start(List<Change> replay, StoreError gone) {}

  private final String resource;
  private final int capacity;
  /** Identifies this incarnation in continue tokens: positions mean nothing to another one. */
  private final String epoch;
  private final TreeMap<String, ObjectNode> objects = new TreeMap<>();
  /**
   * Deleted keys with the resourceVersion of their deletion, so that a late repeat of an older
   * version cannot bring them back; as many as the log retains changes.
   */
  private final Map<String, Long> tombstones;
  private final ArrayDeque<Logged> log = new ArrayDeque<>();
  /** The newest logged change of each key that has one, whose encoding is the next change's previous. */
  private final Map<String, Logged> newestLogged = new HashMap<>();
  private final Map<Long, Long> positionByVersion = new HashMap<>();
  /** The position and version just before the oldest retained change. */
  private long basePosition;
  private long baseVersion;

  WatchCache(String resource, int capacity, String epoch) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.resource = resource;
    this.capacity = capacity;
    this.tombstones = new java.util.LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
        return size() > capacity;
      }
    };
    this.epoch = epoch;
  }

  /** Starts over from a rebuilt set of objects, all as of {@code version}. */
  void reset(Map<String, ObjectNode> initial, long version) {
    objects.clear();
    initial.forEach((key, object) -> objects.put(key, FrozenJson.freeze(object)));
    tombstones.clear();
    log.clear();
    newestLogged.clear();
    positionByVersion.clear();
    basePosition = 0;
    baseVersion = version;
  }

  /** The resourceVersion a list taken now is consistent with. */
  long resourceVersion() {
    return log.isEmpty() ? baseVersion : log.peekLast().resourceVersion();
  }

  int size() {
    return objects.size();
  }

  /** Whether an object with {@code key} exists now. */
  boolean contains(String key) {
    return objects.containsKey(key);
  }

  /**
   * Applies a committed version and returns the change to publish, or null when the cache
   * already holds this or a newer version of the object (a repeated notification).
   */
  Change apply(String key, long version, ObjectNode committed, boolean deleted) {
    // Frozen already when it comes from an entity of this member; one from another member arrives as a fresh tree.
    ObjectNode object = FrozenJson.freeze(committed);
    ObjectNode previous = objects.get(key);
    long known = previous != null ? KubeJson.resourceVersion(previous) : tombstones.getOrDefault(key, 0L);
    if (known >= version) {
      return null;
    }
    WatchEvent.Type type;
    if (deleted) {
      if (previous == null) {
        tombstones.put(key, version);
        return null;
      }
      objects.remove(key);
      tombstones.put(key, version);
      type = WatchEvent.Type.DELETED;
    } else {
      objects.put(key, object);
      tombstones.remove(key);
      type = previous == null ? WatchEvent.Type.ADDED : WatchEvent.Type.MODIFIED;
    }
    long position = basePosition + log.size() + 1;
    Logged before = newestLogged.get(key);
    byte[] previousEncoded = previous == null ? null : before != null ? before.object() : encode(previous);
    Logged logged = new Logged(position, type, key, version, encode(object), previousEncoded);
    log.addLast(logged);
    if (deleted) {
      newestLogged.remove(key);
    } else {
      newestLogged.put(key, logged);
    }
    positionByVersion.put(version, position);
    while (log.size() > capacity) {
      Logged dropped = log.removeFirst();
      newestLogged.remove(dropped.key(), dropped);
      positionByVersion.remove(dropped.resourceVersion());
      tombstones.remove(dropped.key(), dropped.resourceVersion());
      basePosition = dropped.position();
      baseVersion = dropped.resourceVersion();
    }
    return new Change(position, type, key, version, object, previous);
  }

  /** Current objects matching {@code filter}, in key order. */
  List<ObjectNode> snapshot(String namespace, Predicate<ObjectNode> filter) {
    List<ObjectNode> items = new ArrayList<>();
    for (ObjectNode object : range(objects, namespace, null).values()) {
      if (filter.test(object)) {
        items.add(object);
      }
    }
    return items;
  }

  /**
   * One page of at most {@code limit} matching objects (0: no limit; {@code filter} null: every
   * object). With a continue token, the page continues the list it came from, at the same
   * resourceVersion.
   */
  Page list(String namespace, Predicate<ObjectNode> filter, int limit, String continueToken) {
    return list(namespace, filter, limit, continueToken, 0);
  }

  /**
   * As {@link #list(String, Predicate, int, String)}, and the page also ends (with a continue
   * token) before the objects in it would make more than about {@code maxBytes} of JSON, unless
   * it would be empty ({@code maxBytes} 0: no such bound).
   */
  Page list(String namespace, Predicate<ObjectNode> filter, int limit, String continueToken, long maxBytes) {
    long position = basePosition + log.size();
    long version = resourceVersion();
    String after = null;
    NavigableMap<String, ObjectNode> view = objects;
    if (continueToken != null && !continueToken.isEmpty()) {
      Token token = Token.decode(continueToken, epoch);
      String listed = namespace == null ? "" : namespace;
      // A token is bound to its list: another namespace's would start the page outside this one.
      if (!token.namespace().equals(listed) || (!listed.isEmpty() && !token.lastKey().startsWith(listed + "/"))) {
        throw StoreError.of(StoreError.Reason.BAD_REQUEST,
            "continue key is not valid: it continues a list of another namespace").toException();
      }
      if (token.position() < basePosition || token.position() > position) {
        throw StoreError.of(StoreError.Reason.GONE,
            "The provided continue parameter is too old to display a consistent list result."
                + " Start a new list without the continue parameter.").toException();
      }
      position = token.position();
      version = token.resourceVersion();
      after = token.lastKey();
      view = asOf(position);
    }
    List<ObjectNode> items = new ArrayList<>();
    String lastKey = null;
    long remaining = 0;
    long bytes = 0;
    boolean full = false;
    for (Map.Entry<String, ObjectNode> entry : range(view, namespace, after).entrySet()) {
      if (filter != null && !filter.test(entry.getValue())) {
        continue;
      }
      if (!full && maxBytes > 0) {
        bytes += KubeJson.approximateSize(entry.getValue());
        full = !items.isEmpty() && bytes > maxBytes;
      }
      full |= limit > 0 && items.size() == limit;
      if (full) {
        if (filter != null) {
          // With a selector the rest is not counted (as in Kubernetes): one more match is enough.
          remaining = UNCOUNTED;
          break;
        }
        remaining++;
        continue;
      }
      items.add(entry.getValue());
      lastKey = entry.getKey();
    }
    String next = remaining != 0 ? new Token(epoch, position, version, namespace == null ? "" : namespace, lastKey).encode() : null;
    return new Page(items, version, next, remaining);
  }

  /**
   * The changes a watch from {@code version} must replay. A version older than the retained log
   * is gone: the watcher has to list again.
   */
  Start watchFrom(long version) {
    Long position = positionByVersion.get(version);
    if (position == null && version == baseVersion) {
      position = basePosition;
    }
    if (position == null) {
      if (version < baseVersion) {
        return new Start(List.of(), StoreError.of(StoreError.Reason.GONE,
            "too old resource version: %d (%d)".formatted(version, baseVersion)));
      }
      // A version between retained ones that was never released (abandoned), or one from the
      // future: start after everything at or below it.
      List<Change> replay = new ArrayList<>();
      for (Logged change : log) {
        if (change.resourceVersion() > version) {
          replay.add(change.decode());
        }
      }
      return new Start(replay, null);
    }
    List<Change> replay = new ArrayList<>();
    for (Iterator<Logged> it = log.descendingIterator(); it.hasNext(); ) {
      Logged change = it.next();
      if (change.position() <= position) {
        break;
      }
      replay.add(change.decode());
    }
    java.util.Collections.reverse(replay);
    return new Start(replay, null);
  }

  /** The objects as they were at {@code position}: the current ones with later changes undone. */
  private NavigableMap<String, ObjectNode> asOf(long position) {
    TreeMap<String, ObjectNode> view = new TreeMap<>(objects);
    for (Iterator<Logged> it = log.descendingIterator(); it.hasNext(); ) {
      Logged change = it.next();
      if (change.position() <= position) {
        break;
      }
      if (change.previous() == null) {
        view.remove(change.key());
      } else {
        view.put(change.key(), decode(change.previous()));
      }
    }
    return view;
  }

  private static byte[] encode(ObjectNode object) {
    try {
      return CBOR.writeValueAsBytes(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode decode(byte[] encoded) {
    try {
      return FrozenJson.freeze((ObjectNode) CBOR.readTree(encoded));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static NavigableMap<String, ObjectNode> range(NavigableMap<String, ObjectNode> map, String namespace, String after) {
    NavigableMap<String, ObjectNode> view = map;
    if (namespace != null && !namespace.isEmpty()) {
      view = view.subMap(namespace + "/", true, namespace + "0", false); // '0' sorts right after '/'
    }
    if (after != null) {
      view = view.tailMap(after, false);
    }
    return view;
  }

  /** A continue token: where the list was taken, of which namespace ("" for all), and the last key returned. */
  private record Token(String epoch, long position, long resourceVersion, String namespace, String lastKey) {

    String encode() {
      String raw = epoch + "\n" + position + "\n" + resourceVersion + "\n" + namespace + "\n" + lastKey;
      return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static Token decode(String token, String currentEpoch) {
      String[] parts;
      try {
        parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\n", 5);
      } catch (IllegalArgumentException e) {
        parts = new String[0];
      }
      if (parts.length != 5) {
        throw StoreError.of(StoreError.Reason.BAD_REQUEST, "continue key is not valid: " + token).toException();
      }
      if (!parts[0].equals(currentEpoch)) {
        throw StoreError.of(StoreError.Reason.GONE,
            "The provided continue parameter is too old to display a consistent list result:"
                + " the index restarted since. Start a new list without the continue parameter.").toException();
      }
      try {
        return new Token(parts[0], Long.parseLong(parts[1]), Long.parseLong(parts[2]), parts[3], parts[4]);
      } catch (NumberFormatException e) {
        throw StoreError.of(StoreError.Reason.BAD_REQUEST, "continue key is not valid: " + token).toException();
      }
    }
  }

  @Override
  public String toString() {
    return "WatchCache[" + resource + ", objects=" + objects.size() + ", log=" + log.size() + "]";
  }
}
