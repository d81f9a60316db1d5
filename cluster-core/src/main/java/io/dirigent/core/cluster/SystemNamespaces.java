package io.dirigent.core.cluster;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.WriteOptions;
import io.dirigent.core.validation.ObjectValidator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Makes sure the namespaces Kubernetes always has exist ({@code default}, {@code kube-system},
 * {@code kube-public}, {@code kube-node-lease}); {@link ClusterNode} tries again until the store
 * answers. Doing so is also the proof that the store works: a member is ready only after it.
 */
final class SystemNamespaces {

  private SystemNamespaces() {}

  static CompletionStage<Void> ensure(Store store) {
    ResourceType namespaces = store.registry().byResource("namespaces").orElseThrow();
    CompletableFuture<?>[] all = ObjectValidator.SYSTEM_NAMESPACES.stream()
        .map(name -> ensureOne(store, namespaces, name).toCompletableFuture())
        .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(all);
  }

  private static CompletionStage<Void> ensureOne(Store store, ResourceType namespaces, String name) {
    ObjectNode namespace = JsonNodeFactory.instance.objectNode();
    namespace.putObject("metadata").put("name", name);
    return store.createIfAbsent(namespaces, null, namespace, WriteOptions.by("system:dirigent"))
        .<Void>thenApply(created -> null);
  }
}
