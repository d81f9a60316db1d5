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
 * flannel does:
 *
 * <ul>
 *   <li>the engine's bridge network of the node's range ({@link #networkName}, bridge
 *       {@link #bridgeName}), which its pod sandboxes join;
 *   <li>vxlan mode: one VXLAN device per host, {@value #VXLAN}, whose MAC is derived from the
 *       host's address (every node knows every other host's without asking) and which holds the
 *       first address of each local node's range; for every node on another host, a route to its
 *       range via that range's first address, a permanent neighbour entry giving that address its
 *       host's MAC, and a forwarding entry sending the MAC to the host's address;
 *   <li>host-gw mode: a route to each other host's node ranges via the host's address;
 *   <li>an unreachable route for the whole cluster network, so that nothing meant for a pod of
 *       no node leaves by the default route;
 *   <li>the packet filter's part, the same on every host: traffic from and to pods forwarded,
 *       not NAT'ed between pods, masqueraded when it leaves the cluster network.
 * </ul>
 *
 * Several nodes on one host (a test's second worker on the same engine) each have their own
 * bridge and share the rest: each applies the same device, routes and rules. Every step is
 * idempotent and removes what is no longer wanted; routes carry the protocol tag
 * {@value #ROUTE_PROTOCOL}, so only this class's routes are ever deleted. Blocking: the pod
 * network actor runs it off its thread, one apply at a time.
 */
public final class HostNetwork {

  /** The VXLAN device. */
  public static final String VXLAN = "dirigent-vx";
  /** The routing protocol number this class's routes carry (unassigned in iproute2's rt_protos). */
  static final String ROUTE_PROTOCOL = "177";

  private final NetworkSettings settings;
  private final PodNetworkEngine engine;
  /** What every command runs under: nothing on the host, {@code ip netns exec NAME} in a network namespace. */
  private final List<String> within;

  public HostNetwork(NetworkSettings settings, PodNetworkEngine engine) {
    this.settings = settings;
    this.engine = engine;
    this.within = List.of();
  }

  /** The network of namespace {@code networkNamespace} instead of the host's (the benchmark's hosts are namespaces). */
  public HostNetwork(NetworkSettings settings, PodNetworkEngine engine, String networkNamespace) {
    if (!networkNamespace.matches("[a-z0-9][-a-z0-9]{0,30}")) {
      throw new IllegalArgumentException("not a network namespace name: " + networkNamespace);
    }
    this.settings = settings;
    this.engine = engine;
    this.within = List.of("ip", "netns", "exec", networkNamespace);
  }

  /** The engine network of a node's range, e.g. {@code dirigent-10.244.1.0-24}. */
  public static String networkName(Ipv4Cidr range) {
    return "dirigent-" + range.toString().replace('/', '-');
  }

  /** The Linux bridge of a node's range: {@code dg} and the range's first address in hex, e.g. {@code dg0af40100} (a device name has at most 15 characters). */
  public static String bridgeName(Ipv4Cidr range) {
    return "dg%08x".formatted(range.network());
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

  /** Applies {@code plan}, which names this node's range; answers the engine network its pods join. */
  public String apply(NetworkPlan plan) throws IOException {
    Ipv4Cidr own = plan.own().orElseThrow(() -> new IllegalArgumentException("the node has no range yet"));
    Optional<Uplink> uplink = uplink(plan.address());
    boolean overlay = settings.mode() == NetworkSettings.Mode.VXLAN && Ipv4.special(plan.address()).isEmpty();
    int mtu = settings.mtu() > 0 ? settings.mtu()
        : uplink.map(Uplink::mtu).orElse(1500) - (settings.mode() == NetworkSettings.Mode.VXLAN ? NetworkSettings.VXLAN_OVERHEAD : 0);
    String network = networkName(own);
    engine.ensureNetwork(network, own, NetworkPlan.gateway(own), bridgeName(own), mtu);
    if (overlay) {
      ensureVxlan(own, plan.address(), uplink, mtu);
    } else {
      // Another mode before, or an address that makes none: the device goes, with its entries.
      run("ip", "link", "del", VXLAN);
    }
    syncRoutes(routes(plan, overlay));
    if (overlay) {
      syncForwarding(plan.peers());
    }
    HostCommand.Result restored = HostCommand.run(within, List.of("iptables-restore", "-w", "5", "--noflush"), rules());
    if (!restored.ok()) {
      throw new IOException("iptables-restore failed: " + restored.output());
    }
    ensureFirst("filter", forwardHook(), forwardChain());
    ensureFirst("nat", "POSTROUTING", postroutingChain());
    return network;
  }

  /** Removes what {@link #apply} made: the rules, the routes, the VXLAN device, and the engine network of {@code own} (once no pod is attached). */
  public void remove(Ipv4Cidr own) throws IOException {
    for (String[] jump : new String[][] {{"filter", "DOCKER-USER", forwardChain()}, {"filter", "FORWARD", forwardChain()},
        {"nat", "POSTROUTING", postroutingChain()}}) {
      while (run("iptables", "-w", "5", "-t", jump[0], "-D", jump[1], "-j", jump[2]).ok()) {
        // every copy
      }
    }
    for (String[] chain : new String[][] {{"filter", forwardChain()}, {"nat", postroutingChain()}}) {
      run("iptables", "-w", "5", "-t", chain[0], "-F", chain[1]);
      run("iptables", "-w", "5", "-t", chain[0], "-X", chain[1]);
    }
    syncRoutes(Map.of());
    run("ip", "link", "del", VXLAN);
    engine.removeNetwork(networkName(own));
  }

  String forwardChain() {
    return settings.chainPrefix() + "-NET-FORWARD";
  }

  String postroutingChain() {
    return settings.chainPrefix() + "-NET-POSTROUTING";
  }

  /**
   * Where forwarded packets meet the rules first: Docker's {@code DOCKER-USER} where the engine
   * made it (it runs before the engine's isolation of its bridges from each other, and the engine
   * never reorders it), else {@code FORWARD}.
   */
  private String forwardHook() throws IOException {
    return run("iptables", "-w", "5", "-t", "filter", "-S", "DOCKER-USER").ok() ? "DOCKER-USER" : "FORWARD";
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

  /** The packet filter's rules, as {@code iptables-restore --noflush} input that replaces both chains. */
  String rules() {
    return """
        *filter
        :%1$s - [0:0]
        -A %1$s -s %3$s -m comment --comment "dirigent pod network: from pods" -j ACCEPT
        -A %1$s -d %3$s -m comment --comment "dirigent pod network: to pods" -j ACCEPT
        COMMIT
        *nat
        :%2$s - [0:0]
        -A %2$s -s %3$s -d %3$s -m comment --comment "dirigent pod network: no NAT between pods" -j RETURN
        -A %2$s -s %3$s ! -d 224.0.0.0/4 -m comment --comment "dirigent pod network: leaving the cluster" -j MASQUERADE
        COMMIT
        """.formatted(forwardChain(), postroutingChain(), settings.cluster());
  }

  /** Makes the jump to {@code target} the first rule of {@code chain} (once; the engine may have put its own before it). */
  private void ensureFirst(String table, String chain, String target) throws IOException {
    String rules = check("iptables", "-w", "5", "-t", table, "-S", chain);
    String first = rules.lines().filter(line -> line.startsWith("-A ")).findFirst().orElse("");
    if (first.equals("-A " + chain + " -j " + target) && rules.lines().filter(line -> line.endsWith(" -j " + target)).count() == 1) {
      return;
    }
    while (run("iptables", "-w", "5", "-t", table, "-D", chain, "-j", target).ok()) {
      // every copy
    }
    check("iptables", "-w", "5", "-t", table, "-I", chain, "1", "-j", target);
  }

  /** The interface that has {@code address}, and its MTU; empty when none has it. */
  Optional<Uplink> uplink(String address) throws IOException {
    for (String line : check("ip", "-4", "-o", "addr", "show").split("\n")) {
      String[] fields = line.trim().split("\\s+");
      // "2: eth0    inet 10.0.0.5/24 brd 10.0.0.255 scope global eth0\       valid_lft ..."
      if (fields.length > 3 && fields[2].equals("inet") && fields[3].startsWith(address + "/")) {
        String device = fields[1].contains("@") ? fields[1].substring(0, fields[1].indexOf('@')) : fields[1];
        return Optional.of(new Uplink(device, mtu(check("ip", "-o", "link", "show", "dev", device))));
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

  /** The host's VXLAN device, with the first address of {@code own} among its addresses (other local nodes add theirs). */
  private void ensureVxlan(Ipv4Cidr own, String address, Optional<Uplink> uplink, int mtu) throws IOException {
    HostCommand.Result shown = run("ip", "-d", "-o", "link", "show", "dev", VXLAN);
    if (shown.ok() && !isVxlan(shown.output(), settings.vni(), address, settings.vxlanPort())) {
      check("ip", "link", "del", VXLAN);
      shown = new HostCommand.Result(1, "");
    }
    if (!shown.ok()) {
      List<String> add = new ArrayList<>(List.of("ip", "link", "add", VXLAN, "type", "vxlan", "id", String.valueOf(settings.vni()),
          "local", address));
      uplink.ifPresent(link -> add.addAll(List.of("dev", link.device())));
      add.addAll(List.of("dstport", String.valueOf(settings.vxlanPort()), "nolearning"));
      // Another node's agent on this host may have made it meanwhile.
      HostCommand.Result added = run(add.toArray(String[]::new));
      if (!added.ok() && !run("ip", "link", "show", "dev", VXLAN).ok()) {
        throw new IOException(String.join(" ", add) + " failed: " + added.output());
      }
    }
    check("ip", "link", "set", VXLAN, "address", NetworkPlan.vtepMac(address), "mtu", String.valueOf(mtu), "up");
    String wanted = own.address(0) + "/32";
    if (!(" " + check("ip", "-4", "-o", "addr", "show", "dev", VXLAN) + " ").contains(" " + wanted + " ")) {
      check("ip", "addr", "add", wanted, "dev", VXLAN);
    }
  }

  /** Whether {@code ip -d -o link show} describes a VXLAN device of these settings. */
  static boolean isVxlan(String details, int vni, String local, int port) {
    String line = " " + details.replaceAll("\\s+", " ") + " ";
    return line.contains(" vxlan id " + vni + " ") && line.contains(" local " + local + " ") && line.contains(" dstport " + port + " ");
  }

  /** Makes this class's routes exactly {@code wanted} (by destination). */
  private void syncRoutes(Map<String, List<String>> wanted) throws IOException {
    for (String line : check("ip", "-4", "-o", "route", "show", "proto", ROUTE_PROTOCOL).split("\n")) {
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
        check(delete.toArray(String[]::new));
      }
    }
    for (List<String> route : wanted.values()) {
      List<String> replace = new ArrayList<>(List.of("ip", "route", "replace"));
      replace.addAll(route);
      replace.addAll(List.of("proto", ROUTE_PROTOCOL));
      check(replace.toArray(String[]::new));
    }
  }

  /** Makes the VXLAN device's neighbour and forwarding entries exactly those of {@code peers}. */
  private void syncForwarding(List<NetworkPlan.Peer> peers) throws IOException {
    Map<String, String> neighbours = new LinkedHashMap<>();
    Map<String, String> forwarding = new LinkedHashMap<>();
    for (NetworkPlan.Peer peer : peers) {
      neighbours.put(peer.range().address(0), NetworkPlan.vtepMac(peer.address()));
      forwarding.put(NetworkPlan.vtepMac(peer.address()), peer.address());
    }
    for (String line : check("ip", "-4", "neigh", "show", "dev", VXLAN).split("\n")) {
      String[] fields = line.trim().split("\\s+");
      // "10.244.1.0 lladdr 0a:58:0a:4d:00:02 PERMANENT"
      if (fields.length >= 3 && Ipv4.isValid(fields[0])
          && !(fields[1].equals("lladdr") && fields[2].equals(neighbours.get(fields[0])))) {
        run("ip", "neigh", "del", fields[0], "dev", VXLAN);
      }
    }
    for (String line : check("bridge", "fdb", "show", "dev", VXLAN).split("\n")) {
      String[] fields = line.trim().split("\\s+");
      // "0a:58:0a:4d:00:02 dst 10.77.0.2 self permanent"
      if (fields.length >= 3 && fields[1].equals("dst") && !fields[2].equals(forwarding.get(fields[0]))) {
        run("bridge", "fdb", "del", fields[0], "dev", VXLAN, "dst", fields[2], "self");
      }
    }
    for (Map.Entry<String, String> entry : neighbours.entrySet()) {
      check("ip", "neigh", "replace", entry.getKey(), "lladdr", entry.getValue(), "dev", VXLAN, "nud", "permanent");
    }
    for (Map.Entry<String, String> entry : forwarding.entrySet()) {
      check("bridge", "fdb", "replace", entry.getKey(), "dev", VXLAN, "dst", entry.getValue(), "self", "permanent");
    }
  }

  private HostCommand.Result run(String... command) throws IOException {
    return HostCommand.run(within, List.of(command), null);
  }

  private String check(String... command) throws IOException {
    HostCommand.Result result = run(command);
    if (!result.ok()) {
      throw new IOException(String.join(" ", command) + " failed: " + result.output());
    }
    return result.output();
  }
}
