package io.dirigent.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Read-only JSON trees: the form in which a stored object version crosses from one actor to
 * another. The store's entity freezes each version it persists, and that one tree is its state,
 * the writer's reply, the watch cache's entry and every informer's copy — shared, never copied
 * again, and safe to share because nobody can change it: every mutator of a frozen node (a
 * {@code put}, {@code set}, {@code remove}, an iterator's {@code remove}) throws {@link
 * UnsupportedOperationException}, so a violation fails where it happens instead of corrupting
 * what other actors see. Code that wants to change an object works on {@link JsonNode#deepCopy()},
 * which is an ordinary, mutable tree.
 *
 * <p>Only containers need freezing: Jackson's value nodes (text, numbers, booleans) are immutable.
 */
public final class FrozenJson {

  private FrozenJson() {}

  /** A frozen copy of {@code node}, or {@code node} itself if it is frozen already; null stays null. */
  public static ObjectNode freeze(ObjectNode node) {
    return node == null ? null : (ObjectNode) freezeNode(node);
  }

  /** Whether {@code node} (and so everything under it) cannot be changed. */
  public static boolean isFrozen(JsonNode node) {
    return node != null && (node instanceof FrozenObject || node instanceof FrozenArray || !node.isContainerNode());
  }

  /** A frozen copy of {@code node}, or the node itself if it is frozen or a value. */
  public static JsonNode freezeNode(JsonNode node) {
    if (node == null || node instanceof FrozenObject || node instanceof FrozenArray) {
      return node;
    }
    if (node.isObject()) {
      Map<String, JsonNode> children = new LinkedHashMap<>(Math.max(4, node.size() * 4 / 3 + 1));
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        children.put(field.getKey(), freezeNode(field.getValue()));
      }
      return new FrozenObject(children);
    }
    if (node.isArray()) {
      List<JsonNode> elements = new ArrayList<>(node.size());
      for (JsonNode element : node) {
        elements.add(freezeNode(element));
      }
      return new FrozenArray(elements);
    }
    // Text, numbers, booleans, null, binary: Jackson's value nodes are immutable. A POJO node
    // could hide a mutable value; trees read from JSON never have one.
    return node;
  }

  /** An object node whose fields cannot change; its {@link #deepCopy()} is an ordinary ObjectNode. */
  private static final class FrozenObject extends ObjectNode {
    private static final long serialVersionUID = 1L;

    FrozenObject(Map<String, JsonNode> children) {
      super(JsonNodeFactory.instance, Collections.unmodifiableMap(children));
    }
  }

  /** An array node whose elements cannot change; its {@link #deepCopy()} is an ordinary ArrayNode. */
  private static final class FrozenArray extends ArrayNode {
    private static final long serialVersionUID = 1L;

    FrozenArray(List<JsonNode> elements) {
      super(JsonNodeFactory.instance, Collections.unmodifiableList(elements));
    }
  }
}
