package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.net.Ipv4Cidr;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.testing.Await;
import io.dirigent.core.testing.TestNodes;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Every Node gets a range of its own from the cluster's pod network, and a deleted Node's range goes to the next. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeIpamControllerTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private ClusterNode member;

  @BeforeAll
  void start() {
    // Four /24s in all, so that the network runs out.
    member = TestNodes.start(ConfigFactory.parseMap(Map.of("dirigent.store.plugin", "memory",
        "dirigent.network.cluster-cidr", "10.250.0.0/22", "dirigent.network.node-cidr-mask-size", 24)));
    ControllerManager.init(member.system(), member.store());
  }

  @AfterAll
  void stop() {
    member.close();
  }

  @Test
  void theLowestFreeRangeIsNext() {
    Ipv4Cidr cluster = Ipv4Cidr.of("10.244.0.0/16", "cluster");
    assertThat(NodeIpamController.next(cluster, 24, List.of())).map(Ipv4Cidr::toString).hasValue("10.244.0.0/24");
    assertThat(NodeIpamController.next(cluster, 24, List.of(Ipv4Cidr.of("10.244.0.0/24", "a"), Ipv4Cidr.of("10.244.2.0/24", "b"))))
        .map(Ipv4Cidr::toString).hasValue("10.244.1.0/24");
    // A range taken by hand that spans several counts for all of them.
    assertThat(NodeIpamController.next(cluster, 24, List.of(Ipv4Cidr.of("10.244.0.0/23", "a")))).map(Ipv4Cidr::toString).hasValue("10.244.2.0/24");
    assertThat(NodeIpamController.next(Ipv4Cidr.of("10.244.0.0/24", "small"), 24, List.of(Ipv4Cidr.of("10.244.0.0/24", "a")))).isEmpty();
  }

  @Test
  void nodesGetDistinctRangesAHandSetOneIsKeptAndADeletedNodesRangeIsReused() {
    create("ipam-hand", "10.250.2.0/24");
    for (String name : List.of("ipam-a", "ipam-b", "ipam-c", "ipam-d")) {
      create(name, null);
    }
    Await.until("three nodes get ranges", WAIT, () -> List.of("ipam-a", "ipam-b", "ipam-c", "ipam-d").stream().filter(n -> range(n).isPresent()).count() == 3);
    Set<String> ranges = new HashSet<>();
    for (String name : List.of("ipam-hand", "ipam-a", "ipam-b", "ipam-c", "ipam-d")) {
      range(name).ifPresent(ranges::add);
    }
    assertThat(ranges).containsExactlyInAnyOrder("10.250.0.0/24", "10.250.1.0/24", "10.250.2.0/24", "10.250.3.0/24");
    String waiting = List.of("ipam-a", "ipam-b", "ipam-c", "ipam-d").stream().filter(n -> range(n).isEmpty()).findFirst().orElseThrow();
    Node node = Await.result(member.store().get(Node.class, null, "ipam-a"));
    assertThat(node.getSpec().getPodCIDRs()).containsExactly(node.getSpec().getPodCIDR());
    Await.until("the Node without a range has a CIDRNotAvailable event", WAIT, () -> Await.result(member.store().list(Event.class, ListOptions.of(ObjectFilter.ALL)))
        .items(Event.class).stream().anyMatch(e -> e.getReason().equals(NodeIpamController.CIDR_NOT_AVAILABLE) && e.getInvolvedObject().getName().equals(waiting)));

    String freed = range("ipam-hand").orElseThrow();
    Await.result(member.store().delete(Node.class, null, "ipam-hand", DeleteOptions.defaults()));
    // At once, not at the next look the controller planned for it (30 s later).
    Await.until("the waiting Node gets the deleted one's range", Duration.ofSeconds(10), () -> range(waiting).equals(Optional.of(freed)));
  }

  @Test
  void aNodesRangeOnceGivenCannotBeChangedOrCleared() {
    // Outside this test member's pod network, so as not to take a range the other test counts on.
    create("ipam-fixed", "10.251.2.0/24");
    Node node = Await.result(member.store().get(Node.class, null, "ipam-fixed"));
    node.getSpec().setPodCIDR("10.251.1.0/24");
    node.getSpec().setPodCIDRs(List.of("10.251.1.0/24"));
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> Await.result(member.store().update(node))))
        .hasMessageContaining("spec.podCIDRs: Forbidden: node updates may not change podCIDR except from \"\" to valid");
    Node cleared = Await.result(member.store().get(Node.class, null, "ipam-fixed"));
    cleared.getSpec().setPodCIDR(null);
    cleared.getSpec().setPodCIDRs(null);
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> Await.result(member.store().update(cleared))))
        .hasMessageContaining("Forbidden");
    // Anything else about the Node may change.
    Node cordoned = Await.result(member.store().get(Node.class, null, "ipam-fixed"));
    cordoned.getSpec().setUnschedulable(true);
    assertThat(Await.result(member.store().update(cordoned)).getSpec().getPodCIDR()).isEqualTo("10.251.2.0/24");
  }

  private void create(String name, String podCidr) {
    NodeBuilder node = new NodeBuilder().withNewMetadata().withName(name).endMetadata();
    if (podCidr != null) {
      node.withNewSpec().withPodCIDR(podCidr).withPodCIDRs(podCidr).endSpec();
    }
    Await.result(member.store().create(node.build()));
  }

  private Optional<String> range(String name) {
    Node node = Await.result(member.store().get(Node.class, null, name));
    return Optional.ofNullable(node.getSpec() == null ? null : node.getSpec().getPodCIDR());
  }
}
