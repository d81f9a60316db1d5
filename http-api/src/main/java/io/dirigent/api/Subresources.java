package io.dirigent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.CustomResource;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.store.PodBindings;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import io.dirigent.core.store.WriteOptions;
import io.dirigent.core.validation.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;

/**
 * The subresources that are views of an object rather than the object itself: {@code scale}
 * (an {@code autoscaling/v1} Scale over a workload's replicas) and {@code binding} (assigning a
 * pod to a node, once).
 */
final class Subresources {

  private final Store store;

  Subresources(Store store) {
    this.store = store;
  }

  // ---- scale ----

  /** The object's Scale. */
  CompletionStage<ObjectNode> getScale(ApiPath path) {
    return store.get(path.type(), path.namespace(), path.name()).thenApply(object -> scaleOf(path.type(), object));
  }

  /**
   * Sets the replicas a Scale asks for. A resourceVersion in the Scale is a precondition on the
   * object, as on an update.
   */
  CompletionStage<ObjectNode> putScale(ApiPath path, ObjectNode scale, WriteOptions options) {
    JsonNode replicas = scale.path("spec").path("replicas");
    if (!replicas.canConvertToInt() || replicas.asInt() < 0) {
      return CompletableFuture.failedFuture(StoreError.invalid("Scale", path.name(), List.of(
          FieldError.invalid("spec.replicas", replicas.toString(), "must be greater than or equal to 0"))).toException());
    }
    String precondition = KubeJson.meta(scale, "resourceVersion");
    return store.get(path.type(), path.namespace(), path.name()).thenCompose(current -> {
      ObjectNode changed = current.deepCopy();
      if (path.type().isCustom()) {
        set(changed, path.type().custom().version(path.type().version()).orElseThrow().scale().specReplicasPath(), replicas.asInt());
      } else {
        ((ObjectNode) changed.path("spec")).put("replicas", replicas.asInt());
      }
      if (!precondition.isEmpty()) {
        KubeJson.metadata(changed).put("resourceVersion", precondition);
      }
      return store.update(path.type(), path.namespace(), changed, options);
    }).thenApply(object -> scaleOf(path.type(), object));
  }

  /**
   * A patch to the Scale, applied to the current Scale and written as {@link #putScale}. As for a
   * patch of the object: unless the patch names a resourceVersion itself, a write that lost a race
   * with another (a controller writing the object's status) is made again on the newer object, not
   * answered with a conflict — {@code kubectl scale} during a rollout must not fail.
   */
  CompletionStage<ObjectNode> patchScale(ApiPath path, UnaryOperator<ObjectNode> patch, WriteOptions options) {
    return patchScale(path, patch, options, Patches.ATTEMPTS);
  }

  private CompletionStage<ObjectNode> patchScale(ApiPath path, UnaryOperator<ObjectNode> patch, WriteOptions options, int attemptsLeft) {
    return getScale(path).thenCompose(scale -> {
      ObjectNode patched = patch.apply(scale.deepCopy());
      boolean pinned = Patches.pinsVersion(scale, patched);
      return putScale(path, patched, options).handle((written, failure) -> {
        if (failure == null) {
          return CompletableFuture.completedFuture(written);
        }
        Throwable cause = StoreException.cause(failure);
        if (!pinned && attemptsLeft > 1 && cause instanceof StoreException e && e.reason() == StoreError.Reason.CONFLICT) {
          return patchScale(path, patch, options, attemptsLeft - 1);
        }
        return CompletableFuture.<ObjectNode>failedFuture(cause);
      }).thenCompose(stage -> stage);
    });
  }

  private static ObjectNode scaleOf(ResourceType type, ObjectNode object) {
    ObjectNode scale = KubeJson.MAPPER.createObjectNode().put("kind", "Scale").put("apiVersion", "autoscaling/v1");
    ObjectNode metadata = scale.putObject("metadata");
    for (String field : List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
      if (object.path("metadata").hasNonNull(field)) {
        metadata.set(field, object.path("metadata").path(field));
      }
    }
    if (type.isCustom()) {
      // Where the definition says; a replica count not there yet is 0, as Kubernetes reads it.
      CustomResource.Scale paths = type.custom().version(type.version()).orElseThrow().scale();
      scale.putObject("spec").put("replicas", at(object, paths.specReplicasPath()).asInt(0));
      ObjectNode status = scale.putObject("status").put("replicas", at(object, paths.statusReplicasPath()).asInt(0));
      if (paths.labelSelectorPath() != null && at(object, paths.labelSelectorPath()).isTextual()) {
        status.put("selector", at(object, paths.labelSelectorPath()).asText());
      }
      return scale;
    }
    scale.putObject("spec").put("replicas", object.path("spec").path("replicas").asInt(1));
    ObjectNode status = scale.putObject("status").put("replicas", object.path("status").path("replicas").asInt(0));
    // A ReplicationController's selector is a plain label map, the others' a LabelSelector.
    JsonNode specSelector = object.path("spec").path("selector");
    String selector = "ReplicationController".equals(object.path("kind").asText())
        ? mapSelectorString(specSelector) : selectorString(specSelector);
    if (!selector.isEmpty()) {
      status.put("selector", selector);
    }
    return scale;
  }

  /** The field a definition's dotted path ({@code .spec.replicas}) names; missing when any step is. */
  private static JsonNode at(JsonNode object, String path) {
    JsonNode node = object;
    for (String step : path.substring(1).split("\\.")) {
      node = node.path(step);
    }
    return node;
  }

  /** Sets the field a dotted path names, making the objects on the way. */
  private static void set(ObjectNode object, String path, int value) {
    String[] steps = path.substring(1).split("\\.");
    ObjectNode node = object;
    for (int i = 0; i < steps.length - 1; i++) {
      node = node.path(steps[i]).isObject() ? (ObjectNode) node.get(steps[i]) : node.putObject(steps[i]);
    }
    node.put(steps[steps.length - 1], value);
  }

  /** A label map in the string form label selector queries take: {@code a=b,c=d}, sorted as Kubernetes sorts it. */
  static String mapSelectorString(JsonNode selector) {
    List<String> terms = new ArrayList<>();
    selector.fields().forEachRemaining(label -> terms.add(label.getKey() + "=" + label.getValue().asText()));
    java.util.Collections.sort(terms);
    return String.join(",", terms);
  }

  /** A LabelSelector in the string form label selector queries take. */
  static String selectorString(JsonNode selector) {
    List<String> terms = new ArrayList<>();
    selector.path("matchLabels").fields().forEachRemaining(label -> terms.add(label.getKey() + "=" + label.getValue().asText()));
    for (JsonNode expression : selector.path("matchExpressions")) {
      String key = expression.path("key").asText();
      List<String> values = new ArrayList<>();
      expression.path("values").forEach(value -> values.add(value.asText()));
      switch (expression.path("operator").asText()) {
        case "In" -> terms.add(key + " in (" + String.join(",", values) + ")");
        case "NotIn" -> terms.add(key + " notin (" + String.join(",", values) + ")");
        case "Exists" -> terms.add(key);
        case "DoesNotExist" -> terms.add("!" + key);
        default -> { }
      }
    }
    return String.join(",", terms);
  }

  // ---- binding ----

  /**
   * Binds the pod to the node the Binding names ({@link PodBindings}: a pod that is already bound
   * is a conflict, so of two schedulers racing for a pod exactly one wins).
   */
  CompletionStage<ObjectNode> bind(ApiPath path, ObjectNode binding, WriteOptions options) {
    String node = binding.path("target").path("name").asText("");
    if (node.isEmpty()) {
      return CompletableFuture.failedFuture(StoreError.invalid("Binding", path.name(), List.of(
          FieldError.required("target.name", ""))).toException());
    }
    String bindingName = KubeJson.name(binding);
    if (path.name() == null) {
      // Posted to the namespace's bindings: the Binding names its pod.
      if (bindingName.isEmpty()) {
        return CompletableFuture.failedFuture(StoreError.invalid("Binding", "", List.of(
            FieldError.required("metadata.name", "name or generateName is required"))).toException());
      }
      return PodBindings.bind(store, path.namespace(), bindingName, KubeJson.meta(binding, "uid"), node, options)
          .thenApply(bound -> ApiStatus.success(201));
    }
    if (!bindingName.isEmpty() && !bindingName.equals(path.name())) {
      return CompletableFuture.failedFuture(StoreError.of(StoreError.Reason.BAD_REQUEST,
          "the name of the binding (%s) does not match the pod on the URL (%s)".formatted(bindingName, path.name())).toException());
    }
    return PodBindings.bind(store, path.namespace(), path.name(), KubeJson.meta(binding, "uid"), node, options)
        .thenApply(bound -> ApiStatus.success(201));
  }
}
