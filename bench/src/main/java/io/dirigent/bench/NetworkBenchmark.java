package io.dirigent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.net.Ipv4Cidr;
import io.dirigent.node.network.HostCommand;
import io.dirigent.node.network.HostNetwork;
import io.dirigent.node.network.NetworkPlan;
import io.dirigent.node.network.NetworkSettings;
import io.dirigent.node.network.PodNetworkEngine;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pod network's data path between two hosts, as {@link HostNetwork} builds it, against the
 * same two hosts without it: throughput (iperf3, TCP, one stream) and round-trip time (ping).
 * The hosts are network namespaces joined by a veth "LAN"; each has the bridge of its node's
 * range and one "pod" (a namespace of its own on the bridge, with the MTU the mode gives pods).
 * Docker's bridge network is this same Linux bridge and veth pair, so what is measured is the
 * path a pod's packets take: pod, bridge, the mode's way to the other host (VXLAN encapsulation,
 * or a plain route with host-gw), and back out on the other side.
 *
 * <p>Usage: {@code NetworkBenchmark [seconds]} (each throughput run; default 10). Needs root,
 * iproute2, iptables, iperf3 and busybox. Leaves nothing behind.
 */
public final class NetworkBenchmark {

  private static final String HOST_A = "dirigent-bench-a";
  private static final String HOST_B = "dirigent-bench-b";
  private static final String POD_A = "dirigent-bench-pa";
  private static final String POD_B = "dirigent-bench-pb";
  private static final String ADDRESS_A = "10.79.0.1";
  private static final String ADDRESS_B = "10.79.0.2";
  private static final Ipv4Cidr CLUSTER = Ipv4Cidr.of("10.244.0.0/16", "cluster");
  private static final Ipv4Cidr RANGE_A = CLUSTER.subnet(0, 24);
  private static final Ipv4Cidr RANGE_B = CLUSTER.subnet(1, 24);

  private NetworkBenchmark() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    List<String> rows = new ArrayList<>();
    try {
      cleanUp();
      hosts();
      Measured direct = measure(HOST_A, HOST_B, ADDRESS_B, seconds);
      rows.add(row("host to host over the link, no overlay", direct, direct));
      for (NetworkSettings.Mode mode : List.of(NetworkSettings.Mode.VXLAN, NetworkSettings.Mode.HOST_GW)) {
        int mtu = podNetwork(mode);
        Measured pods = measure(POD_A, POD_B, RANGE_B.address(2), seconds);
        rows.add(row("pod to pod on the other host, " + mode.name().toLowerCase().replace('_', '-') + " (pod MTU " + mtu + ")", pods, direct));
        removePods();
      }
    } finally {
      cleanUp();
    }
    System.out.println("| path | throughput (Gbit/s) | round trip avg (ms) | throughput vs the link |");
    System.out.println("|---|---|---|---|");
    rows.forEach(System.out::println);
    System.exit(0);
  }

  private record Measured(double gbits, double rttMs) {}

  private static String row(String path, Measured measured, Measured direct) {
    return "| %s | %.2f | %.3f | %.2fx |".formatted(path, measured.gbits(), measured.rttMs(), measured.gbits() / direct.gbits());
  }

  /** Two hosts joined by a veth pair, forwarding packets as a container engine makes its host do. */
  private static void hosts() throws IOException {
    check("ip", "netns", "add", HOST_A);
    check("ip", "netns", "add", HOST_B);
    check("ip", "link", "add", "dgbench-a", "netns", HOST_A, "type", "veth", "peer", "name", "dgbench-b", "netns", HOST_B);
    for (String[] host : new String[][] {{HOST_A, "dgbench-a", ADDRESS_A}, {HOST_B, "dgbench-b", ADDRESS_B}}) {
      in(host[0], "ip", "addr", "add", host[2] + "/24", "dev", host[1]);
      in(host[0], "ip", "link", "set", host[1], "up");
      in(host[0], "ip", "link", "set", "lo", "up");
      in(host[0], "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
    }
  }

  /** Each host's part of the pod network in {@code mode}, as a node's agent applies it, and a pod on each; answers the pods' MTU. */
  private static int podNetwork(NetworkSettings.Mode mode) throws IOException {
    NetworkSettings settings = new NetworkSettings(mode, CLUSTER, 8472, 1, 0, Duration.ofSeconds(30), "DGBENCH", Ipv4Cidr.of("10.96.0.0/16", "services"));
    int[] mtu = new int[1];
    for (String[] host : new String[][] {{HOST_A, "a", ADDRESS_A, POD_A}, {HOST_B, "b", ADDRESS_B, POD_B}}) {
      Ipv4Cidr own = host[1].equals("a") ? RANGE_A : RANGE_B;
      Ipv4Cidr other = host[1].equals("a") ? RANGE_B : RANGE_A;
      String otherAddress = host[1].equals("a") ? ADDRESS_B : ADDRESS_A;
      NetworkPlan plan = new NetworkPlan(host[1], Optional.of(own), host[2], List.of(own), List.of(new NetworkPlan.Peer("other", other, otherAddress)),
          java.util.Set.of("a", "b"));
      PodNetworkEngine bridge = new PodNetworkEngine() {
        @Override
        public void ensureNetwork(String name, Ipv4Cidr range, String gateway, String device, int podMtu, String node) throws IOException {
          if (!HostCommand.run(List.of("ip", "netns", "exec", host[0]), List.of("ip", "link", "show", device), null).ok()) {
            in(host[0], "ip", "link", "add", device, "type", "bridge");
          }
          in(host[0], "ip", "addr", "replace", gateway + "/" + range.prefix(), "dev", device);
          in(host[0], "ip", "link", "set", device, "up");
          mtu[0] = podMtu;
        }

        @Override
        public void removeNetwork(String name) throws IOException {
          in(host[0], "ip", "link", "del", HostNetwork.bridgeName(own));
        }

        @Override
        public void pruneNetworks(String keep, String node, java.util.Set<String> nodes) {
          // One range per host here, for the benchmark's whole run.
        }
      };
      HostNetwork.Outcome applied = new HostNetwork(settings, bridge, host[0]).apply(plan);
      if (!applied.problems().isEmpty()) {
        throw new IOException("the pod network was not all applied: " + applied.problems());
      }
      // The pod: its own namespace on the bridge, as a sandbox is on the engine's network.
      check("ip", "netns", "add", host[3]);
      check("ip", "link", "add", "dgb-" + host[1], "netns", host[0], "mtu", String.valueOf(mtu[0]), "type", "veth", "peer", "name", "eth0",
          "netns", host[3], "mtu", String.valueOf(mtu[0]));
      in(host[0], "ip", "link", "set", "dgb-" + host[1], "master", HostNetwork.bridgeName(own), "up");
      in(host[3], "ip", "addr", "add", own.address(2) + "/" + own.prefix(), "dev", "eth0");
      in(host[3], "ip", "link", "set", "eth0", "up");
      in(host[3], "ip", "link", "set", "lo", "up");
      in(host[3], "ip", "route", "add", "default", "via", own.address(1));
    }
    return mtu[0];
  }

  private static void removePods() throws IOException {
    HostCommand.run("ip", "netns", "del", POD_A);
    HostCommand.run("ip", "netns", "del", POD_B);
    for (String host : List.of(HOST_A, HOST_B)) {
      HostCommand.run(List.of("ip", "netns", "exec", host), List.of("ip", "link", "del", HostNetwork.VXLAN), null);
      for (Ipv4Cidr range : List.of(RANGE_A, RANGE_B)) {
        HostCommand.run(List.of("ip", "netns", "exec", host), List.of("ip", "link", "del", HostNetwork.bridgeName(range)), null);
      }
      HostCommand.run(List.of("ip", "netns", "exec", host), List.of("ip", "route", "flush", "proto", "177"), null);
    }
  }

  /** iperf3 from {@code client} to a server in {@code server} at {@code address}, then ping. */
  private static Measured measure(String client, String server, String address, int seconds) throws IOException, InterruptedException {
    Process iperfServer = new ProcessBuilder("ip", "netns", "exec", server, "iperf3", "-s", "-1").redirectErrorStream(true).start();
    try {
      Thread.sleep(500);
      String json = in(client, "iperf3", "-c", address, "-t", String.valueOf(seconds), "-J");
      JsonNode result = KubeJson.MAPPER.readTree(json);
      double gbits = result.path("end").path("sum_received").path("bits_per_second").asDouble() / 1e9;
      String ping = in(client, "busybox", "ping", "-c", "50", "-q", address);
      Matcher rtt = Pattern.compile("= [0-9.]+/([0-9.]+)/").matcher(ping);
      if (!rtt.find()) {
        throw new IOException("no round trip in: " + ping);
      }
      return new Measured(gbits, Double.parseDouble(rtt.group(1)));
    } finally {
      iperfServer.destroy();
    }
  }

  private static void cleanUp() throws IOException {
    for (String namespace : List.of(POD_A, POD_B, HOST_A, HOST_B)) {
      HostCommand.run("ip", "netns", "del", namespace);
    }
  }

  private static String in(String namespace, String... command) throws IOException {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    full.addAll(List.of(command));
    return check(full.toArray(String[]::new));
  }

  private static String check(String... command) throws IOException {
    return HostCommand.check(command);
  }
}
