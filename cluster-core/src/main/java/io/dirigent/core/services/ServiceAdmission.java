package io.dirigent.core.services;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.auth.Caller;
import io.dirigent.core.auth.Callers;
import io.dirigent.core.store.Admission;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.validation.FieldError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * What Kubernetes' Service storage does before a Service is written: defaults (type ClusterIP,
 * TCP, targetPort = port, single-stack IPv4) and the addresses — a ClusterIP unless the Service
 * is headless ({@code clusterIP: None}) or an ExternalName, and a NodePort per port for NodePort
 * and LoadBalancer Services — from the cluster's {@link ServiceAllocator}. On update, addresses
 * the client left out are kept, a changed ClusterIP is refused, NodePorts no longer used are
 * freed.
 */
public final class ServiceAdmission implements Admission {

  private static final Set<String> NODE_PORT_TYPES = Set.of("NodePort", "LoadBalancer");
  private static final String HEADLESS = "None";

  private final EntityRef<ServiceAllocator.Command> allocator;
  private final Duration timeout;
  /** Who asks the allocator: this member's own components. */
  private final Caller caller;

  public ServiceAdmission(ActorSystem<?> system, Duration timeout) {
    this.allocator = ServiceAllocator.ref(system);
    this.timeout = timeout;
    this.caller = Callers.get(system).member();
  }

  @Override
  public CompletionStage<Admitted> create(ObjectNode service) {
    ObjectNode spec = defaults(service);
    String type = spec.path("type").asText();
    if (type.equals("ExternalName")) {
      return CompletableFuture.completedFuture(admitted(service, List.of(), List.of(), List.of(), List.of()));
    }
    String requested = requestedIp(spec);
    boolean wantIp = !requested.equals(HEADLESS);
    List<Integer> ports = new ArrayList<>();
    if (NODE_PORT_TYPES.contains(type)) {
      spec.path("ports").forEach(port -> ports.add(port.path("nodePort").asInt(0)));
    }
    return allocate(service, wantIp, wantIp ? requested : "", ports).thenApply(allocated -> {
      if (wantIp) {
        setIp(spec, allocated.ip());
      } else {
        setIp(spec, HEADLESS);
      }
      setNodePorts(spec, allocated.ports());
      List<String> ips = allocated.ip() == null ? List.of() : List.of(allocated.ip());
      return admitted(service, ips, allocated.ports(), List.of(), List.of());
    });
  }

  @Override
  public CompletionStage<Admitted> update(ObjectNode current, ObjectNode service) {
    ObjectNode spec = defaults(service);
    JsonNode currentSpec = current.path("spec");
    String type = spec.path("type").asText();
    String currentIp = currentSpec.path("clusterIP").asText("");
    List<String> releaseIps = new ArrayList<>();
    if (type.equals("ExternalName")) {
      if (!currentIp.isEmpty() && !currentIp.equals(HEADLESS)) {
        releaseIps.add(currentIp);
      }
      spec.remove("clusterIP");
      spec.remove("clusterIPs");
    } else {
      String requested = requestedIp(spec);
      if (requested.isEmpty()) {
        setIp(spec, currentIp.isEmpty() ? HEADLESS : currentIp);
      } else if (!requested.equals(currentIp)) {
        throw StoreError.invalid("Service", KubeJson.name(service), List.of(FieldError.invalid("spec.clusterIPs[0]",
            "[]string{\"%s\"}".formatted(requested), "may not change once set"))).toException();
      }
    }
    // NodePorts: kept where the client left them out or named one the Service already holds.
    List<Integer> held = new ArrayList<>();
    currentSpec.path("ports").forEach(port -> {
      if (port.hasNonNull("nodePort")) {
        held.add(port.path("nodePort").asInt());
      }
    });
    List<Integer> kept = new ArrayList<>();
    List<Integer> wanted = new ArrayList<>();
    ArrayNode ports = (ArrayNode) spec.path("ports");
    boolean nodePorts = NODE_PORT_TYPES.contains(type);
    for (JsonNode port : ports) {
      int nodePort = port.path("nodePort").asInt(0);
      if (!nodePorts) {
        ((ObjectNode) port).remove("nodePort");
        continue;
      }
      if (nodePort == 0) {
        nodePort = matching(currentSpec.path("ports"), port).path("nodePort").asInt(0);
      }
      if (nodePort != 0 && held.contains(nodePort) && !kept.contains(nodePort)) {
        kept.add(nodePort);
        ((ObjectNode) port).put("nodePort", nodePort);
      } else {
        wanted.add(nodePort);
      }
    }
    List<Integer> releasePorts = held.stream().filter(port -> !kept.contains(port)).toList();
    if (wanted.isEmpty()) {
      return CompletableFuture.completedFuture(admitted(service, List.of(), List.of(), releaseIps, releasePorts));
    }
    return allocate(service, false, "", wanted).thenApply(allocated -> {
      int next = 0;
      for (JsonNode port : ports) {
        if (!port.hasNonNull("nodePort") || port.path("nodePort").asInt() == 0 || !kept.contains(port.path("nodePort").asInt())) {
          ((ObjectNode) port).put("nodePort", allocated.ports().get(next++));
        }
      }
      return admitted(service, List.of(), allocated.ports(), releaseIps, releasePorts);
    });
  }

  @Override
  public void deleted(ObjectNode service) {
    List<String> ips = new ArrayList<>();
    service.path("spec").path("clusterIPs").forEach(ip -> ips.add(ip.asText()));
    String ip = service.path("spec").path("clusterIP").asText("");
    if (!ip.isEmpty() && !ip.equals(HEADLESS) && !ips.contains(ip)) {
      ips.add(ip);
    }
    ips.remove(HEADLESS);
    List<Integer> ports = new ArrayList<>();
    service.path("spec").path("ports").forEach(port -> {
      if (port.hasNonNull("nodePort")) {
        ports.add(port.path("nodePort").asInt());
      }
    });
    release(ips, ports);
  }

  // ---- helpers ----

  /** Kubernetes' defaults for a Service spec; answers the spec. */
  private static ObjectNode defaults(ObjectNode service) {
    JsonNode existing = service.get("spec");
    ObjectNode spec = existing instanceof ObjectNode node ? node : service.putObject("spec");
    if (!spec.hasNonNull("type") || spec.path("type").asText().isEmpty()) {
      spec.put("type", "ClusterIP");
    }
    if (!spec.hasNonNull("sessionAffinity")) {
      spec.put("sessionAffinity", "None");
    }
    if (!spec.path("type").asText().equals("ExternalName")) {
      if (!spec.hasNonNull("internalTrafficPolicy")) {
        spec.put("internalTrafficPolicy", "Cluster");
      }
      if (!spec.has("ipFamilies")) {
        spec.putArray("ipFamilies").add("IPv4");
      }
      if (!spec.hasNonNull("ipFamilyPolicy")) {
        spec.put("ipFamilyPolicy", "SingleStack");
      }
    }
    if (NODE_PORT_TYPES.contains(spec.path("type").asText()) && !spec.hasNonNull("externalTrafficPolicy")) {
      spec.put("externalTrafficPolicy", "Cluster");
    }
    if (!spec.path("ports").isArray()) {
      spec.putArray("ports");
    }
    for (JsonNode port : spec.path("ports")) {
      ObjectNode p = (ObjectNode) port;
      if (!p.hasNonNull("protocol")) {
        p.put("protocol", "TCP");
      }
      if (!p.hasNonNull("targetPort") && p.has("port")) {
        p.set("targetPort", p.get("port"));
      }
    }
    return spec;
  }

  /** The ClusterIP the client asked for: "" for any, "None" for none. */
  private static String requestedIp(ObjectNode spec) {
    String ip = spec.path("clusterIP").asText("");
    if (ip.isEmpty() && spec.path("clusterIPs").isArray() && !spec.path("clusterIPs").isEmpty()) {
      ip = spec.path("clusterIPs").get(0).asText("");
    }
    return ip;
  }

  private static void setIp(ObjectNode spec, String ip) {
    spec.put("clusterIP", ip);
    spec.putArray("clusterIPs").add(ip);
  }

  private static void setNodePorts(ObjectNode spec, List<Integer> nodePorts) {
    int i = 0;
    for (JsonNode port : spec.path("ports")) {
      if (i < nodePorts.size()) {
        ((ObjectNode) port).put("nodePort", nodePorts.get(i++));
      }
    }
  }

  /** The current port the new one stands for: same name, else same port number. */
  private static JsonNode matching(JsonNode currentPorts, JsonNode port) {
    for (JsonNode candidate : currentPorts) {
      boolean named = port.hasNonNull("name") && port.path("name").asText().equals(candidate.path("name").asText());
      boolean numbered = !port.hasNonNull("name") && port.path("port").asInt() == candidate.path("port").asInt();
      if (named || numbered) {
        return candidate;
      }
    }
    return JsonNodeFactory.instance.objectNode();
  }

  private CompletionStage<ServiceAllocator.Allocated> allocate(ObjectNode service, boolean wantIp, String ip, List<Integer> ports) {
    String owner = KubeJson.namespace(service) + "/" + KubeJson.name(service);
    return allocator.<ServiceAllocator.Reply>ask(replyTo -> new ServiceAllocator.Allocate(owner, wantIp, ip, ports, caller, replyTo), timeout)
        .handle((reply, failure) -> {
          if (failure != null) {
            throw StoreError.of(StoreError.Reason.UNAVAILABLE, "the service address allocator did not answer: " + failure.getMessage()).toException();
          }
          if (reply instanceof ServiceAllocator.Refused refused) {
            throw StoreError.invalid("Service", KubeJson.name(service),
                List.of(FieldError.invalid(refused.field(), refused.value(), refused.message()))).toException();
          }
          return (ServiceAllocator.Allocated) reply;
        });
  }

  private void release(List<String> ips, List<Integer> ports) {
    if (ips.isEmpty() && ports.isEmpty()) {
      return;
    }
    allocator.<ServiceAllocator.Reply>ask(replyTo -> new ServiceAllocator.Release(ips, ports, caller, replyTo), timeout);
  }

  /** Keeps what was allocated if the write succeeds (and frees what it no longer uses), frees it if not. */
  private Admitted admitted(ObjectNode service, List<String> newIps, List<Integer> newPorts, List<String> oldIps, List<Integer> oldPorts) {
    return new Admitted() {
      @Override
      public ObjectNode object() {
        return service;
      }

      @Override
      public void succeeded(boolean persisted) {
        if (persisted) {
          release(oldIps, oldPorts);
        } else {
          release(newIps, newPorts);
        }
      }

      @Override
      public void failed() {
        release(newIps, newPorts);
      }
    };
  }
}
