package io.dirigent.core.services;

import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The {@code kubernetes} Service in {@code default}, as every Kubernetes cluster has it: port 443
 * (https) on the first address of the Service range, without a selector — its Endpoints list the
 * API servers, kept by the controller manager from their identity Leases.
 */
public final class KubernetesService {

  static final String NAME = "kubernetes";

  private KubernetesService() {}

  /** Creates the Service unless it exists; on the range's first address, or any if that is taken. */
  public static CompletionStage<Void> ensure(ActorSystem<?> system, Store store) {
    var config = system.settings().config();
    int apiPort = config.getInt("dirigent.api.port") == 0 ? 6443 : config.getInt("dirigent.api.port");
    String ip = AddressRanges.from(config).ipAt(0);
    return create(store, service(ip, apiPort)).exceptionallyCompose(failure -> {
      Throwable cause = StoreException.cause(failure);
      if (cause instanceof StoreException e && e.reason() != StoreError.Reason.UNAVAILABLE && e.reason() != StoreError.Reason.TIMEOUT) {
        // The first address is someone else's Service's: any will do.
        return create(store, service(null, apiPort));
      }
      return CompletableFuture.failedFuture(cause);
    });
  }

  private static CompletionStage<Void> create(Store store, Service service) {
    return store.create(service).<Void>thenApply(created -> null).exceptionallyCompose(failure ->
        StoreException.is(failure, StoreError.Reason.ALREADY_EXISTS)
            ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(StoreException.cause(failure)));
  }

  private static Service service(String clusterIp, int apiPort) {
    return new ServiceBuilder()
        .withNewMetadata().withName(NAME).withNamespace("default")
            .withLabels(Map.of("component", "apiserver", "provider", "kubernetes")).endMetadata()
        .withNewSpec().withType("ClusterIP").withClusterIP(clusterIp)
            .addNewPort().withName("https").withProtocol("TCP").withPort(443).withTargetPort(new IntOrString(apiPort)).endPort()
        .endSpec()
        .build();
  }
}
