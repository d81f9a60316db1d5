package io.dirigent.node.proxy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Tcp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Service traffic through the proxy itself, for hosts without iptables: a Pekko Streams TCP
 * listener per NodePort (on the node's address and on 127.0.0.1) and per ClusterIP port where
 * that address is assigned to the host, each connection piped to the next ready endpoint in
 * turn (round robin). Changed endpoints apply to new connections; removed ports close their
 * listeners.
 */
public final class UserspaceProxier implements Proxier {

  private static final Logger log = LoggerFactory.getLogger(UserspaceProxier.class);

  private final ActorSystem<?> system;
  private final Materializer materializer;
  private final List<String> nodeAddresses;
  private final Map<String, Listener> listeners = new HashMap<>();

  /** One bound address:port and the endpoints it currently forwards to. */
  private static final class Listener {
    final AtomicReference<List<ServiceRule.Endpoint>> endpoints;
    final Tcp.ServerBinding binding;

    Listener(AtomicReference<List<ServiceRule.Endpoint>> endpoints, Tcp.ServerBinding binding) {
      this.endpoints = endpoints;
      this.binding = binding;
    }
  }

  /** @param nodeAddresses where NodePorts listen, e.g. the node's InternalIP and 127.0.0.1 */
  public UserspaceProxier(ActorSystem<?> system, List<String> nodeAddresses) {
    this.system = system;
    this.materializer = Materializer.matFromSystem(system);
    this.nodeAddresses = List.copyOf(nodeAddresses);
  }

  @Override
  public synchronized void sync(List<ServiceRule> rules) {
    Map<String, ServiceRule> wanted = new HashMap<>();
    for (ServiceRule rule : rules) {
      if (!rule.protocol().equals("TCP")) {
        continue;
      }
      if (rule.nodePort() > 0) {
        nodeAddresses.forEach(address -> wanted.put(address + ":" + rule.nodePort(), rule));
      }
      if (rule.clusterIp() != null) {
        wanted.put(rule.clusterIp() + ":" + rule.port(), rule);
      }
    }
    for (var entry : Map.copyOf(listeners).entrySet()) {
      if (!wanted.containsKey(entry.getKey())) {
        entry.getValue().binding.unbind();
        listeners.remove(entry.getKey());
      }
    }
    for (var entry : wanted.entrySet()) {
      Listener existing = listeners.get(entry.getKey());
      if (existing != null) {
        existing.endpoints.set(entry.getValue().endpoints());
        continue;
      }
      String[] address = entry.getKey().split(":");
      AtomicReference<List<ServiceRule.Endpoint>> endpoints = new AtomicReference<>(entry.getValue().endpoints());
      AtomicInteger next = new AtomicInteger();
      CompletionStage<Tcp.ServerBinding> bound = Tcp.get(system).bind(address[0], Integer.parseInt(address[1]))
          .to(Sink.foreach(connection -> {
            List<ServiceRule.Endpoint> current = endpoints.get();
            if (current.isEmpty()) {
              // Nowhere to send it: refuse by closing at once, as a REJECT would.
              connection.handleWith(org.apache.pekko.stream.javadsl.Flow.<org.apache.pekko.util.ByteString>create().take(0), materializer);
              return;
            }
            ServiceRule.Endpoint target = current.get(Math.floorMod(next.getAndIncrement(), current.size()));
            connection.handleWith(Tcp.get(system).outgoingConnection(target.ip(), target.port()), materializer);
          }))
          .run(materializer);
      try {
        Tcp.ServerBinding binding = bound.toCompletableFuture().get(5, TimeUnit.SECONDS);
        listeners.put(entry.getKey(), new Listener(endpoints, binding));
      } catch (Exception e) {
        log.debug("service {} not served on {}: {}", entry.getValue().name(), entry.getKey(), e.getMessage());
      }
    }
  }

  @Override
  public synchronized void close() {
    listeners.values().forEach(listener -> listener.binding.unbind());
    listeners.clear();
  }
}
