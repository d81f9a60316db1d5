package io.dirigent.core.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import io.dirigent.core.store.WriteOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The RBAC objects a cluster starts with ({@code bootstrap-policy.yaml} beside this class), and
 * keeping them: a missing one is created; one marked {@code autoupdate: "true"} that differs from
 * the default is set back to it, so upgrades reach existing clusters, while an operator who set
 * the annotation to "false" keeps their version (Kubernetes' bootstrap policy reconciliation).
 */
public final class BootstrapPolicy {

  public static final String AUTOUPDATE = "rbac.authorization.kubernetes.io/autoupdate";
  private static final String WRITER = "system:dirigent";
  private static final String GROUP_VERSION = "rbac.authorization.k8s.io/v1";

  private static final List<ObjectNode> CLUSTER_ROLES;
  private static final List<ObjectNode> CLUSTER_ROLE_BINDINGS;

  static {
    try (InputStream in = BootstrapPolicy.class.getResourceAsStream("bootstrap-policy.yaml")) {
      JsonNode policy = new YAMLMapper().readTree(in);
      CLUSTER_ROLES = objects(policy.path("clusterRoles"), "ClusterRole");
      CLUSTER_ROLE_BINDINGS = objects(policy.path("clusterRoleBindings"), "ClusterRoleBinding");
    } catch (IOException e) {
      throw new UncheckedIOException("the bootstrap RBAC policy cannot be read", e);
    }
  }

  private BootstrapPolicy() {}

  /** Copies of the default ClusterRoles. */
  public static List<ObjectNode> clusterRoles() {
    return CLUSTER_ROLES.stream().map(ObjectNode::deepCopy).toList();
  }

  /** Copies of the default ClusterRoleBindings. */
  public static List<ObjectNode> clusterRoleBindings() {
    return CLUSTER_ROLE_BINDINGS.stream().map(ObjectNode::deepCopy).toList();
  }

  /** Creates the missing defaults and sets back the changed ones that allow it; completes when all are in place. */
  public static CompletionStage<Void> ensure(Store store) {
    ResourceType roles = store.registry().byResource("clusterroles.rbac.authorization.k8s.io").orElseThrow();
    ResourceType bindings = store.registry().byResource("clusterrolebindings.rbac.authorization.k8s.io").orElseThrow();
    List<CompletableFuture<Void>> all = new ArrayList<>();
    CLUSTER_ROLES.forEach(role -> all.add(ensureOne(store, roles, role.deepCopy()).toCompletableFuture()));
    CLUSTER_ROLE_BINDINGS.forEach(binding -> all.add(ensureOne(store, bindings, binding.deepCopy()).toCompletableFuture()));
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  private static CompletionStage<Void> ensureOne(Store store, ResourceType type, ObjectNode wanted) {
    return store.get(type, null, KubeJson.name(wanted)).handle((current, failure) -> {
      if (failure == null) {
        return update(store, type, current, wanted);
      }
      if (StoreException.is(failure, StoreError.Reason.NOT_FOUND)) {
        return store.create(type, null, wanted, WriteOptions.by(WRITER)).<Void>thenApply(created -> null)
            .exceptionally(BootstrapPolicy::raced);
      }
      return CompletableFuture.<Void>failedFuture(StoreException.cause(failure));
    }).thenCompose(stage -> stage);
  }

  private static CompletionStage<Void> update(Store store, ResourceType type, ObjectNode current, ObjectNode wanted) {
    if (!"true".equals(current.path("metadata").path("annotations").path(AUTOUPDATE).asText())
        || KubeJson.sameContent(content(current), content(wanted))) {
      return CompletableFuture.completedFuture(null);
    }
    ObjectNode updated = current.deepCopy();
    for (String field : List.of("rules", "aggregationRule", "roleRef", "subjects")) {
      if (field.equals("rules") && wanted.has("aggregationRule")) {
        continue; // the aggregation controller writes an aggregated role's rules
      }
      if (wanted.has(field)) {
        updated.set(field, wanted.get(field));
      } else {
        updated.remove(field);
      }
    }
    ((ObjectNode) updated.path("metadata")).set("labels", wanted.path("metadata").path("labels").deepCopy());
    return store.update(type, null, updated, WriteOptions.by(WRITER)).<Void>thenApply(written -> null)
        .exceptionally(BootstrapPolicy::raced);
  }

  /** A conflict means another member wrote the same default at the same time: that is fine. */
  private static Void raced(Throwable failure) {
    if (StoreException.is(failure, StoreError.Reason.ALREADY_EXISTS) || StoreException.is(failure, StoreError.Reason.CONFLICT)) {
      return null;
    }
    throw failure instanceof CompletionException c ? c : new CompletionException(failure);
  }

  /** What the reconciliation compares: the fields that grant, and the labels aggregation selects by. */
  private static ObjectNode content(ObjectNode object) {
    ObjectNode content = KubeJson.MAPPER.createObjectNode();
    for (String field : List.of("aggregationRule", "roleRef", "subjects")) {
      if (object.has(field)) {
        content.set(field, object.get(field));
      }
    }
    if (!object.has("aggregationRule") && object.has("rules")) {
      content.set("rules", object.get("rules"));
    }
    content.set("labels", object.path("metadata").path("labels"));
    return content;
  }

  private static List<ObjectNode> objects(JsonNode items, String kind) {
    List<ObjectNode> objects = new ArrayList<>();
    for (JsonNode item : items) {
      ObjectNode object = KubeJson.MAPPER.createObjectNode().put("apiVersion", GROUP_VERSION).put("kind", kind);
      object.setAll((ObjectNode) item);
      ObjectNode metadata = (ObjectNode) object.get("metadata");
      ObjectNode labels = metadata.has("labels") ? (ObjectNode) metadata.get("labels") : metadata.putObject("labels");
      labels.put("kubernetes.io/bootstrapping", "rbac-defaults");
      metadata.putObject("annotations").put(AUTOUPDATE, "true");
      objects.add(object);
    }
    return List.copyOf(objects);
  }
}
