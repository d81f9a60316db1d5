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
      return HostCommand.run("ip", "-V").ok() && HostCommand.run("bridge", "-V").ok() && PacketFilter.available();
    } catch (IOException e) {
      return false;
    }
  }

  /** The interface that carries {@code address}, and its MTU. */
  record Uplink(String device, int mtu) {}

  /**
   * What an apply did: the engine network the node's pods join (in place: the node is ready), and
   * what could not be done for the rest (a route to one node, the filter rules), each in a line.
   */
  public record Outcome(String network, List<String> problems) {
    public Outcome {
      problems = List.copyOf(problems);
    }
  }

  /**
   * Applies {@code plan}, which names this node's range. Fails only when the node's own network
   * cannot be made; anything else that fails (one peer's route, say) is reported in the outcome
   * and the rest is applied all the same, so one odd Node never holds back the others.
   */
  public Outcome apply(NetworkPlan plan) throws IOException {
    Ipv4Cidr own = plan.own().orElseThrow(() -> new IllegalArgumentException("the node has no range yet"));
    Optional<Uplink> uplink = uplink(plan.address());
    boolean overlay = settings.mode() == NetworkSettings.Mode.VXLAN && Ipv4.special(plan.address()).isEmpty();
    int mtu = settings.mtu() > 0 ? settings.mtu() : mtu(uplink, overlay);
    String network = networkName(own);
    engine.ensureNetwork(network, own, NetworkPlan.gateway(own), bridgeName(own), mtu, plan.node());
    List<String> problems = new ArrayList<>();
    step(problems, "the route of this node's range to its bridge", () -> ensureBridgeRoute(own));
    step(problems, "the engine networks of ranges this node held before or of nodes that are gone", () ->
        engine.pruneNetworks(network, plan.node(), plan.nodes()));
    boolean vxlanReady = false;
    if (overlay) {
      vxlanReady = step(problems, "the VXLAN device " + VXLAN, () -> ensureVxlan(plan, uplink, mtu));
    } else {
      // Another mode before, or an address that makes none: the device goes, with its entries.
      run("ip", "link", "del", VXLAN);
    }
    // Without its device, the overlay's routes fail one by one (and are reported); they are not taken away.
    step(problems, "the routes", () -> syncRoutes(routes(plan, overlay), problems));
    if (vxlanReady) {
      step(problems, "the VXLAN forwarding entries", () -> syncForwarding(plan.peers(), problems));
    }
    step(problems, "the packet filter rules", () -> {
      HostCommand.Result restored = HostCommand.run(within, List.of("iptables-restore", "-w", "5", "--noflush"), rules());
      if (!restored.ok()) {
        throw new IOException("iptables-restore failed: " + restored.output());
      }
      ensureFirst("filter", PacketFilter.forwardHook(within), forwardChain());
      ensureFirst("nat", "POSTROUTING", postroutingChain());
    });
    return new Outcome(network, problems);
  }

  /**
   * The pods' MTU: the uplink's, less what VXLAN adds when the node makes an overlay; 1500 when the
   * node's address is on no interface but loopback (an all-in-one host: its pods reach no other host).
   */
  static int mtu(Optional<Uplink> uplink, boolean overlay) {
    int link = uplink.filter(up -> !up.device().equals("lo")).map(Uplink::mtu).orElse(1500);
    return overlay ? link - NetworkSettings.VXLAN_OVERHEAD : link;
  }

  /**
   * The kernel's route of the node's range to its bridge, put back if it went: a route of this
   * class once replaced it (a leftover bridge of a range that now lives on another host), and the
   * engine, reusing its network, does not add it again.
   */
  private void ensureBridgeRoute(Ipv4Cidr own) throws IOException {
    String bridge = bridgeName(own);
    if (check("ip", "-4", "-o", "route", "show", "exact", own.toString(), "dev", bridge).isBlank()) {
      check("ip", "route", "replace", own.toString(), "dev", bridge, "scope", "link", "src", NetworkPlan.gateway(own));
    }
  }

  private interface Step {
    void run() throws IOException;
  }

  /** Runs {@code step}; a failure becomes a line in {@code problems}. Answers whether it worked. */
  private static boolean step(List<String> problems, String what, Step step) {
    try {
      step.run();
      return true;
    } catch (IOException | RuntimeException e) {
      problems.add(what + ": " + e.getMessage());
      return false;
    }
  }

  /** Removes what {@link #apply} made: the rules, the routes, the VXLAN device, and the engine network of {@code own} (once no pod is attached). */
  public void remove(Ipv4Cidr own) throws IOException {
    for (String chain : PacketFilter.FORWARD_CHAINS) {
      PacketFilter.deleteJump(within, "filter", chain, List.of("-j", forwardChain()));
    }
    PacketFilter.deleteJump(within, "nat", "POSTROUTING", List.of("-j", postroutingChain()));
    for (String[] chain : new String[][] {{"filter", forwardChain()}, {"nat", postroutingChain()}}) {
      run("iptables", "-w", "5", "-t", chain[0], "-F", chain[1]);
      run("iptables", "-w", "5", "-t", chain[0], "-X", chain[1]);
    }
    List<String> problems = new ArrayList<>();
    syncRoutes(Map.of(), problems);
    run("ip", "link", "del", VXLAN);
    engine.removeNetwork(networkName(own));
    if (!problems.isEmpty()) {
      throw new IOException(String.join("; ", problems));
    }
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

  /**
   * The packet filter's rules, as {@code iptables-restore --noflush} input that replaces both
   * chains. Traffic to the service range is not accepted here: the service proxy's firewall
   * further on rejects what no service rule translated, so that it never leaves the host.
   */
  String rules() {
    return """
        *filter
        :%1$s - [0:0]
        -A %1$s -d %4$s -m comment --comment "dirigent pod network: service addresses go to the service proxy rules" -j RETURN
        -A %1$s -s %3$s -m comment --comment "dirigent pod network: from pods" -j ACCEPT
        -A %1$s -d %3$s -m comment --comment "dirigent pod network: to pods" -j ACCEPT
        COMMIT
        *nat
        :%2$s - [0:0]
        -A %2$s -s %3$s -d %3$s -m comment --comment "dirigent pod network: no NAT between pods" -j RETURN
        -A %2$s -s %3$s ! -d 224.0.0.0/4 -m comment --comment "dirigent pod network: leaving the cluster" -j MASQUERADE
        COMMIT
        """.formatted(forwardChain(), postroutingChain(), settings.cluster(), settings.serviceRange());
  }

  /** Makes the jump to {@code target} the first rule of {@code chain} (once; the engine may have put its own before it). */
  private void ensureFirst(String table, String chain, String target) throws IOException {
    String rules = check("iptables", "-w", "5", "-t", table, "-S", chain);
    String first = rules.lines().filter(line -> line.startsWith("-A ")).findFirst().orElse("");
    if (first.equals("-A " + chain + " -j " + target) && rules.lines().filter(line -> line.endsWith(" -j " + target)).count() == 1) {
      return;
    }
    PacketFilter.deleteJump(within, table, chain, List.of("-j", target));
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

  /** The host's VXLAN device, holding exactly the first address of each local node's range. */
  private void ensureVxlan(NetworkPlan plan, Optional<Uplink> uplink, int mtu) throws IOException {
    String address = plan.address();
    HostCommand.Result shown = run("ip", "-d", "-o", "link", "show", "dev", VXLAN);
    if (shown.ok() && !isVxlan(shown.output(), settings.vni(), address, settings.vxlanPort())) {
      run("ip", "link", "del", VXLAN);
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
    java.util.Set<String> wanted = new java.util.LinkedHashSet<>();
    plan.local().forEach(range -> wanted.add(range.address(0) + "/32"));
    java.util.Set<String> present = new java.util.HashSet<>();
    for (String line : check("ip", "-4", "-o", "addr", "show", "dev", VXLAN).split("\n")) {
      String[] fields = line.trim().split("\\s+");
      // "9: dirigent-vx    inet 10.244.1.0/32 scope global dirigent-vx\ ..."
      if (fields.length > 3 && fields[2].equals("inet")) {
        present.add(fields[3]);
      }
    }
    for (String stale : present) {
      if (!wanted.contains(stale)) {
        run("ip", "addr", "del", stale, "dev", VXLAN);
      }
    }
    for (String missing : wanted) {
      if (!present.contains(missing)) {
        HostCommand.Result added = run("ip", "addr", "add", missing, "dev", VXLAN);
        if (!added.ok() && !added.output().contains("File exists")) {
          throw new IOException("ip addr add " + missing + " dev " + VXLAN + " failed: " + added.output());
        }
      }
    }
  }

  /** Whether {@code ip -d -o link show} describes a VXLAN device of these settings. */
  static boolean isVxlan(String details, int vni, String local, int port) {
    String line = " " + details.replaceAll("\\s+", " ") + " ";
    return line.contains(" vxlan id " + vni + " ") && line.contains(" local " + local + " ") && line.contains(" dstport " + port + " ");
  }

  /** Makes this class's routes exactly {@code wanted} (by destination); a route that cannot be made is a line in {@code problems}. */
  private void syncRoutes(Map<String, List<String>> wanted, List<String> problems) throws IOException {
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
        // Another node's agent on this host may have deleted it first.
        run(delete.toArray(String[]::new));
      }
    }
    for (Map.Entry<String, List<String>> entry : wanted.entrySet()) {
      List<String> route = entry.getValue();
      String others = check("ip", "-4", "-o", "route", "show", "exact", entry.getKey());
      if (others.lines().anyMatch(line -> !line.contains(" proto " + ROUTE_PROTOCOL))) {
        // A bridge on this host holds that range (a leftover of a node that was here): never take its route.
        problems.add("the route " + String.join(" ", route) + ": this host has a route of its own to " + entry.getKey() + " (" + others.strip() + ")");
        continue;
      }
      List<String> replace = new ArrayList<>(List.of("ip", "route", "replace"));
      replace.addAll(route);
      replace.addAll(List.of("proto", ROUTE_PROTOCOL));
      HostCommand.Result replaced = run(replace.toArray(String[]::new));
      if (!replaced.ok()) {
        problems.add("the route " + String.join(" ", route) + ": " + replaced.output());
      }
    }
  }

  /** Makes the VXLAN device's neighbour and forwarding entries exactly those of {@code peers}. */
  private void syncForwarding(List<NetworkPlan.Peer> peers, List<String> problems) throws IOException {
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
      HostCommand.Result done = run("ip", "neigh", "replace", entry.getKey(), "lladdr", entry.getValue(), "dev", VXLAN, "nud", "permanent");
      if (!done.ok()) {
        problems.add("the neighbour entry " + entry.getKey() + " " + entry.getValue() + ": " + done.output());
      }
    }
    for (Map.Entry<String, String> entry : forwarding.entrySet()) {
      HostCommand.Result done = run("bridge", "fdb", "replace", entry.getKey(), "dev", VXLAN, "dst", entry.getValue(), "self", "permanent");
      if (!done.ok()) {
        problems.add("the forwarding entry " + entry.getKey() + " to " + entry.getValue() + ": " + done.output());
      }
    }
  }

  private HostCommand.Result run(String... command) throws IOException {
    return HostCommand.run(within, List.of(command), null);
  }

  private String check(String... command) throws IOException {
    return HostCommand.check(within, List.of(command));
  }
}
