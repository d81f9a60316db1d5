package io.dirigent.scheduler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the scheduler reads of a pod, computed once: its resource requests (the sum over app
 * containers, or the largest init container's if more), host ports, placement constraints and
 * owner.
 *
 * @param key {@code namespace/name}
 * @param ownerUid the controller owner's uid, or "" (for spreading an owner's pods)
 * @param object the pod as the store holds it (not to be changed: it is shared)
 * @param claims its PersistentVolumeClaims as the scheduler found them when it took the pod up
 *     ({@link #withClaims}); empty until then
 */
public record PodInfo(
    String key,
    String uid,
    int priority,
    long cpuMillis,
    long memoryBytes,
    List<HostPort> hostPorts,
    String nodeName,
    Map<String, String> nodeSelector,
    Affinity affinity,
    List<Toleration> tolerations,
    String ownerUid,
    Pod pod,
    ObjectNode object,
    List<PodClaim> claims) {

  public PodInfo {
    hostPorts = List.copyOf(hostPorts);
    claims = claims == null ? List.of() : List.copyOf(claims);
    nodeSelector = nodeSelector == null ? Map.of() : Map.copyOf(nodeSelector);
    tolerations = tolerations == null ? List.of() : List.copyOf(tolerations);
  }

  /** A host port a container asks for: one per (protocol, hostIP, port). */
  public record HostPort(String protocol, String hostIp, int port) {}

  public static PodInfo of(Pod pod) {
    return of(pod, KubeJson.toTree(pod));
  }

  /** From the store's JSON form, which the informers deliver. */
  public static PodInfo of(ObjectNode object) {
    return of(KubeJson.toTyped(object, Pod.class), object);
  }

  private static PodInfo of(Pod pod, ObjectNode object) {
    var spec = pod.getSpec();
    long cpu = 0;
    long memory = 0;
    List<HostPort> ports = new ArrayList<>();
    for (Container container : spec.getContainers() == null ? List.<Container>of() : spec.getContainers()) {
      cpu += request(container, "cpu", true);
      memory += request(container, "memory", false);
      for (ContainerPort port : container.getPorts() == null ? List.<ContainerPort>of() : container.getPorts()) {
        if (port.getHostPort() != null && port.getHostPort() > 0) {
          ports.add(new HostPort(port.getProtocol() == null ? "TCP" : port.getProtocol(),
              port.getHostIP() == null || port.getHostIP().isEmpty() ? "0.0.0.0" : port.getHostIP(), port.getHostPort()));
        }
      }
    }
    for (Container init : spec.getInitContainers() == null ? List.<Container>of() : spec.getInitContainers()) {
      cpu = Math.max(cpu, request(init, "cpu", true));
      memory = Math.max(memory, request(init, "memory", false));
    }
    String owner = "";
    for (OwnerReference reference : pod.getMetadata().getOwnerReferences() == null ? List.<OwnerReference>of() : pod.getMetadata().getOwnerReferences()) {
      if (Boolean.TRUE.equals(reference.getController())) {
        owner = reference.getUid();
      }
    }
    return new PodInfo(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName(), pod.getMetadata().getUid(),
        spec.getPriority() == null ? 0 : spec.getPriority(), cpu, memory, ports,
        spec.getNodeName() == null ? "" : spec.getNodeName(), spec.getNodeSelector(), spec.getAffinity(), spec.getTolerations(), owner, pod, object, List.of());
  }

  /** The same pod, with its claims as found now. */
  public PodInfo withClaims(List<PodClaim> found) {
    return new PodInfo(key, uid, priority, cpuMillis, memoryBytes, hostPorts, nodeName, nodeSelector, affinity, tolerations, ownerUid, pod, object,
        found);
  }

  /** A container's request (its limit when it states only that), in millicores or bytes. */
  private static long request(Container container, String resource, boolean millis) {
    var resources = container.getResources();
    if (resources == null) {
      return 0;
    }
    Quantity quantity = resources.getRequests() != null ? resources.getRequests().get(resource) : null;
    if (quantity == null && resources.getLimits() != null) {
      quantity = resources.getLimits().get(resource);
    }
    if (quantity == null) {
      return 0;
    }
    BigDecimal amount = quantity.getNumericalAmount();
    return millis ? amount.multiply(BigDecimal.valueOf(1000)).longValue() : amount.longValue();
  }
}
