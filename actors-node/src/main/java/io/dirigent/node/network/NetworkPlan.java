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
 * What this host's pod network should be, from the Node objects: its own range, the ranges of the
 * other nodes on this host (a test's second worker on the same engine: same InternalIP), and for
 * every node on another host, where its range lives. Pure: the Nodes are read as users may have
 * written them, so a range outside the cluster's network or too small for a gateway and a pod, one
 * that overlaps an older node's (the older keeps it, so a node made later cannot draw an existing
 * one's traffic), or an address that is not an ordinary IPv4 address outside the cluster network
 * leaves that node out (and says why), never anything else.
 *
 * @param node this node's name
 * @param own this node's range; empty until the controller manager gave it one
 * @param address this node's InternalIP
 * @param local the ranges of every node on this host, this one's included, oldest node first
 * @param peers the other hosts' nodes' ranges, oldest node first
 * @param nodes the names of every Node there is
 */
public record NetworkPlan(String node, Optional<Ipv4Cidr> own, String address, List<Ipv4Cidr> local, List<Peer> peers, java.util.Set<String> nodes) {

  /** Another host's node: its range and the host's address its pods are reached through. */
  public record Peer(String node, Ipv4Cidr range, String address) {}

  /** The smallest range a node may have: a gateway and at least one pod. */
  static final int MAX_PREFIX = 30;

  public NetworkPlan {
    local = List.copyOf(local);
    peers = List.copyOf(peers);
    nodes = java.util.Set.copyOf(nodes);
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
    // The older node keeps a range two claim: a node made later cannot draw an existing one's traffic.
    List<Node> sorted = nodes.stream().sorted(Comparator.comparing((Node node) -> created(node)).thenComparing(node -> node.getMetadata().getName()))
        .toList();
    if (own.isPresent()) {
      Ipv4Cidr mine = own.get();
      for (Node node : sorted) {
        if (self.equals(node.getMetadata().getName())) {
          break;
        }
        Optional<Ipv4Cidr> older = range(node, cluster, problem -> { });
        if (older.isPresent() && older.get().overlaps(mine)) {
          problems.accept("this node's range %s overlaps the older node %s's; this node has no pod network until it is given another".formatted(mine, node.getMetadata().getName()));
          own = Optional.empty();
          break;
        }
      }
    }
    List<Ipv4Cidr> claimed = new ArrayList<>();
    own.ifPresent(claimed::add);
    List<Ipv4Cidr> local = new ArrayList<>(claimed);
    List<Peer> peers = new ArrayList<>();
    for (Node node : sorted) {
      String name = node.getMetadata().getName();
      if (self.equals(name)) {
        continue;
      }
      Optional<Ipv4Cidr> range = range(node, cluster, problems);
      if (range.isEmpty()) {
        continue;
      }
      Ipv4Cidr candidate = range.get();
      if (claimed.stream().anyMatch(candidate::overlaps)) {
        problems.accept("node %s's range %s overlaps an older node's; it is left out".formatted(name, candidate));
        continue;
      }
      if (address.equals(firstInternalIp(node).orElse(null))) {
        // Another node on this host (loopback included: the all-in-one's second worker): its bridge is here already.
        claimed.add(candidate);
        local.add(candidate);
        continue;
      }
      Optional<String> peerAddress = internalIp(node);
      if (peerAddress.isEmpty() || Ipv4.parse(peerAddress.get()).stream().anyMatch(cluster::contains)) {
        problems.accept("node %s has range %s but no InternalIP that is an ordinary IPv4 address outside the pod network; its pods are not reachable from here"
            .formatted(name, candidate));
        continue;
      }
      claimed.add(candidate);
      peers.add(new Peer(name, candidate, peerAddress.get()));
    }
    java.util.Set<String> names = new java.util.HashSet<>();
    nodes.forEach(node -> names.add(node.getMetadata().getName()));
    return new NetworkPlan(self, own, address, local, peers, names);
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
    if (range.get().prefix() > MAX_PREFIX) {
      problems.accept("node %s's podCIDR %s has no room for a gateway and a pod (at most /%d); it is left out"
          .formatted(node.getMetadata().getName(), text, MAX_PREFIX));
      return Optional.empty();
    }
    return range;
  }

  /** A node's first InternalIP, if it is an ordinary IPv4 address (not loopback, link-local, multicast, ...). */
  static Optional<String> internalIp(Node node) {
    return firstInternalIp(node).filter(address -> Ipv4.special(address).isEmpty());
  }

  private static Optional<String> firstInternalIp(Node node) {
    if (node.getStatus() == null || node.getStatus().getAddresses() == null) {
      return Optional.empty();
    }
    return node.getStatus().getAddresses().stream()
        .filter(address -> "InternalIP".equals(address.getType()))
        .map(NodeAddress::getAddress)
        .filter(java.util.Objects::nonNull)
        .findFirst();
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
