package io.dirigent.node.network;

import io.dirigent.core.net.Ipv4;
import io.dirigent.core.net.Ipv4Cidr;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What this host's pod network should be, from the Node objects: its own range, and for every
 * other node with a range and an address, where that range lives. Pure: the Nodes are read as
 * users may have written them, so a range outside the cluster's network, one that overlaps
 * another's, or an address that is not an ordinary IPv4 address leaves that node out (and says
 * why), never anything else.
 *
 * @param own this node's range; empty until the controller manager gave it one
 * @param address this node's InternalIP
 * @param peers the other nodes' ranges, oldest node first
 */
public record NetworkPlan(Optional<Ipv4Cidr> own, String address, List<Peer> peers) {

  /** Another node's range and the address its pods are reached through. */
  public record Peer(String node, Ipv4Cidr range, String address) {}

  public NetworkPlan {
    peers = List.copyOf(peers);
  }

  /**
   * The plan for node {@code self} among {@code nodes}.
   *
   * @param address this node's InternalIP (its own Node may not say yet)
   * @param problems told, once per plan, of each node left out and why
   */
  public static NetworkPlan of(String self, String address, Ipv4Cidr cluster, Collection<Node> nodes, Consumer<String> problems) {
    Optional<Ipv4Cidr> own = Optional.empty();
    for (Node node : nodes) {
      if (self.equals(node.getMetadata().getName())) {
        own = range(node, cluster, problems);
      }
    }
    List<Peer> peers = new ArrayList<>();
    // The older node keeps a range two claim: a node made later cannot draw an existing one's traffic.
    List<Node> sorted = nodes.stream().sorted(Comparator.comparing((Node node) -> created(node)).thenComparing(node -> node.getMetadata().getName()))
        .toList();
    for (Node node : sorted) {
      String name = node.getMetadata().getName();
      if (self.equals(name)) {
        continue;
      }
      Optional<Ipv4Cidr> range = range(node, cluster, problems);
      if (range.isEmpty()) {
        continue;
      }
      Optional<String> peerAddress = internalIp(node);
      if (peerAddress.isEmpty()) {
        problems.accept("node %s has range %s but no InternalIP that is an ordinary IPv4 address; its pods are not reachable from here".formatted(name, range.get()));
        continue;
      }
      if (peerAddress.get().equals(address)) {
        // Another node on this host (a second worker on the same engine): its bridge is here already.
        continue;
      }
      Ipv4Cidr candidate = range.get();
      Optional<Ipv4Cidr> mine = own;
      if (mine.isPresent() && mine.get().overlaps(candidate) || peers.stream().anyMatch(peer -> peer.range().overlaps(candidate))) {
        problems.accept("node %s's range %s overlaps another node's; it is left out".formatted(name, candidate));
        continue;
      }
      peers.add(new Peer(name, candidate, peerAddress.get()));
    }
    return new NetworkPlan(own, address, peers);
  }

  /** When the node was made, as sortable text (RFC 3339 in UTC); none sorts first. */
  private static String created(Node node) {
    return node.getMetadata().getCreationTimestamp() == null ? "" : node.getMetadata().getCreationTimestamp();
  }

  private static Optional<Ipv4Cidr> range(Node node, Ipv4Cidr cluster, Consumer<String> problems) {
    String text = node.getSpec() == null ? null : node.getSpec().getPodCIDR();
    if (text == null || text.isEmpty()) {
      return Optional.empty();
    }
    Optional<Ipv4Cidr> range = Ipv4Cidr.parse(text);
    if (range.isEmpty() || !cluster.contains(range.get())) {
      problems.accept("node %s's podCIDR %s is not a range of the cluster's pod network %s; it is left out"
          .formatted(node.getMetadata().getName(), text, cluster));
      return Optional.empty();
    }
    return range;
  }

  /** A node's first InternalIP, if it is an ordinary IPv4 address (not loopback, link-local, multicast, ...). */
  static Optional<String> internalIp(Node node) {
    if (node.getStatus() == null || node.getStatus().getAddresses() == null) {
      return Optional.empty();
    }
    return node.getStatus().getAddresses().stream()
        .filter(address -> "InternalIP".equals(address.getType()))
        .map(NodeAddress::getAddress)
        .findFirst()
        .filter(address -> Ipv4.special(address).isEmpty());
  }

  /** The gateway of a range: its pods' default route, the bridge's address. */
  static String gateway(Ipv4Cidr range) {
    return range.address(1);
  }

  /**
   * The MAC address of a host's VXLAN device, derived from the host's address (as CNI's bridge
   * derives a container's from its IP): every node knows every other host's without asking.
   */
  static String vtepMac(String hostAddress) {
    long ip = Ipv4.parse(hostAddress).orElseThrow(() -> new IllegalArgumentException("not an IPv4 address: " + hostAddress));
    return "0a:58:%02x:%02x:%02x:%02x".formatted(ip >> 24 & 255, ip >> 16 & 255, ip >> 8 & 255, ip & 255);
  }
}
