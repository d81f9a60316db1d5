package io.dirigent.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.validation.FieldError;
import io.dirigent.core.validation.RequiredStatus;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The store's write rules as pure functions: given an object's current version and a request,
 * decide what the next version is. {@link ObjectEntity} applies the decision; keeping the rules
 * here lets them be tested as plain tables.
 *
 * <p>The next version is returned without its resourceVersion: the entity stamps it once the
 * resource's sequencer has handed one out.
 */
final class ObjectWrites {

  /** Finalizer the garbage collector uses for foreground deletion. */
  static final String FOREGROUND_FINALIZER = "foregroundDeletion";
  /** Finalizer the garbage collector uses to orphan dependents. */
  static final String ORPHAN_FINALIZER = "orphan";
  /** Kubernetes' default terminationGracePeriodSeconds for pods. */
  static final long DEFAULT_POD_GRACE_SECONDS = 30;

  /** Metadata fields that only the store sets; what a client sends for them is ignored. */
  private static final Set<String> SYSTEM_METADATA =
      Set.of("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "resourceVersion", "selfLink");

  private ObjectWrites() {}

  /** What a request leads to. */
  sealed interface Decision {}

  /** Refused; nothing is written. */
  record Reject(StoreError error) implements Decision {}

  /** The request changes nothing: no new version, the caller gets the current one. */
  record Unchanged(ObjectNode object) implements Decision {}

  /** Write this as the next version; {@code deleted} when the object is gone after it. */
  record Write(Operation operation, ObjectNode object, boolean deleted) implements Decision {}

  static Decision create(ResourceType type, ObjectNode current, ObjectNode body, Instant now) {
    String name = KubeJson.name(body);
    if (current != null) {
      return new Reject(StoreError.alreadyExists(type.resource(), name));
    }
    ObjectNode next = body.deepCopy();
    next.put("apiVersion", type.apiVersion()).put("kind", type.kind());
    ObjectNode meta = KubeJson.metadata(next);
    SYSTEM_METADATA.forEach(meta::remove);
    meta.put("uid", UUID.randomUUID().toString());
    meta.put("creationTimestamp", KubeJson.timestamp(now));
    KubeJson.putInteger(meta, "generation", 1);
    if (type.resource().equals("jobs.batch")) {
      // As Kubernetes' job strategy: the generated selector names the uid, which exists only now.
      io.dirigent.core.batch.JobSelector.generate(next);
    }
    ObjectNode status = type.initialStatus();
    if (status != null) {
      next.set("status", status);
    } else if (type.isCustom() && type.hasStatus()) {
      // As Kubernetes: with the status subresource, a custom object's status is its controller's to write.
      next.remove("status");
    }
    RequiredStatus.fill(type, next);
    return new Write(Operation.CREATE, next, false);
  }

  /**
   * A full update (PUT) or, with {@code statusOnly}, a status update. A stale resourceVersion or
   * a different uid in the body is a conflict.
   */
  static Decision update(
      ResourceType type, ObjectNode current, ObjectNode body, boolean statusOnly, Instant now) {
    String name = KubeJson.name(body);
    if (current == null) {
      return new Reject(StoreError.notFound(type.resource(), name));
    }
    String expectedRv = KubeJson.meta(body, "resourceVersion");
    if (!expectedRv.isEmpty() && !expectedRv.equals(KubeJson.meta(current, "resourceVersion"))) {
      return new Reject(StoreError.modified(type.resource(), name));
    }
    String uid = KubeJson.uid(body);
    if (!uid.isEmpty() && !uid.equals(KubeJson.uid(current))) {
      return new Reject(uidMismatch(uid, KubeJson.uid(current)));
    }
    ObjectNode next;
    if (statusOnly) {
      next = current.deepCopy();
      setOrRemove(next, "status", body.get("status"));
    } else {
      next = body.deepCopy();
      next.put("apiVersion", type.apiVersion()).put("kind", type.kind());
      ObjectNode meta = KubeJson.metadata(next);
      SYSTEM_METADATA.forEach(meta::remove);
      JsonNode currentMeta = current.get("metadata");
      for (String field : SYSTEM_METADATA) {
        setOrRemove(meta, field, currentMeta.get(field));
      }
      if (type.hasStatus()) {
        setOrRemove(next, "status", current.get("status"));
      }
      if (isMarkedForDeletion(current)) {
        Set<String> added = finalizers(next);
        added.removeAll(finalizers(current));
        if (!added.isEmpty()) {
          return new Reject(StoreError.of(StoreError.Reason.FORBIDDEN,
              "%s \"%s\" is being deleted: no new finalizers can be added (%s)".formatted(type.resource(), name, String.join(", ", added))));
        }
      }
      if (type.resource().equals("jobs.batch")) {
        List<FieldError> immutable = io.dirigent.core.batch.JobUpdates.immutable(current, next);
        if (!immutable.isEmpty()) {
          return new Reject(StoreError.invalid(type.kind() + "." + type.group(), name, immutable));
        }
      }
      List<FieldError> fixed = io.dirigent.core.validation.ImmutableFields.changed(type, current, next);
      if (!fixed.isEmpty()) {
        return new Reject(StoreError.invalid(type.kind() + "." + type.group(), name, fixed));
      }
      if (current.has("roleRef") && !current.get("roleRef").equals(next.path("roleRef"))) {
        // A binding grants what its role grants: changing the role would be a new binding, so Kubernetes refuses it.
        return new Reject(StoreError.invalid(type.kind() + "." + type.group(), name,
            List.of(FieldError.invalid("roleRef", next.path("roleRef").toString(), "cannot change roleRef"))));
      }
    }
    RequiredStatus.fill(type, next);
    if (sameButVersion(next, current)) {
      return new Unchanged(current);
    }
    if (!statusOnly && specChanged(current, next)) {
      KubeJson.putInteger(KubeJson.metadata(next), "generation", current.path("metadata").path("generation").asLong(0) + 1);
    }
    if (isMarkedForDeletion(next) && finalizers(next).isEmpty()
        && next.path("metadata").path("deletionGracePeriodSeconds").asLong(0) == 0) {
      return new Write(Operation.DELETE, next, true);
    }
    return new Write(statusOnly ? Operation.UPDATE_STATUS : Operation.UPDATE, next, false);
  }

  /**
   * A delete: immediate when nothing holds the object, otherwise a mark (deletionTimestamp) that
   * finalizers or, for pods on a node, the grace period keep until they let go.
   */
  static Decision delete(ResourceType type, ObjectNode current, String name, DeleteOptions options, Instant now) {
    if (current == null) {
      return new Reject(StoreError.notFound(type.resource(), name));
    }
    if (options.uid() != null && !options.uid().equals(KubeJson.uid(current))) {
      return new Reject(uidMismatch(options.uid(), KubeJson.uid(current)));
    }
    if (options.resourceVersion() != null
        && !options.resourceVersion().equals(KubeJson.meta(current, "resourceVersion"))) {
      return new Reject(StoreError.of(StoreError.Reason.CONFLICT,
          "Precondition failed: ResourceVersion in precondition: %s, ResourceVersion in object meta: %s"
              .formatted(options.resourceVersion(), KubeJson.meta(current, "resourceVersion"))));
    }
    long grace = gracePeriod(type, current, options);
    if (isMarkedForDeletion(current)) {
      // Only a shorter grace period moves an object that is already going.
      long remaining = current.path("metadata").path("deletionGracePeriodSeconds").asLong(0);
      if (grace == 0 && remaining > 0) {
        if (finalizers(current).isEmpty()) {
          return new Write(Operation.DELETE, current.deepCopy(), true);
        }
        // Finalizers still hold it; the shortened grace period lets it go as soon as they do.
        ObjectNode next = current.deepCopy();
        KubeJson.metadata(next).put("deletionTimestamp", KubeJson.timestamp(now));
        KubeJson.putInteger(KubeJson.metadata(next), "deletionGracePeriodSeconds", 0);
        return new Write(Operation.DELETE_REQUESTED, next, false);
      }
      return new Unchanged(current);
    }
    ObjectNode next = current.deepCopy();
    Set<String> finalizers = finalizers(next);
    switch (options.propagation()) {
      case FOREGROUND -> finalizers.add(FOREGROUND_FINALIZER);
      case ORPHAN -> finalizers.add(ORPHAN_FINALIZER);
      case BACKGROUND -> { }
    }
    if (finalizers.isEmpty() && grace == 0) {
      return new Write(Operation.DELETE, next, true);
    }
    ObjectNode meta = KubeJson.metadata(next);
    if (!finalizers.isEmpty()) {
      ArrayNode list = meta.putArray("finalizers");
      finalizers.forEach(list::add);
    }
    meta.put("deletionTimestamp", KubeJson.timestamp(now.plusSeconds(grace)));
    KubeJson.putInteger(meta, "deletionGracePeriodSeconds", grace);
    KubeJson.putInteger(meta, "generation", meta.path("generation").asLong(0) + 1);
    return new Write(Operation.DELETE_REQUESTED, next, false);
  }

  static boolean isMarkedForDeletion(JsonNode object) {
    return object.path("metadata").hasNonNull("deletionTimestamp");
  }

  /** Pods bound to a node get a grace period so the node can stop them; everything else none. */
  private static long gracePeriod(ResourceType type, ObjectNode current, DeleteOptions options) {
    if (!type.gracefulDeletion() || current.path("spec").path("nodeName").asText("").isEmpty()) {
      return 0;
    }
    if (options.gracePeriodSeconds() != null) {
      return options.gracePeriodSeconds();
    }
    return current.path("spec").path("terminationGracePeriodSeconds").asLong(DEFAULT_POD_GRACE_SECONDS);
  }

  /** Whatever is not metadata or status counts as spec: a change to it bumps the generation. */
  private static boolean specChanged(ObjectNode before, ObjectNode after) {
    return !sameFields(before, after, Set.of("metadata", "status"));
  }

  /** The same object but for its resourceVersion (and managedFields, which are bookkeeping). */
  private static boolean sameButVersion(ObjectNode a, ObjectNode b) {
    if (!sameFields(a, b, Set.of("metadata"))) {
      return false;
    }
    JsonNode metaA = a.path("metadata");
    JsonNode metaB = b.path("metadata");
    if (metaA instanceof ObjectNode objectA && metaB instanceof ObjectNode objectB) {
      return sameFields(objectA, objectB, Set.of("resourceVersion", "managedFields"));
    }
    return KubeJson.sameContent(metaA, metaB);
  }

  /** Whether the two objects have the same fields, leaving out {@code ignored}; no copies. */
  private static boolean sameFields(ObjectNode a, ObjectNode b, Set<String> ignored) {
    int sizeA = 0;
    for (var it = a.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (ignored.contains(field)) {
        continue;
      }
      sizeA++;
      JsonNode other = b.get(field);
      if (other == null || !KubeJson.sameContent(a.get(field), other)) {
        return false;
      }
    }
    int sizeB = 0;
    for (var it = b.fieldNames(); it.hasNext(); ) {
      if (!ignored.contains(it.next())) {
        sizeB++;
      }
    }
    return sizeA == sizeB;
  }

  private static Set<String> finalizers(JsonNode object) {
    var names = new LinkedHashSet<String>();
    object.path("metadata").path("finalizers").forEach(f -> names.add(f.asText()));
    return names;
  }

  private static void setOrRemove(ObjectNode target, String field, JsonNode value) {
    if (value == null || value.isNull()) {
      target.remove(field);
    } else {
      target.set(field, value.deepCopy());
    }
  }

  private static StoreError uidMismatch(String expected, String actual) {
    return StoreError.of(StoreError.Reason.CONFLICT,
        "Precondition failed: UID in precondition: %s, UID in object meta: %s".formatted(expected, actual));
  }
}
