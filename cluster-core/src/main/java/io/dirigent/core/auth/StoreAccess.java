package io.dirigent.core.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.LocalVolumes;
import java.util.Set;

/**
 * What a verified {@link Caller} may do through the store's entities and indexes, which the
 * components reach through the cluster rather than through the API server: the store's own
 * members (group {@code system:masters}: the API server, which has authorized its user, and the
 * control plane's components) anything; a node agent only what its Node and the pods bound to it
 * need, as Kubernetes' Node authorizer and NodeRestriction admission allow a kubelet.
 *
 * <p>A node may: read and list pods, nodes, namespaces, services, endpoints and
 * PersistentVolumes; remove the finalizers of the local volumes pinned to it; register and
 * update its own Node; keep its own Lease in {@code kube-node-lease}; write the status of, and
 * delete, the pods bound to it; record events; and read a Secret, ConfigMap,
 * PersistentVolumeClaim or ServiceAccount only while a pod bound to it refers to it (which only
 * the pods' index can tell: {@link IfReferenced}). Nothing else.
 */
public final class StoreAccess {

  /** What a caller asks of the store. */
  public enum Verb {
    GET("get"), CREATE("create"), UPDATE("update"), UPDATE_STATUS("update"), DELETE("delete"), LIST("list");

    private final String word;

    Verb(String word) {
      this.word = word;
    }
  }

  /** The answer. */
  public sealed interface Decision {}

  public record Allowed() implements Decision {}

  /** Refused, with the message a 403 carries. */
  public record Denied(String message) implements Decision {}

  /** Allowed only if a pod bound to {@code nodeName} in the object's namespace refers to it. */
  public record IfReferenced(String nodeName) implements Decision {}

  public static final String NODE_LEASE_NAMESPACE = "kube-node-lease";
  private static final Allowed ALLOWED = new Allowed();
  /** Resources a node reads and lists whole: what the scheduler put on it and how to reach services. */
  private static final Set<String> NODE_READABLE = Set.of("pods", "nodes", "namespaces", "services", "endpoints", "endpointslices.discovery.k8s.io");
  /** Resources as the store keys them: plural, and group unless core. */
  private static final String LEASES = "leases.coordination.k8s.io";
  /** Resources a node reads one by one, for its pods only. */
  private static final Set<String> NODE_REFERENCED = Set.of("secrets", "configmaps", "persistentvolumeclaims", "serviceaccounts");

  private StoreAccess() {}

  /**
   * May {@code caller} (verified already) do {@code verb} on the object {@code name} of
   * {@code resource} (the store's key: {@code pods}, {@code leases.coordination.k8s.io}) in {@code namespace}, which is {@code current} now (null: none, or a list)?
   */
  public static Decision decide(Caller caller, Verb verb, String resource, String namespace, String name, ObjectNode current) {
    return decide(caller, verb, resource, namespace, name, current, null);
  }

  /** As {@link #decide(Caller, Verb, String, String, String, ObjectNode)}, for a write of {@code proposed}. */
  public static Decision decide(Caller caller, Verb verb, String resource, String namespace, String name, ObjectNode current, ObjectNode proposed) {
    if (caller.isMaster()) {
      return ALLOWED;
    }
    if (caller.user().equals(Caller.SCHEDULER) && caller.groups().isEmpty()) {
      return scheduler(caller, verb, resource, namespace, name, current, proposed);
    }
    if (caller.user().equals(Caller.CONTROLLER_MANAGER) && caller.groups().isEmpty()) {
      return controllerManager(caller, verb, resource, namespace);
    }
    String node = caller.nodeName();
    if (node == null) {
      return denied(caller, verb, resource, namespace, "only the control plane's components and node agents use the store directly");
    }
    boolean own = node.equals(name);
    return switch (resource) {
      case "pods" -> switch (verb) {
        case GET, LIST -> ALLOWED;
        // With no pod there is nothing to change: the write goes on to answer NotFound, as it would to anyone.
        case UPDATE_STATUS, DELETE -> current == null || node.equals(current.path("spec").path("nodeName").asText())
            ? ALLOWED : denied(caller, verb, resource, namespace, "node '%s' can only change pods bound to it".formatted(node));
        default -> denied(caller, verb, resource, namespace, "a node may not create pods or change their spec");
      };
      case "nodes" -> switch (verb) {
        case GET, LIST -> ALLOWED;
        case CREATE, UPDATE_STATUS -> own ? ALLOWED : denied(caller, verb, resource, namespace, "node '%s' can only change its own Node".formatted(node));
        // Its labels, taints and unschedulable are the administrator's: a node that set them could draw pods, and their Secrets, to itself.
        default -> denied(caller, verb, resource, namespace, "a node may only register its Node and write its status");
      };
      case LEASES -> switch (verb) {
        case GET, CREATE, UPDATE -> own && NODE_LEASE_NAMESPACE.equals(namespace)
            ? ALLOWED : denied(caller, verb, resource, namespace, "node '%s' can only keep its own Lease in %s".formatted(node, NODE_LEASE_NAMESPACE));
        default -> denied(caller, verb, resource, namespace, "a node keeps only its own Lease");
      };
      case "events", "events.events.k8s.io" -> verb == Verb.CREATE || verb == Verb.UPDATE || verb == Verb.GET
          ? ALLOWED : denied(caller, verb, resource, namespace, "a node only records events");
      case "persistentvolumes" -> switch (verb) {
        case GET, LIST -> ALLOWED;
        // Letting go of a local volume it has cleaned up: its finalizer, and nothing else.
        case UPDATE -> LocalVolumes.pinnedTo(current, node) && LocalVolumes.onlyFinalizersRemoved(current, proposed)
            ? ALLOWED : denied(caller, verb, resource, namespace, "node '%s' may only remove finalizers of the local volumes on it".formatted(node));
        default -> denied(caller, verb, resource, namespace, "a node only reads volumes and lets go of its local ones");
      };
      default -> {
        if (NODE_READABLE.contains(resource) && (verb == Verb.GET || verb == Verb.LIST)) {
          yield ALLOWED;
        }
        if (NODE_REFERENCED.contains(resource) && verb == Verb.GET) {
          yield new IfReferenced(node);
        }
        yield denied(caller, verb, resource, namespace, NODE_REFERENCED.contains(resource)
            ? "node '%s' can only get %s that pods bound to it refer to".formatted(node, resource)
            : "a node has no access to %s".formatted(resource));
      }
    };
  }

  /**
   * The scheduler: reads pods, Nodes, namespaces, claims, volumes and classes, deletes the pods it preempts, records on a claim
   * the node selected for its first pod, binds an unbound pod to a node (an update that sets
   * {@code spec.nodeName} and changes nothing else of the spec: Kubernetes' pods/binding), writes
   * a pod's status (its PodScheduled condition), records events and keeps its leader Lease.
   */
  private static Decision scheduler(Caller caller, Verb verb, String resource, String namespace, String name, ObjectNode current, ObjectNode proposed) {
    return switch (resource) {
      // Its leader Lease, as Kubernetes' system:kube-scheduler role allows.
      case LEASES -> "kube-system".equals(namespace) && "kube-scheduler".equals(name)
          && (verb == Verb.GET || verb == Verb.CREATE || verb == Verb.UPDATE)
          ? ALLOWED : denied(caller, verb, resource, namespace, "the scheduler keeps only its own Lease, kube-system/kube-scheduler");
      case "pods" -> switch (verb) {
        // Deletes: the victims of a preemption, as Kubernetes' system:kube-scheduler role allows.
        case GET, LIST, UPDATE_STATUS, DELETE -> ALLOWED;
        case UPDATE -> binds(current, proposed) ? ALLOWED
            : denied(caller, verb, resource, namespace, "the scheduler only binds an unbound pod to a node");
        default -> denied(caller, verb, resource, namespace, "the scheduler only binds pods");
      };
      case "nodes", "namespaces", "persistentvolumes", "storageclasses.storage.k8s.io" -> verb == Verb.GET || verb == Verb.LIST ? ALLOWED
          : denied(caller, verb, resource, namespace, "the scheduler only reads " + resource);
      // Kubernetes' volume binding: the node chosen for a claim's first pod, in its annotation, and nothing else.
      case "persistentvolumeclaims" -> verb == Verb.GET || verb == Verb.LIST
          || (verb == Verb.UPDATE && onlyAnnotationChanged(current, proposed, io.dirigent.core.api.Storage.SELECTED_NODE)) ? ALLOWED
          : denied(caller, verb, resource, namespace, "the scheduler only reads claims and records the node selected for them");
      case "events", "events.events.k8s.io" -> verb == Verb.CREATE || verb == Verb.UPDATE || verb == Verb.GET
          ? ALLOWED : denied(caller, verb, resource, namespace, "the scheduler only records events");
      default -> denied(caller, verb, resource, namespace, "the scheduler has no access to " + resource);
    };
  }

  /** Whether {@code proposed} is {@code current} with only the annotation {@code key} set or changed. */
  private static boolean onlyAnnotationChanged(ObjectNode current, ObjectNode proposed, String key) {
    if (current == null || proposed == null) {
      return false;
    }
    for (String field : new String[] {"spec", "status"}) {
      if (!io.dirigent.core.api.KubeJson.sameContent(current.path(field), proposed.path(field))) {
        return false;
      }
    }
    ObjectNode before = current.path("metadata").path("annotations").isObject() ? current.path("metadata").path("annotations").deepCopy()
        : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    ObjectNode after = proposed.path("metadata").path("annotations").isObject() ? proposed.path("metadata").path("annotations").deepCopy()
        : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    before.remove(key);
    after.remove(key);
    JsonNode beforeLabels = current.path("metadata").path("labels");
    return io.dirigent.core.api.KubeJson.sameContent(before, after)
        && io.dirigent.core.api.KubeJson.sameContent(beforeLabels, proposed.path("metadata").path("labels"));
  }

  /** Whether {@code proposed} is {@code current}, unbound, with a node set and no other change to its spec. */
  private static boolean binds(ObjectNode current, ObjectNode proposed) {
    if (current == null || proposed == null || !current.path("spec").path("nodeName").asText("").isEmpty()
        || proposed.path("spec").path("nodeName").asText("").isEmpty()) {
      return false;
    }
    ObjectNode before = current.path("spec").deepCopy();
    ObjectNode after = proposed.path("spec").deepCopy();
    before.remove("nodeName");
    after.remove("nodeName");
    return io.dirigent.core.api.KubeJson.sameContent(before, after);
  }

  /**
   * The controller manager: its garbage collector and namespace controller delete whatever an
   * owner or a namespace held, and its controllers write most kinds, as Kubernetes gives its
   * garbage collector {@code *} on {@code *}. What it never does is grant: it may not create or
   * change a RoleBinding or ClusterRoleBinding.
   */
  private static Decision controllerManager(Caller caller, Verb verb, String resource, String namespace) {
    boolean binding = resource.equals("rolebindings.rbac.authorization.k8s.io") || resource.equals("clusterrolebindings.rbac.authorization.k8s.io");
    return binding && (verb == Verb.CREATE || verb == Verb.UPDATE)
        ? denied(caller, verb, resource, namespace, "the controller manager grants no one anything") : ALLOWED;
  }

  /** The refusal of an {@link IfReferenced} decision that found no pod referring to the object. */
  public static Denied notReferenced(Caller caller, String resource, String namespace, String name) {
    return denied(caller, Verb.GET, resource, namespace,
        "no relationship found between node '%s' and this object (no pod bound to it refers to %s \"%s\")".formatted(caller.nodeName(), resource, name));
  }

  /** Kubernetes' wording: {@code User "system:node:w1" cannot update resource "pods" in the namespace "default": why}. */
  private static Denied denied(Caller caller, Verb verb, String resource, String namespace, String why) {
    String where = namespace == null || namespace.isEmpty() ? "at the cluster scope" : "in the namespace \"" + namespace + "\"";
    String what = verb == Verb.UPDATE_STATUS ? resource + "/status" : resource;
    return new Denied("User \"%s\" cannot %s resource \"%s\" %s: %s".formatted(caller.user(), verb.word, what, where, why));
  }
}
