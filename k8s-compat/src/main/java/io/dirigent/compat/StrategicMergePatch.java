package io.dirigent.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Kubernetes' strategic merge patch ({@code application/strategic-merge-patch+json}), which
 * kubectl sends for {@code apply}, {@code edit}, {@code set image}, {@code rollout restart} and
 * {@code cordon}. Maps merge recursively and {@code null} deletes a key, as in a JSON merge patch;
 * lists follow the patch strategy Kubernetes' types declare for them:
 *
 * <ul>
 *   <li>lists of objects with a merge key ({@code containers} by {@code name}, a container's
 *       {@code ports} by {@code containerPort}, a Service's {@code ports} by {@code port},
 *       {@code conditions} by {@code type}, ...) merge element by element, matched on that key;
 *       {@code {"$patch": "delete", KEY: ...}} removes one, {@code {"$patch": "replace"}} replaces
 *       the whole list;
 *   <li>lists of strings with the merge strategy ({@code finalizers}) take the union, and
 *       {@code $deleteFromPrimitiveList/FIELD} removes values;
 *   <li>every other list is replaced as a whole ({@code args}, {@code tolerations}).
 * </ul>
 * The directives {@code $setElementOrder/FIELD} (the order of a merged list), {@code $retainKeys}
 * (keys not listed are dropped) and {@code $patch: replace|delete} on maps are honoured.
 */
public final class StrategicMergePatch {

  /** How a list field merges. */
  private record ListStrategy(String mergeKey) {
    static final ListStrategy PRIMITIVE_MERGE = new ListStrategy(null);
  }

  /** Lists of a pod spec, relative to it, with their merge keys. */
  private static final Map<String, String> POD_SPEC_LISTS = podSpecLists();

  /** Pod specs by kind: where the pod spec sits in objects of that kind. */
  private static final Map<String, String> POD_SPEC_ROOTS = Map.of(
      "Pod", "spec", "Deployment", "spec.template.spec", "ReplicaSet", "spec.template.spec", "DaemonSet", "spec.template.spec",
      "StatefulSet", "spec.template.spec", "Job", "spec.template.spec", "PodTemplate", "template.spec",
      "CronJob", "spec.jobTemplate.spec.template.spec");

  /** Lists outside pod specs, by kind ("*": any kind), relative to the object. */
  private static final Map<String, Map<String, ListStrategy>> KIND_LISTS = Map.of(
      "*", Map.of("metadata.ownerReferences", new ListStrategy("uid"), "metadata.finalizers", ListStrategy.PRIMITIVE_MERGE,
          "status.conditions", new ListStrategy("type")),
      "Service", Map.of("spec.ports", new ListStrategy("port")),
      "Node", Map.of("status.addresses", new ListStrategy("type"), "spec.podCIDRs", ListStrategy.PRIMITIVE_MERGE));

  private static Map<String, String> podSpecLists() {
    Map<String, String> lists = new HashMap<>(Map.of(
        "volumes", "name", "imagePullSecrets", "name", "hostAliases", "ip", "topologySpreadConstraints", "topologyKey",
        "schedulingGates", "name", "resourceClaims", "name"));
    for (String containers : List.of("containers", "initContainers", "ephemeralContainers")) {
      lists.put(containers, "name");
      lists.put(containers + "[].ports", "containerPort");
      lists.put(containers + "[].env", "name");
      lists.put(containers + "[].volumeMounts", "mountPath");
      lists.put(containers + "[].volumeDevices", "devicePath");
    }
    return Map.copyOf(lists);
  }

  private static final String SET_ORDER = "$setElementOrder/";
  private static final String DELETE_FROM = "$deleteFromPrimitiveList/";
  private static final String RETAIN_KEYS = "$retainKeys";
  private static final String PATCH = "$patch";

  private final String kind;

  private StrategicMergePatch(String kind) {
    this.kind = kind;
  }

  /**
   * {@code target} with {@code patch} applied, as a new tree; {@code kind} is the target's kind
   * (it says which lists merge by which key). A malformed patch is an IllegalArgumentException.
   */
  public static ObjectNode apply(ObjectNode target, JsonNode patch, String kind) {
    if (!patch.isObject()) {
      throw new IllegalArgumentException("a strategic merge patch must be a JSON object");
    }
    ObjectNode merged = new StrategicMergePatch(kind).mergeMap(target, (ObjectNode) patch, "");
    return merged == null ? JsonNodeFactory.instance.objectNode() : merged;
  }

  /** The merge of a map; null when the patch deletes it ({@code $patch: delete}). */
  private ObjectNode mergeMap(ObjectNode original, ObjectNode patch, String path) {
    String directive = patch.path(PATCH).asText("merge");
    switch (directive) {
      case "delete" -> {
        return null;
      }
      case "replace" -> {
        return (ObjectNode) withoutDirectives(patch);
      }
      case "merge" -> { }
      default -> throw new IllegalArgumentException("unknown $patch directive \"%s\" at %s".formatted(directive, display(path)));
    }
    ObjectNode result = original == null ? JsonNodeFactory.instance.objectNode() : original.deepCopy();
    Map<String, JsonNode> orders = new HashMap<>();
    Map<String, JsonNode> deletions = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String field = entry.getKey();
      JsonNode value = entry.getValue();
      if (field.startsWith(SET_ORDER)) {
        orders.put(field.substring(SET_ORDER.length()), value);
      } else if (field.startsWith(DELETE_FROM)) {
        deletions.put(field.substring(DELETE_FROM.length()), value);
      } else if (field.equals(PATCH) || field.equals(RETAIN_KEYS)) {
        continue;
      } else if (value.isNull()) {
        result.remove(field);
      } else if (value.isObject()) {
        JsonNode before = result.get(field);
        ObjectNode merged = mergeMap(before != null && before.isObject() ? (ObjectNode) before : null, (ObjectNode) value, child(path, field));
        if (merged == null) {
          result.remove(field);
        } else {
          result.set(field, merged);
        }
      } else if (value.isArray()) {
        JsonNode before = result.get(field);
        result.set(field, mergeList(before != null && before.isArray() ? (ArrayNode) before : null, (ArrayNode) value, child(path, field)));
      } else {
        result.set(field, value.deepCopy());
      }
    }
    deletions.forEach((field, values) -> {
      if (result.get(field) instanceof ArrayNode list) {
        Set<JsonNode> gone = new HashSet<>();
        values.forEach(gone::add);
        for (int i = list.size() - 1; i >= 0; i--) {
          if (gone.contains(list.get(i))) {
            list.remove(i);
          }
        }
      }
    });
    orders.forEach((field, order) -> {
      if (result.get(field) instanceof ArrayNode list) {
        reorder(list, order, strategy(child(path, field)).map(ListStrategy::mergeKey).orElse(null));
      }
    });
    if (patch.get(RETAIN_KEYS) instanceof ArrayNode retained) {
      Set<String> keep = new HashSet<>();
      retained.forEach(key -> keep.add(key.asText()));
      result.retain(keep);
    }
    return result;
  }

  private ArrayNode mergeList(ArrayNode original, ArrayNode patch, String path) {
    Optional<ListStrategy> strategy = strategy(path);
    if (strategy.isEmpty()) {
      return (ArrayNode) withoutDirectives(patch);
    }
    String key = strategy.get().mergeKey();
    if (key == null) {
      ArrayNode union = original == null ? JsonNodeFactory.instance.arrayNode() : original.deepCopy();
      Set<JsonNode> present = new HashSet<>();
      union.forEach(present::add);
      for (JsonNode value : patch) {
        if (present.add(value)) {
          union.add(value.deepCopy());
        }
      }
      return union;
    }
    for (JsonNode element : patch) {
      if ("replace".equals(element.path(PATCH).asText())) {
        ArrayNode replaced = JsonNodeFactory.instance.arrayNode();
        for (JsonNode other : patch) {
          if (other != element) {
            replaced.add(withoutDirectives(other));
          }
        }
        return replaced;
      }
    }
    ArrayNode result = original == null ? JsonNodeFactory.instance.arrayNode() : original.deepCopy();
    for (JsonNode element : patch) {
      if (!element.isObject() || !element.has(key)) {
        throw new IllegalArgumentException("an element of %s has no merge key \"%s\"".formatted(display(path), key));
      }
      int at = indexOf(result, key, element.get(key));
      if ("delete".equals(element.path(PATCH).asText())) {
        while (at >= 0) {
          result.remove(at);
          at = indexOf(result, key, element.get(key));
        }
        continue;
      }
      String elementPath = path + "[]";
      if (at >= 0) {
        ObjectNode merged = mergeMap((ObjectNode) result.get(at), (ObjectNode) element, elementPath);
        if (merged == null) {
          result.remove(at);
        } else {
          result.set(at, merged);
        }
      } else {
        ObjectNode added = mergeMap(null, (ObjectNode) element, elementPath);
        if (added != null) {
          result.add(added);
        }
      }
    }
    return result;
  }

  /** The strategy of the list at {@code path} in an object of this kind; empty: replace it. */
  private Optional<ListStrategy> strategy(String path) {
    for (String scope : List.of("*", kind)) {
      Map<String, ListStrategy> lists = KIND_LISTS.getOrDefault(scope, Map.of());
      if (lists.get(path) != null) {
        return Optional.of(lists.get(path));
      }
    }
    String root = POD_SPEC_ROOTS.get(kind);
    if (root != null && path.startsWith(root + ".")) {
      String key = POD_SPEC_LISTS.get(path.substring(root.length() + 1));
      if (key != null) {
        return Optional.of(new ListStrategy(key));
      }
    }
    return Optional.empty();
  }

  /** Orders {@code list} as {@code order} lists it (by merge key, or by value); the rest keep their places after. */
  private static void reorder(ArrayNode list, JsonNode order, String key) {
    List<JsonNode> wanted = new ArrayList<>();
    order.forEach(entry -> wanted.add(key == null ? entry : entry.get(key)));
    List<JsonNode> elements = new ArrayList<>();
    list.forEach(elements::add);
    elements.sort((a, b) -> Integer.compare(rank(wanted, key == null ? a : a.get(key)), rank(wanted, key == null ? b : b.get(key))));
    list.removeAll();
    elements.forEach(list::add);
  }

  private static int rank(List<JsonNode> wanted, JsonNode value) {
    int at = value == null ? -1 : wanted.indexOf(value);
    return at < 0 ? Integer.MAX_VALUE : at;
  }

  private static int indexOf(ArrayNode list, String key, JsonNode value) {
    for (int i = 0; i < list.size(); i++) {
      if (value.equals(list.get(i).get(key))) {
        return i;
      }
    }
    return -1;
  }

  /** A copy with the {@code $} directives removed at every level. */
  private static JsonNode withoutDirectives(JsonNode node) {
    if (node.isObject()) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      node.fields().forEachRemaining(entry -> {
        if (!entry.getKey().startsWith("$")) {
          copy.set(entry.getKey(), withoutDirectives(entry.getValue()));
        }
      });
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode();
      node.forEach(element -> copy.add(withoutDirectives(element)));
      return copy;
    }
    return node.deepCopy();
  }

  private static String child(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  private static String display(String path) {
    return path.isEmpty() ? "the object" : path;
  }
}
