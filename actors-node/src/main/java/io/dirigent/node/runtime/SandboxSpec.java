package io.dirigent.node.runtime;

import java.util.List;

/**
 * A pod's sandbox: the container that holds its network namespace (and so its IP) for the app
 * containers to join.
 *
 * @param labels which pod; {@code container} is {@link RuntimeContainer.ContainerLabels#SANDBOX}
 * @param hostname the pod's hostname (its name)
 * @param hostNetwork whether the pod uses the node's network instead of its own
 * @param hostIpc whether the pod uses the node's IPC namespace instead of its own
 * @param ports the container ports published on the node (hostPort)
 */
public record SandboxSpec(RuntimeContainer.ContainerLabels labels, String hostname, boolean hostNetwork, boolean hostIpc,
    List<PortMapping> ports) {

  public SandboxSpec {
    ports = List.copyOf(ports);
  }

  /** A container port published on the node. */
  public record PortMapping(int containerPort, int hostPort, String protocol, String hostIp) {}
}
