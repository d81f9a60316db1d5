package io.dirigent.node.proxy;

import java.util.List;
import java.util.Objects;

/**
 * One port of one Service as the proxy serves it: where clients send (the ClusterIP and port,
 * and the NodePort if any) and the ready endpoints it balances over.
 *
 * @param name {@code namespace/service:port-name} (the port's number when it has no name)
 * @param clusterIp null for headless services (only their NodePort, if any, is served)
 * @param nodePort 0 for none
 */
public record ServiceRule(String name, String clusterIp, int port, String protocol, int nodePort, List<Endpoint> endpoints) {

  public ServiceRule {
    Objects.requireNonNull(name, "name");
    protocol = protocol == null ? "TCP" : protocol;
    endpoints = List.copyOf(endpoints);
  }

  /** A ready endpoint: a pod's IP and the target port. */
  public record Endpoint(String ip, int port) {}
}
