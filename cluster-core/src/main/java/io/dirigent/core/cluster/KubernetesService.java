package io.dirigent.core.cluster;

import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The {@code kubernetes} Service in {@code default}, as every Kubernetes cluster has it: port 443
 * (https) on the first address of the Service range, without a selector — its Endpoints list the
 * API servers, kept by the controller manager from their identity Leases.
 */
final class KubernetesService {

  static final String NAME = "kubernetes";

  private KubernetesService() {}

  /** Creates the Service unless it exists; on the range's first address, or any if that is taken. */
  static CompletionStage<Void> ensure(ActorSystem<?> system, Store store) {
    var config = system.settings().config();
    int apiPort = config.getInt("dirigent.api.port") == 0 ? 6443 : config.getInt("dirigent.api.port");
    String ip = firstAddress(config.getString("dirigent.services.cluster-ip-range"));
    return create(store, service(ip, apiPort)).exceptionallyCompose(failure -> {
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
      if (cause instanceof StoreException e && e.reason() != StoreError.Reason.UNAVAILABLE && e.reason() != StoreError.Reason.TIMEOUT) {
        // The first address is someone else's Service's: any will do.
        return create(store, service(null, apiPort));
      }
      return CompletableFuture.failedFuture(cause);
    });
  }

  private static CompletionStage<Void> create(Store store, Service service) {
    return store.create(service).<Void>thenApply(created -> null).exceptionallyCompose(failure -> {
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
      return cause instanceof StoreException e && e.reason() == StoreError.Reason.ALREADY_EXISTS
          ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(cause);
    });
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

  /** The first host address of {@code cidr} (10.96.0.0/16: 10.96.0.1). */
  static String firstAddress(String cidr) {
    try {
      byte[] network = InetAddress.getByName(cidr.substring(0, cidr.indexOf('/'))).getAddress();
      network[network.length - 1] = (byte) (network[network.length - 1] + 1);
      return InetAddress.getByAddress(network).getHostAddress();
    } catch (UnknownHostException | StringIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("dirigent.services.cluster-ip-range is not a CIDR: " + cidr, e);
    }
  }
}
