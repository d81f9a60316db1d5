package io.dirigent.core.informer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A way to look objects up in an {@link InformerStore} other than by key — client-go's indexers:
 * {@code values} answers the index values an object is found under (none: it is not in the
 * index). It reads the object as the informer delivered it, must not change it, and must not
 * throw.
 */
public record Index(String name, Function<ObjectNode, List<String>> values) {

  public Index {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(values, "values");
  }

  /** By namespace ({@code ""} for cluster-scoped objects). */
  public static final Index NAMESPACE = new Index("namespace", object -> List.of(KubeJson.namespace(object)));

  /** By the uid of the object's controller: its owner reference with {@code controller: true}. */
  public static final Index CONTROLLER = new Index("controller", object -> {
    JsonNode controller = controllerRef(object);
    return controller == null || controller.path("uid").asText("").isEmpty() ? List.of() : List.of(controller.path("uid").asText());
  });

  /**
   * Objects that have no controller, by namespace: the orphans an owner may adopt (with those it
   * controls, {@link #CONTROLLER}, what Kubernetes' ControllerRefManager looks at).
   */
  public static final Index UNCONTROLLED = new Index("uncontrolled",
      object -> controllerRef(object) == null ? List.of(KubeJson.namespace(object)) : List.of());

  /** By the uid of every owner the object names, controller or not: its dependents, for the garbage collector. */
  public static final Index OWNER = new Index("owner", object -> {
    List<String> uids = new ArrayList<>(1);
    for (JsonNode reference : object.path("metadata").path("ownerReferences")) {
      String uid = reference.path("uid").asText("");
      if (!uid.isEmpty() && !uids.contains(uid)) {
        uids.add(uid);
      }
    }
    return uids;
  });

  /** Pods by the node they are bound to ({@code spec.nodeName}); unbound pods are not in it. */
  public static final Index NODE = new Index("node", object -> {
    String node = object.path("spec").path("nodeName").asText("");
    return node.isEmpty() ? List.of() : List.of(node);
  });

  /** What every informer of the controller manager indexes by. */
  public static final List<Index> STANDARD = List.of(NAMESPACE, CONTROLLER, UNCONTROLLED, OWNER, NODE);

  private static JsonNode controllerRef(JsonNode object) {
    for (JsonNode reference : object.path("metadata").path("ownerReferences")) {
      if (reference.path("controller").asBoolean(false)) {
        return reference;
      }
    }
    return null;
  }
}
