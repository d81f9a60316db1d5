package io.dirigent.controllers;

import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.PodConditions;
import io.dirigent.core.api.PodPhase;
import io.dirigent.core.store.Store;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Keeps each Service's Endpoints: the pods its selector picks that have an IP, ready ones in
 * {@code addresses}, the others (not ready, or terminating) in {@code notReadyAddresses}, with
 * the service's ports resolved against each pod (a named targetPort by the pod's container
 * port of that name). Pods with the same resolved ports share a subset. Services without a
 * selector are left to whoever writes their Endpoints.
 */
final class EndpointsController implements Controller {

  private final Store store;

  EndpointsController(Store store) {
    this.store = store;
  }

  @Override
  public String name() {
    return "endpoints";
  }

  @Override
  public List<Watch> watches() {
    return List.of(
        new Watch(Service.class, (change, cache) -> List.of(Cache.key(change.object()))),
        new Watch(Pod.class, EndpointsController::servicesOf),
        new Watch(Endpoints.class, (change, cache) -> List.of(Cache.key(change.object()))));
  }

  /** The services in the pod's namespace that select it now or did before. */
  static Collection<String> servicesOf(Change change, Cache cache) {
    String namespace = KubeJson.namespace(change.object());
    Map<String, String> labels = KubeJson.stringMap(change.object(), "labels");
    Map<String, String> before = change.previous() == null ? Map.of() : KubeJson.stringMap(change.previous(), "labels");
    Set<String> keys = new HashSet<>();
    for (Service service : cache.list(Service.class, namespace)) {
      Map<String, String> selector = service.getSpec() == null ? null : service.getSpec().getSelector();
      if (Owners.selects(selector, labels) || Owners.selects(selector, before)) {
        keys.add(Cache.key(service));
      }
    }
    return keys;
  }

  @Override
  public CompletionStage<?> reconcile(String key, Cache cache) {
    Optional<Service> service = cache.get(Service.class, key);
    Optional<Endpoints> existing = cache.get(Endpoints.class, key);
    if (service.isEmpty()) {
      return existing.isPresent() && managed(existing.get())
          ? store.delete(Endpoints.class, existing.get().getMetadata().getNamespace(), existing.get().getMetadata().getName(),
              io.dirigent.core.store.DeleteOptions.defaults()).exceptionally(failure -> null)
          : CompletableFuture.completedFuture(null);
    }
    Map<String, String> selector = service.get().getSpec().getSelector();
    if (selector == null || selector.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    List<EndpointSubset> subsets = subsets(service.get(), cache.list(Pod.class, service.get().getMetadata().getNamespace()));
    Endpoints desired = new EndpointsBuilder()
        .withNewMetadata().withName(service.get().getMetadata().getName()).withNamespace(service.get().getMetadata().getNamespace())
        .withLabels(service.get().getMetadata().getLabels()).addToAnnotations(MANAGED, "true").endMetadata()
        .withSubsets(subsets).build();
    if (existing.isEmpty()) {
      return store.create(desired);
    }
    List<EndpointSubset> current = existing.get().getSubsets() == null ? List.of() : existing.get().getSubsets();
    if (KubeJson.sameContent(KubeJson.MAPPER.valueToTree(current), KubeJson.MAPPER.valueToTree(subsets))) {
      return CompletableFuture.completedFuture(null);
    }
    desired.getMetadata().setResourceVersion(existing.get().getMetadata().getResourceVersion());
    return store.update(desired);
  }

  /** Marks the Endpoints this controller writes, so it never deletes hand-written ones. */
  static final String MANAGED = "endpoints.dirigent.io/managed";

  private static boolean managed(Endpoints endpoints) {
    return endpoints.getMetadata().getAnnotations() != null && endpoints.getMetadata().getAnnotations().containsKey(MANAGED);
  }

  static List<EndpointSubset> subsets(Service service, List<Pod> pods) {
    Map<List<EndpointPort>, List<List<EndpointAddress>>> byPorts = new LinkedHashMap<>();
    List<Pod> sorted = new ArrayList<>(pods);
    sorted.sort(Comparator.comparing(p -> p.getMetadata().getName()));
    for (Pod pod : sorted) {
      if (!Owners.selects(service.getSpec().getSelector(), pod.getMetadata().getLabels())) {
        continue;
      }
      String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
      if (ip == null || ip.isEmpty() || PodPhase.of(pod).terminal()) {
        continue;
      }
      List<EndpointPort> ports = ports(service, pod);
      if (ports.isEmpty() && !service.getSpec().getPorts().isEmpty()) {
        continue;
      }
      EndpointAddress address = new EndpointAddressBuilder().withIp(ip).withNodeName(pod.getSpec().getNodeName())
          .withNewTargetRef().withKind("Pod").withName(pod.getMetadata().getName()).withNamespace(pod.getMetadata().getNamespace())
          .withUid(pod.getMetadata().getUid()).endTargetRef().build();
      List<List<EndpointAddress>> addresses = byPorts.computeIfAbsent(ports, p -> List.of(new ArrayList<>(), new ArrayList<>()));
      boolean ready = pod.getMetadata().getDeletionTimestamp() == null && ready(pod);
      addresses.get(ready ? 0 : 1).add(address);
    }
    List<EndpointSubset> subsets = new ArrayList<>();
    byPorts.forEach((ports, addresses) -> {
      EndpointSubset subset = new EndpointSubset();
      subset.setPorts(ports);
      subset.setAddresses(addresses.get(0));
      subset.setNotReadyAddresses(addresses.get(1));
      subsets.add(subset);
    });
    return subsets;
  }

  /** The service's ports as {@code pod} serves them; a named targetPort the pod has no port of is left out. */
  static List<EndpointPort> ports(Service service, Pod pod) {
    List<EndpointPort> ports = new ArrayList<>();
    for (ServicePort port : service.getSpec().getPorts()) {
      IntOrString target = port.getTargetPort() == null ? new IntOrString(port.getPort()) : port.getTargetPort();
      Integer number = target.getStrVal() == null ? target.getIntVal() : named(pod, target.getStrVal());
      if (number != null) {
        ports.add(new EndpointPort(port.getAppProtocol(), port.getName(), number, port.getProtocol() == null ? "TCP" : port.getProtocol()));
      }
    }
    return ports;
  }

  private static Integer named(Pod pod, String name) {
    for (var container : pod.getSpec().getContainers()) {
      for (ContainerPort port : container.getPorts() == null ? List.<ContainerPort>of() : container.getPorts()) {
        if (name.equals(port.getName())) {
          return port.getContainerPort();
        }
      }
    }
    return null;
  }

  static boolean ready(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
        .anyMatch(c -> PodConditions.READY.equals(c.getType()) && PodConditions.TRUE.equals(c.getStatus()));
  }
}
