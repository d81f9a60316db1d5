package io.dirigent.node.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.core.net.Ipv4Cidr;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plan a host makes of the Node objects, hostile ones among them, and what it turns into for the host's tools. */
class NetworkPlanTest {

  private static final Ipv4Cidr CLUSTER = Ipv4Cidr.of("10.244.0.0/16", "cluster");

  private static Node node(String name, String podCidr, String internalIp) {
    NodeBuilder node = new NodeBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().withPodCIDR(podCidr).endSpec();
    if (internalIp != null) {
      node.withNewStatus().addNewAddress().withType("Hostname").withAddress(name).endAddress()
          .addNewAddress().withType("InternalIP").withAddress(internalIp).endAddress().endStatus();
    }
    return node.build();
  }

  private static Node node(String name, String podCidr, String internalIp, String created) {
    Node node = node(name, podCidr, internalIp);
    node.getMetadata().setCreationTimestamp(created);
    return node;
  }

  @Test
  void everyOtherNodeWithARangeAndAnAddressIsAPeerInNameOrder() {
    List<String> problems = new ArrayList<>();
    NetworkPlan plan = NetworkPlan.of("a", "10.0.0.1", CLUSTER, List.of(
        node("c", "10.244.2.0/24", "10.0.0.3"), node("a", "10.244.0.0/24", "10.0.0.1"), node("b", "10.244.1.0/24", "10.0.0.2"),
        node("waiting", null, "10.0.0.4")), problems::add);
    assertThat(plan.own()).map(Ipv4Cidr::toString).hasValue("10.244.0.0/24");
    assertThat(plan.peers()).extracting(NetworkPlan.Peer::node, peer -> peer.range().toString(), NetworkPlan.Peer::address)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("b", "10.244.1.0/24", "10.0.0.2"),
            org.assertj.core.groups.Tuple.tuple("c", "10.244.2.0/24", "10.0.0.3"));
    assertThat(problems).isEmpty();
  }

  @Test
  void aNodeMadeLaterCannotTakeAnExistingNodesRange() {
    Node existing = node("z-existing", "10.244.5.0/24", "10.0.0.5", "2026-12-01T10:00:00Z");
    Node later = node("a-later", "10.244.5.0/24", "10.0.0.66", "2026-12-07T10:00:00Z");
    List<String> problems = new ArrayList<>();
    NetworkPlan plan = NetworkPlan.of("me", "10.0.0.1", CLUSTER, List.of(later, existing, node("me", "10.244.0.0/24", "10.0.0.1")), problems::add);
    assertThat(plan.peers()).extracting(NetworkPlan.Peer::node, NetworkPlan.Peer::address).containsExactly(org.assertj.core.groups.Tuple.tuple("z-existing", "10.0.0.5"));
    assertThat(problems).singleElement().asString().contains("a-later");
  }

  @Test
  void aNodeCannotTakeTheRangeOfAnOlderNodeOnThisHost() {
    Node sibling = node("b-sibling", "10.244.1.0/24", "10.0.0.1", "2026-12-01T10:00:00Z");
    Node later = node("a-later", "10.244.1.0/24", "10.0.0.9", "2026-12-07T10:00:00Z");
    List<String> problems = new ArrayList<>();
    NetworkPlan plan = NetworkPlan.of("me", "10.0.0.1", CLUSTER, List.of(later, sibling, node("me", "10.244.0.0/24", "10.0.0.1")), problems::add);
    assertThat(plan.peers()).isEmpty();
    assertThat(plan.local()).extracting(Ipv4Cidr::toString).containsExactly("10.244.0.0/24", "10.244.1.0/24");
    assertThat(problems).singleElement().asString().contains("a-later");
  }

  @Test
  void anotherNodeOnThisHostIsLocalEvenOnLoopback() {
    List<String> problems = new ArrayList<>();
    NetworkPlan plan = NetworkPlan.of("a", "127.0.0.1", CLUSTER, List.of(node("a", "10.244.0.0/24", "127.0.0.1"),
        node("b", "10.244.1.0/24", "127.0.0.1")), problems::add);
    assertThat(plan.local()).extracting(Ipv4Cidr::toString).containsExactly("10.244.0.0/24", "10.244.1.0/24");
    assertThat(plan.peers()).isEmpty();
    assertThat(problems).isEmpty();
    assertThat(plan.nodes()).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void podsGetTheUplinksMtuLessTheOverlaysAndNeverLoopbacks() {
    assertThat(HostNetwork.mtu(java.util.Optional.of(new HostNetwork.Uplink("eth0", 1500)), true)).isEqualTo(1450);
    assertThat(HostNetwork.mtu(java.util.Optional.of(new HostNetwork.Uplink("eth0", 9000)), false)).isEqualTo(9000);
    assertThat(HostNetwork.mtu(java.util.Optional.of(new HostNetwork.Uplink("lo", 65536)), false)).isEqualTo(1500);
    assertThat(HostNetwork.mtu(java.util.Optional.empty(), false)).isEqualTo(1500);
  }

  @Test
  void aNodeWhoseRangeAnOlderNodeHoldsHasNoNetwork() {
    Node older = node("older", "10.244.1.0/24", "10.0.0.2", "2026-12-01T10:00:00Z");
    Node me = node("me", "10.244.1.0/24", "10.0.0.1", "2026-12-07T10:00:00Z");
    List<String> problems = new ArrayList<>();
    NetworkPlan plan = NetworkPlan.of("me", "10.0.0.1", CLUSTER, List.of(me, older), problems::add);
    assertThat(plan.own()).isEmpty();
    assertThat(problems).singleElement().asString().contains("overlaps the older node older's");
  }

  @Test
  void aNodeWithoutItsRangeYetHasNoPlanToApply() {
    NetworkPlan plan = NetworkPlan.of("a", "10.0.0.1", CLUSTER, List.of(node("a", null, "10.0.0.1"), node("b", "10.244.1.0/24", "10.0.0.2")), p -> { });
    assertThat(plan.own()).isEmpty();
  }

  @Test
  void hostileNodesAreLeftOutAndSaidSoNotTheRest() {
    List<String> problems = new ArrayList<>();
    NetworkPlan plan = NetworkPlan.of("a", "10.0.0.1", CLUSTER, List.of(
        node("a", "10.244.0.0/24", "10.0.0.1"),
        node("outside", "192.168.0.0/24", "10.0.0.5"),
        node("injected", "10.244.5.0/24 dev eth0", "10.0.0.6"),
        node("metadata", "10.244.6.0/24", "169.254.169.254"),
        node("loopback", "10.244.7.0/24", "127.0.0.1"),
        node("no-address", "10.244.8.0/24", null),
        node("address-injected", "10.244.9.0/24", "10.0.0.9 via 1.2.3.4"),
        node("me-again", "10.244.10.0/24", "10.0.0.1"),
        node("overlaps-mine", "10.244.0.0/23", "10.0.0.11"),
        node("good", "10.244.12.0/24", "10.0.0.12"),
        node("overlaps-good", "10.244.12.128/25", "10.0.0.13"),
        node("address-in-the-pod-network", "10.244.13.0/24", "10.244.200.1"),
        node("too-small", "10.244.14.0/31", "10.0.0.14")), problems::add);
    assertThat(plan.peers()).extracting(NetworkPlan.Peer::node).containsExactly("good");
    // "me-again" shares this node's address: another node on this host, whose bridge is here already.
    assertThat(plan.local()).extracting(Ipv4Cidr::toString).containsExactly("10.244.0.0/24", "10.244.10.0/24");
    assertThat(problems).hasSize(10)
        .anySatisfy(p -> assertThat(p).contains("address-in-the-pod-network").contains("outside the pod network"))
        .anySatisfy(p -> assertThat(p).contains("too-small").contains("no room for a gateway and a pod")).anySatisfy(p -> assertThat(p).contains("outside").contains("not a range of the cluster's pod network"))
        .anySatisfy(p -> assertThat(p).contains("metadata").contains("no InternalIP that is an ordinary IPv4 address"))
        .anySatisfy(p -> assertThat(p).contains("overlaps-mine").contains("overlaps"));
  }

  @Test
  void namesAndAddressesAreDerivedFromTheRangeOrTheHost() {
    Ipv4Cidr range = Ipv4Cidr.of("10.244.1.0/24", "r");
    assertThat(NetworkPlan.vtepMac("10.77.0.2")).isEqualTo("0a:58:0a:4d:00:02");
    assertThat(NetworkPlan.gateway(range)).isEqualTo("10.244.1.1");
    assertThat(HostNetwork.networkName(range)).isEqualTo("dirigent-10.244.1.0-24");
    assertThat(HostNetwork.bridgeName(range)).isEqualTo("dg0af40100").hasSizeLessThanOrEqualTo(15);
  }

  @Test
  void routesAreAnUnreachableClusterAndOnePerPeerByMode() {
    NetworkPlan plan = NetworkPlan.of("a", "10.0.0.1", CLUSTER, List.of(node("a", "10.244.0.0/24", "10.0.0.1"), node("b", "10.244.1.0/24", "10.0.0.2")), p -> { });
    HostNetwork vxlan = new HostNetwork(settings(NetworkSettings.Mode.VXLAN), null);
    assertThat(vxlan.routes(plan, true)).isEqualTo(Map.of(
        "10.244.0.0/16", List.of("unreachable", "10.244.0.0/16"),
        "10.244.1.0/24", List.of("10.244.1.0/24", "via", "10.244.1.0", "dev", "dirigent-vx", "onlink")));
    // A node whose own address is loopback makes no overlay: nothing but the unreachable route.
    assertThat(vxlan.routes(plan, false)).containsOnlyKeys("10.244.0.0/16");
    HostNetwork hostGw = new HostNetwork(settings(NetworkSettings.Mode.HOST_GW), null);
    assertThat(hostGw.routes(plan, false)).containsEntry("10.244.1.0/24", List.of("10.244.1.0/24", "via", "10.0.0.2"));
  }

  @Test
  void theFilterForwardsPodTrafficAndMasqueradesOnlyWhatLeavesTheCluster() {
    String rules = new HostNetwork(settings(NetworkSettings.Mode.VXLAN), null).rules();
    // First of all: what goes to a service address is left to the service proxy's firewall, which rejects what no rule translated.
    assertThat(rules.lines().filter(line -> line.startsWith("-A DIRIGENT-NET-FORWARD")).findFirst().orElseThrow())
        .startsWith("-A DIRIGENT-NET-FORWARD -d 10.96.0.0/16 ").endsWith("-j RETURN");
    assertThat(rules).contains("-A DIRIGENT-NET-FORWARD -s 10.244.0.0/16 -m comment --comment \"dirigent pod network: from pods\" -j ACCEPT")
        .contains("-A DIRIGENT-NET-FORWARD -d 10.244.0.0/16 ")
        .contains("-A DIRIGENT-NET-POSTROUTING -s 10.244.0.0/16 -d 10.244.0.0/16 -m comment --comment \"dirigent pod network: no NAT between pods\" -j RETURN")
        .contains("-A DIRIGENT-NET-POSTROUTING -s 10.244.0.0/16 ! -d 224.0.0.0/4 ")
        .doesNotContain("'");
  }

  @Test
  void theHostsToolsOutputIsReadAsTheyPrintIt() {
    assertThat(HostNetwork.mtu("7: dirigent-h2@if6: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT")).isEqualTo(1500);
    String details = "9: dirigent-vx: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN mode DEFAULT group default \\"
        + "    link/ether 0a:58:0a:f4:00:00 brd ff:ff:ff:ff:ff:ff promiscuity 0 minmtu 68 maxmtu 65535 \\"
        + "    vxlan id 1 local 10.77.0.1 dev dirigent-h2 srcport 0 0 dstport 8472 nolearning ttl auto ageing 300";
    assertThat(HostNetwork.isVxlan(details, 1, "10.77.0.1", 8472)).isTrue();
    assertThat(HostNetwork.isVxlan(details, 2, "10.77.0.1", 8472)).isFalse();
    assertThat(HostNetwork.isVxlan(details, 1, "10.77.0.11", 8472)).isFalse();
    assertThat(HostNetwork.isVxlan(details, 1, "10.77.0.1", 4789)).isFalse();
  }

  private static NetworkSettings settings(NetworkSettings.Mode mode) {
    return new NetworkSettings(mode, CLUSTER, 8472, 1, 0, Duration.ofSeconds(30), "DIRIGENT", Ipv4Cidr.of("10.96.0.0/16", "services"));
  }
}
