package io.dirigent.controllers;

import io.dirigent.core.informer.InformerStore;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import io.dirigent.core.store.Store;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * What every namespace has in Kubernetes for its pods to reach the API: the {@code default}
 * ServiceAccount (the serviceaccounts controller) and, when the API is served over TLS, the
 * {@code kube-root-ca.crt} ConfigMap with the cluster's authority (the root-ca-cert-publisher),
 * which the token volume of every pod carries beside the token.
 */
final class ServiceAccountController implements Controller {

  static final String DEFAULT = "default";
  static final String ROOT_CA = "kube-root-ca.crt";
  private static final String CA_KEY = "ca.crt";

  private final Store store;
  /** The authority's certificate in PEM; empty when the API serves plain HTTP. */
  private final Optional<String> caPem;

  ServiceAccountController(Store store, Optional<String> caPem) {
    this.store = store;
    this.caPem = caPem;
  }

  @Override
  public String name() {
    return "serviceaccount";
  }

  @Override
  public List<Watch> watches() {
    return List.of(
        new Watch(Namespace.class, (change, cache) -> List.of(Cache.key(change.object()))),
        new Watch(ServiceAccount.class, (change, cache) -> namespaceOf(change, DEFAULT)),
        new Watch(ConfigMap.class, (change, cache) -> namespaceOf(change, ROOT_CA)));
  }

  private static List<String> namespaceOf(Change change, String name) {
    var metadata = change.object().path("metadata");
    return metadata.path("name").asText().equals(name) ? List.of(metadata.path("namespace").asText()) : List.of();
  }

  @Override
  public CompletionStage<?> reconcile(String namespace, Cache cache) {
    Optional<Namespace> found = cache.get(Namespace.class, namespace);
    if (found.isEmpty() || found.get().getMetadata().getDeletionTimestamp() != null) {
      return CompletableFuture.completedFuture(null);
    }
    List<CompletableFuture<?>> writes = new ArrayList<>();
    if (cache.tree(ServiceAccount.class, InformerStore.key(namespace, DEFAULT)).isEmpty()) {
      writes.add(created(store.create(new ServiceAccountBuilder().withNewMetadata().withName(DEFAULT).withNamespace(namespace).endMetadata().build())));
    }
    if (caPem.isPresent()) {
      Optional<ConfigMap> current = cache.get(ConfigMap.class, InformerStore.key(namespace, ROOT_CA));
      Map<String, String> data = Map.of(CA_KEY, caPem.get());
      if (current.isEmpty()) {
        writes.add(created(store.create(new ConfigMapBuilder().withNewMetadata().withName(ROOT_CA).withNamespace(namespace)
            .addToAnnotations("kubernetes.io/description", "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.")
            .endMetadata().withData(data).build())));
      } else if (!data.equals(current.get().getData())) {
        ConfigMap updated = Cache.copy(current.get());
        updated.setData(data);
        writes.add(store.update(updated).toCompletableFuture());
      }
    }
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
  }

  /** A create that lost a race with another writer of the same object is done all the same. */
  private static CompletableFuture<?> created(CompletionStage<?> create) {
    return create.toCompletableFuture().exceptionally(failure -> {
      if (StoreException.is(failure, StoreError.Reason.ALREADY_EXISTS)) {
        return null;
      }
      throw new CompletionException(StoreException.cause(failure));
    });
  }
}
