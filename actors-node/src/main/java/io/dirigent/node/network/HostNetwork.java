package io.dirigent.node.network;

import io.dirigent.core.net.Ipv4;
import io.dirigent.core.net.Ipv4Cidr;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Makes this host's pod network what a {@link NetworkPlan} says, with the host's own tools, as
 * flannel does: the engine's bridge network of the node's range (the pods' side); a VXLAN device
 * whose address is the range's first and whose MAC is derived from it, with, for every other
 * node, a route to its range via its device's address, a permanent neighbour entry for that
 * address and a forwarding entry sending that MAC to the node's InternalIP (vxlan mode) — or a
 * route to each range via its node's address (host-gw); an unreachable route for the rest of the
 * cluster's network, so that nothing meant for a pod leaves by the default route; and the
 * packet filter's part: pod-to-pod traffic forwarded and not NAT'ed, traffic leaving the cluster
 * masqueraded. Every step is idempotent and removes what is no longer wanted: routes carry the
 * protocol tag {@value #ROUTE_PROTOCOL}, so that only this class's routes are ever deleted.
 * Blocking: the pod network actor runs it off its thread, one apply at a time.
 */
public final class HostNetwork {

  /** The engine's network pod sandboxes join. */
  public static final String NETWORK = "dirigent";
  /** Its Linux bridge. */
  public static final String BRIDGE = "dirigent0";
  /** The VXLAN device. */
  public static final String VXLAN = "dirigent-vx";
  /** The routing protocol number this class's routes carry (unassigned by IANA's list in iproute2's rt_protos). */
  static final String ROUTE_PROTOCOL = "177";

  private final NetworkSettings settings;
  private final PodNetworkEngine engine;

  public HostNetwork(NetworkSettings settings, PodNetworkEngine engine) {
    this.settings = settings;
    this.engine = engine;
  }

  /** Whether this host has the tools: {@code ip}, {@code bridge} and the packet filter's. */
  public static boolean available() {
    try {
      return HostCommand.run("ip", "-V").ok() && HostCommand.run("bridge", "-V").ok()
          && HostCommand.run("iptables", "-w", "5", "-t", "nat", "-S", "POSTROUTING").ok() && HostCommand.run("iptables-restore", "--version").ok();
    } catch (IOException e) {
      return false;
    }
  }

  /** The interface that carries {@code address}, and its MTU. */
  record Uplink(String device, int mtu) {}

  /** Applies {@code plan}, which names this node's range. */
  public void apply(NetworkPlan plan) throws IOException {
    Ipv4Cidr own = plan.own().orElseThrow(() -> new IllegalArgumentException("the node has no range yet"));
    Optional<Uplink> uplink = uplink(plan.address());
    boolean overlay = settings.mode() == NetworkSettings.Mode.VXLAN && Ipv4.special(plan.address()).isEmpty();
    int mtu = settings.mtu() > 0 ? settings.mtu()
        : uplink.map(Uplink::mtu).orElse(1500) - (settings.mode() == NetworkSettings.Mode.VXLAN ? NetworkSettings.VXLAN_OVERHEAD : 0);
    engine.ensureNetwork(NETWORK, own, NetworkPlan.gateway(own), BRIDGE, mtu);
    if (overlay) {
      ensureVxlan(own, plan.address(), uplink, mtu);
    }
    syncRoutes(routes(plan, overlay));
    if (overlay) {
      syncForwarding(plan.peers());
    }
    HostCommand.Result restored = HostCommand.run(List.of(), List.of("iptables-restore", "-w", "5", "--noflush"), rules(own));
    if (!restored.ok()) {
      throw new IOException("iptables-restore failed: " + restored.output());
    }
    ensureJump("filter", "FORWARD", forwardChain());
    ensureJump("nat", "POSTROUTING", postroutingChain());
  }

  /** Removes everything {@link #apply} made (the engine's network only once no pod is attached). */
  public void remove() throws IOException {
    for (String[] jump : new String[][] {{"filter", "FORWARD", forwardChain()}, {"nat", "POSTROUTING", postroutingChain()}}) {
      while (HostCommand.run("iptables", "-w", "5", "-t", jump[0], "-D", jump[1], "-j", jump[2]).ok()) {
        // every copy
      }
      HostCommand.run("iptables", "-w", "5", "-t", jump[0], "-F", jump[2]);
      HostCommand.run("iptables", "-w", "5", "-t", jump[0], "-X", jump[2]);
    }
    syncRoutes(Map.of());
    HostCommand.run("ip", "link", "del", VXLAN);
    engine.removeNetwork(NETWORK);
  }

  String forwardChain() {
    return settings.chainPrefix() + "-NET-FORWARD";
  }

  String postroutingChain() {
    return settings.chainPrefix() + "-NET-POSTROUTING";
  }

  /**
   * The routes {@code plan} needs, by destination: the arguments of {@code ip route replace}
   * (without the protocol tag).
   */
  Map<String, List<String>> routes(NetworkPlan plan, boolean overlay) {
    Map<String, List<String>> routes = new LinkedHashMap<>();
    String cluster = settings.cluster().toString();
    routes.put(cluster, List.of("unreachable", cluster));
    for (NetworkPlan.Peer peer : plan.peers()) {
      String range = peer.range().toString();
      if (overlay) {
        routes.put(range, List.of(range, "via", peer.range().address(0), "dev", VXLAN, "onlink"));
      } else if (settings.mode() == NetworkSettings.Mode.HOST_GW) {
        routes.put(range, List.of(range, "via", peer.address()));
      }
    }
    return routes;
  }

  /** The packet filter's rules for a node of range {@code own}, as {@code iptables-restore --noflush} input that replaces both chains. */
  String rules(Ipv4Cidr own) {
    String cluster = settings.cluster().toString();
    return """
        *filter
        :%1$s - [0:0]
        -A %1$s -s %3$s -d %3$s -m comment --comment "dirigent pod network: between pods" -j ACCEPT
        -A %1$s -d %4$s -m comment --comment "dirigent pod network: to the pods of this node" -j ACCEPT
        -A %1$s -s %4$s -m comment --comment "dirigent pod network: from the pods of this node" -j ACCEPT
        COMMIT
        *nat
        :%2$s - [0:0]
        -A %2$s -s %3$s -d %3$s -m comment --comment "dirigent pod network: no NAT between pods" -j RETURN
        -A %2$s -s %4$s ! -d 224.0.0.0/4 -m comment --comment "dirigent pod network: leaving the cluster" -j MASQUERADE
        COMMIT
        """.formatted(forwardChain(), postroutingChain(), cluster, own);
  }

  private static void ensureJump(String table, String chain, String target) throws IOException {
    if (!HostCommand.run("iptables", "-w", "5", "-t", table, "-C", chain, "-j", target).ok()) {
      HostCommand.check("iptables", "-w", "5", "-t", table, "-I", chain, "1", "-j", target);
    }
  }

  /** The interface that has {@code address}, and its MTU; empty when none has it. */
  static Optional<Uplink> uplink(String address) throws IOException {
    for (String line : HostCommand.check("ip", "-4", "-o", "addr", "show").split("\n")) {
      String[] fields = line.trim().split("\\s+");
      // "2: eth0    inet 10.0.0.5/24 brd 10.0.0.255 scope global eth0\       valid_lft ..."
      if (fields.length > 3 && fields[2].equals("inet") && fields[3].startsWith(address + "/")) {
        String device = fields[1].contains("@") ? fields[1].substring(0, fields[1].indexOf('@')) : fields[1];
        return Optional.of(new Uplink(device, mtu(HostCommand.check("ip", "-o", "link", "show", "dev", device))));
      }
    }
    return Optional.empty();
  }

  /** The MTU in one line of {@code ip -o link show}. */
  static int mtu(String link) {
    String[] fields = link.trim().split("\\s+");
    for (int i = 0; i < fields.length - 1; i++) {
      if (fields[i].equals("mtu")) {
        return Integer.parseInt(fields[i + 1]);
      }
    }
    return 1500;
  }

  private void ensureVxlan(Ipv4Cidr own, String address, Optional<Uplink> uplink, int mtu) throws IOException {
    HostCommand.Result shown = HostCommand.run("ip", "-d", "-o", "link", "show", "dev", VXLAN);
    if (shown.ok() && !isVxlan(shown.output(), settings.vni(), address, settings.vxlanPort())) {
      HostCommand.check("ip", "link", "del", VXLAN);
      shown = new HostCommand.Result(1, "");
    }
    if (!shown.ok()) {
      List<String> add = new ArrayList<>(List.of("ip", "link", "add", VXLAN, "type", "vxlan", "id", String.valueOf(settings.vni()),
          "local", address));
      uplink.ifPresent(link -> add.addAll(List.of("dev", link.device())));
      add.addAll(List.of("dstport", String.valueOf(settings.vxlanPort()), "nolearning"));
      HostCommand.check(add.toArray(String[]::new));
    }
    HostCommand.check("ip", "link", "set", VXLAN, "address", NetworkPlan.vtepMac(own), "mtu", String.valueOf(mtu), "up");
    String wanted = own.address(0) + "/32";
    String addresses = HostCommand.check("ip", "-4", "-o", "addr", "show", "dev", VXLAN);
    if (!addresses.contains(" " + wanted + " ") || addresses.lines().count() != 1) {
      HostCommand.check("ip", "addr", "flush", "dev", VXLAN);
      HostCommand.check("ip", "addr", "add", wanted, "dev", VXLAN);
    }
  }

  /** Whether {@code ip -d -o link show} describes a VXLAN device of these settings. */
  static boolean isVxlan(String details, int vni, String local, int port) {
    String line = " " + details.replaceAll("\\s+", " ") + " ";
    return line.contains(" vxlan id " + vni + " ") && line.contains(" local " + local + " ") && line.contains(" dstport " + port + " ");
  }

  /** Makes this class's routes exactly {@code wanted} (by destination). */
  private static void syncRoutes(Map<String, List<String>> wanted) throws IOException {
    for (String line : HostCommand.check("ip", "-4", "-o", "route", "show", "proto", ROUTE_PROTOCOL).split("\n")) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length == 0 || fields[0].isEmpty()) {
        continue;
      }
      boolean typed = fields[0].equals("unreachable") || fields[0].equals("blackhole") || fields[0].equals("prohibit");
      String destination = typed && fields.length > 1 ? fields[1] : fields[0];
      if (!wanted.containsKey(destination)) {
        List<String> delete = new ArrayList<>(List.of("ip", "route", "del"));
        if (typed) {
          delete.add(fields[0]);
        }
        delete.addAll(List.of(destination, "proto", ROUTE_PROTOCOL));
        HostCommand.check(delete.toArray(String[]::new));
      }
    }
    for (List<String> route : wanted.values()) {
      List<String> replace = new ArrayList<>(List.of("ip", "route", "replace"));
      replace.addAll(route);
      replace.addAll(List.of("proto", ROUTE_PROTOCOL));
      HostCommand.check(replace.toArray(String[]::new));
    }
  }

  /** Makes the VXLAN device's neighbour and forwarding entries exactly those of {@code peers}. */
  private static void syncForwarding(List<NetworkPlan.Peer> peers) throws IOException {
    Map<String, String> neighbours = new LinkedHashMap<>();
    Map<String, String> forwarding = new LinkedHashMap<>();
    for (NetworkPlan.Peer peer : peers) {
      neighbours.put(peer.range().address(0), NetworkPlan.vtepMac(peer.range()));
      forwarding.put(NetworkPlan.vtepMac(peer.range()), peer.address());
    }
    for (String line : HostCommand.check("ip", "-4", "neigh", "show", "dev", VXLAN).split("\n")) {
      String[] fields = line.trim().split("\\s+");
      // "10.244.1.0 lladdr 0a:58:0a:f4:01:00 PERMANENT"
      if (fields.length >= 3 && Ipv4.isValid(fields[0])
          && !(fields[1].equals("lladdr") && fields[2].equals(neighbours.get(fields[0])))) {
        HostCommand.run("ip", "neigh", "del", fields[0], "dev", VXLAN);
      }
    }
    for (String line : HostCommand.check("bridge", "fdb", "show", "dev", VXLAN).split("\n")) {
      String[] fields = line.trim().split("\\s+");
      // "0a:58:0a:f4:01:00 dst 10.77.0.2 self permanent"
      if (fields.length >= 3 && fields[1].equals("dst") && !fields[2].equals(forwarding.get(fields[0]))) {
        HostCommand.run("bridge", "fdb", "del", fields[0], "dev", VXLAN, "dst", fields[2], "self");
      }
    }
    for (Map.Entry<String, String> entry : neighbours.entrySet()) {
      HostCommand.check("ip", "neigh", "replace", entry.getKey(), "lladdr", entry.getValue(), "dev", VXLAN, "nud", "permanent");
    }
    for (Map.Entry<String, String> entry : forwarding.entrySet()) {
      HostCommand.check("bridge", "fdb", "replace", entry.getKey(), "dev", VXLAN, "dst", entry.getValue(), "self", "permanent");
    }
  }
}
