package io.dirigent.node.network;

import io.dirigent.core.net.Ipv4Cidr;
import java.io.IOException;

/** The container engine's part of a node's pod network: the bridge network its pod sandboxes join. */
public interface PodNetworkEngine {

  /**
   * Makes the engine's network {@code name} a bridge named {@code bridge} of {@code range} with
   * {@code gateway} and {@code mtu}, without the engine's own masquerading (the node masquerades
   * only what leaves the cluster); an existing network of other settings is replaced when no
   * container is attached to it, and is an error otherwise. Blocking.
   */
  void ensureNetwork(String name, Ipv4Cidr range, String gateway, String bridge, int mtu, String node) throws IOException;

  /** Removes the engine's network {@code name}, if it exists and no container is attached. Blocking. */
  void removeNetwork(String name) throws IOException;

  /**
   * Removes the pod networks {@link #ensureNetwork} made that have no container attached and are
   * either {@code node}'s but not {@code keep} (a range it held before) or of a node not among
   * {@code nodes} (a node gone, or of another cluster that ran here). Another live node's network
   * is never touched, even while it is still empty. Blocking.
   */
  void pruneNetworks(String keep, String node, java.util.Set<String> nodes) throws IOException;
}
