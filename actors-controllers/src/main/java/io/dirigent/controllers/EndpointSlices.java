package io.dirigent.controllers;

import io.dirigent.core.api.PodPhase;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The EndpointSlices a Service with a selector should have, as Kubernetes' EndpointSlice
 * controller writes them: the selected pods that have an IP, grouped by the ports they serve the
 * service on (a named targetPort can resolve differently per pod), at most
 * {@link #MAX_ENDPOINTS} to a slice, each endpoint with its ready, serving and terminating
 * conditions, its node and its pod. Pure: {@link EndpointSliceController} writes the difference.
 *
 * <p>Names are the service's name and a hash of the slice's ports (and its index past the first
 * hundred endpoints), where Kubernetes generates a random suffix: a deterministic name lets a
 * reconcile whose cache has not yet seen its own create write the same slice again instead of a
 * second one. Clients find a service's slices by the {@link #SERVICE_NAME} label either way.
 */
final class EndpointSlices {

  /** The label naming the slice's Service. */
  static final String SERVICE_NAME = "kubernetes.io/service-name";
  /** The label naming who manages a slice; slices with another manager are left alone. */
  static final String MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
  /** Kubernetes' value of {@link #MANAGED_BY} for its EndpointSlice controller. */
  static final String CONTROLLER = "endpointslice-controller.k8s.io";
  /** Kubernetes' default {@code --max-endpoints-per-slice}. */
  static final int MAX_ENDPOINTS = 100;

  private EndpointSlices() {}

  /** The slices {@code service} should have over {@code pods} (its namespace's), in name order. */
  static List<EndpointSlice> desired(Service service, List<Pod> pods) {
    Map<List<EndpointPort>, List<Endpoint>> byPorts = new LinkedHashMap<>();
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
      List<EndpointPort> ports = EndpointsController.ports(service, pod);
      if (ports.isEmpty() && service.getSpec().getPorts() != null && !service.getSpec().getPorts().isEmpty()) {
        continue;
      }
      byPorts.computeIfAbsent(ports, p -> new ArrayList<>()).add(endpoint(pod, ip));
    }
    List<EndpointSlice> slices = new ArrayList<>();
    byPorts.forEach((ports, endpoints) -> {
      for (int from = 0, index = 0; from < endpoints.size(); from += MAX_ENDPOINTS, index++) {
        slices.add(slice(service, ports, endpoints.subList(from, Math.min(from + MAX_ENDPOINTS, endpoints.size())), index));
      }
    });
    slices.sort(Comparator.comparing(s -> s.getMetadata().getName()));
    return slices;
  }

  /**
   * A pod's endpoint: ready when the pod is ready and not terminating; serving when the pod is
   * ready, terminating or not; terminating once it is being deleted.
   */
  private static Endpoint endpoint(Pod pod, String ip) {
    boolean podReady = EndpointsController.ready(pod);
    boolean terminating = pod.getMetadata().getDeletionTimestamp() != null;
    return new EndpointBuilder()
        .withAddresses(ip)
        .withNewConditions().withReady(podReady && !terminating).withServing(podReady).withTerminating(terminating).endConditions()
        .withNodeName(pod.getSpec().getNodeName())
        .withNewTargetRef().withKind("Pod").withNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
        .withUid(pod.getMetadata().getUid()).endTargetRef()
        .build();
  }

  private static EndpointSlice slice(Service service, List<EndpointPort> ports, List<Endpoint> endpoints, int index) {
    String name = service.getMetadata().getName() + "-" + hash(ports) + (index == 0 ? "" : "-" + index);
    List<io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort> slicePorts = ports.stream()
        .map(p -> new io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort(p.getAppProtocol(), p.getName(), p.getPort(), p.getProtocol()))
        .toList();
    Map<String, String> labels = new LinkedHashMap<>(service.getMetadata().getLabels() == null ? Map.of() : service.getMetadata().getLabels());
    labels.put(SERVICE_NAME, service.getMetadata().getName());
    labels.put(MANAGED_BY, CONTROLLER);
    return new EndpointSliceBuilder()
        .withNewMetadata().withName(name).withNamespace(service.getMetadata().getNamespace()).withLabels(labels)
        .withOwnerReferences(Owners.reference(service)).endMetadata()
        .withAddressType("IPv4")
        .withEndpoints(List.copyOf(endpoints))
        .withPorts(slicePorts)
        .build();
  }

  /** Five hex digits of the ports' identity: the same ports, the same name. */
  private static String hash(List<EndpointPort> ports) {
    StringBuilder key = new StringBuilder();
    ports.forEach(p -> key.append(p.getName()).append('/').append(p.getProtocol()).append('/').append(p.getPort()).append(';'));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
