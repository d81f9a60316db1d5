package io.dirigent.controllers;

import io.dirigent.core.api.KubeJson;
import io.dirigent.core.cluster.HolderLease;
import io.dirigent.core.cluster.NodeLeases;
import io.dirigent.core.net.Ipv4;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.dirigent.core.store.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@code kubernetes} Service's Endpoints listing every API server that is up, as
 * Kubernetes' endpoint reconciler does from the API servers' leases: each API server renews an
 * identity Lease in {@code kube-system} naming its endpoint and its member; an endpoint is listed
 * while its member is Up and reachable. A load balancer in front of the API servers (and clients
 * inside the cluster) can follow this list. Nothing is changed while this member's own view of the
 * cluster is in doubt. API servers that listen on a loopback address are left out: Endpoints may not
 * point at a host's own loopback, as in Kubernetes.
 */
final class ApiServerEndpointsController implements Controller {

  static final String KEY = "default/kubernetes";
  private static final Logger log = LoggerFactory.getLogger(ApiServerEndpointsController.class);

  private final Store store;
  private final MemberView members;
  /** How often the Endpoints are looked at again: membership changes are not informer events. */
  private final Duration poll;

  ApiServerEndpointsController(Store store, MemberView members, Duration poll) {
    this.store = store;
    this.members = members;
    this.poll = poll;
  }

  @Override
  public String name() {
    return "apiserver-endpoints";
  }

  @Override
  public List<Watch> watches() {
    return List.of(
        new Watch(Service.class, (change, cache) -> KEY.equals(Cache.key(change.object())) ? List.of(KEY) : List.of()),
        new Watch(Lease.class, (change, cache) -> change.object().path("metadata").path("labels").has(HolderLease.API_SERVER_IDENTITY)
            ? List.of(KEY) : List.of()),
        new Watch(Endpoints.class, (change, cache) -> KEY.equals(Cache.key(change.object())) ? List.of(KEY) : List.of()));
  }

  @Override
  public CompletionStage<?> reconcile(String key, Cache cache) {
    if (!KEY.equals(key) || cache.get(Service.class, KEY).isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    if (members.impaired().isPresent()) {
      // Membership changes are not informer events: look again soon.
      return CompletableFuture.completedFuture(poll);
    }
    List<EndpointSubset> wanted = subsets(cache);
    Optional<Endpoints> current = cache.get(Endpoints.class, KEY);
    List<EndpointSubset> have = current.map(Endpoints::getSubsets).orElse(List.of());
    if (current.isPresent() && KubeJson.MAPPER.valueToTree(have).equals(KubeJson.MAPPER.valueToTree(wanted))) {
      return CompletableFuture.completedFuture(poll);
    }
    log.info("apiserver-endpoints: kubernetes Endpoints now {}", wanted.stream()
        .flatMap(subset -> subset.getAddresses().stream().map(a -> a.getIp() + ":" + subset.getPorts().get(0).getPort())).toList());
    Endpoints endpoints = current.map(Cache::copy).orElseGet(() -> new EndpointsBuilder()
        .withNewMetadata().withName("kubernetes").withNamespace("default").endMetadata().build());
    endpoints.setSubsets(wanted);
    CompletionStage<?> write = current.isPresent() ? store.update(endpoints) : store.create(endpoints);
    return write.thenApply(done -> poll);
  }

  /** One subset per port, its addresses sorted: the API servers whose members are Up. */
  private List<EndpointSubset> subsets(Cache cache) {
    Map<Integer, TreeSet<String>> byPort = new TreeMap<>();
    for (Lease lease : cache.list(Lease.class, "kube-system")) {
      Map<String, String> labels = lease.getMetadata().getLabels();
      Map<String, String> annotations = lease.getMetadata().getAnnotations();
      if (labels == null || !labels.containsKey(HolderLease.API_SERVER_IDENTITY) || annotations == null) {
        continue;
      }
      String endpoint = annotations.getOrDefault(HolderLease.API_ENDPOINT, "");
      String member = annotations.getOrDefault(NodeLeases.MEMBER, "");
      int colon = endpoint.lastIndexOf(':');
      if (colon <= 0 || member.isEmpty() || members.of(member) != MemberView.Evidence.UP) {
        continue;
      }
      String ip = endpoint.substring(0, colon);
      if (Ipv4.special(ip).isPresent()) {
        // An API server reachable only on its own host (loopback), or not at an address Endpoints may
        // hold: the store's validation refuses it, as Kubernetes' does.
        continue;
      }
      try {
        byPort.computeIfAbsent(Integer.parseInt(endpoint.substring(colon + 1)), port -> new TreeSet<>()).add(ip);
      } catch (NumberFormatException e) {
        // Not an endpoint: left out.
      }
    }
    List<EndpointSubset> subsets = new ArrayList<>();
    byPort.forEach((port, ips) -> subsets.add(new EndpointSubsetBuilder()
        .withAddresses(ips.stream().map(ip -> new EndpointAddressBuilder().withIp(ip).build()).toList())
        .withPorts(new EndpointPortBuilder().withName("https").withPort(port).withProtocol("TCP").build())
        .build()));
    return subsets;
  }
}
