package io.dirigent.node.proxy;

import io.dirigent.core.net.Ipv4;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One port of one Service as the proxy serves it: where clients send (the ClusterIP and port,
 * and the NodePort if any) and the ready endpoints it balances over. Everything here goes into
 * the host's packet filter, so the record admits only what is exactly a protocol, an address or a
 * port: the API server validates the objects, and this checks again on the node.
 *
 * @param name {@code namespace/service:port-name} (the port's number when it has no name); it
 *     names chains by its hash and is written into rule comments only as far as it is safe there
 * @param clusterIp null for headless services (only their NodePort, if any, is served)
 * @param nodePort 0 for none
 */
public record ServiceRule(String name, String clusterIp, int port, String protocol, int nodePort, List<Endpoint> endpoints) {

  static final Set<String> PROTOCOLS = Set.of("TCP", "UDP", "SCTP");

  public ServiceRule {
    Objects.requireNonNull(name, "name");
    protocol = protocol == null ? "TCP" : protocol;
    if (!PROTOCOLS.contains(protocol)) {
      throw new IllegalArgumentException("unsupported protocol: " + protocol);
    }
    if (clusterIp != null && !Ipv4.isValid(clusterIp)) {
      throw new IllegalArgumentException("not an IPv4 cluster IP: " + clusterIp);
    }
    requirePort(port, "port");
    if (nodePort != 0) {
      requirePort(nodePort, "node port");
    }
    endpoints = List.copyOf(endpoints);
  }

  /** A ready endpoint: a pod's IP (an ordinary IPv4 address: not loopback, link-local, ...) and the target port. */
  public record Endpoint(String ip, int port) {
    public Endpoint {
      String problem = Ipv4.special(ip).orElse(null);
      if (problem != null) {
        throw new IllegalArgumentException("endpoint address " + ip + " " + problem);
      }
      requirePort(port, "endpoint port");
    }
  }

  private static void requirePort(int port, String what) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(what + " out of range: " + port);
    }
  }
}
