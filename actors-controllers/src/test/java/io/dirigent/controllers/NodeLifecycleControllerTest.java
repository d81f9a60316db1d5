package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.NodeTaints;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.cluster.NodeLeases;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.testing.Await;
import io.dirigent.core.testing.ManualClock;
import io.dirigent.core.testing.TestNodes;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The node lifecycle controller's decisions, one reconcile at a time, on a manual clock and a
 * member view the test sets: a late Lease is not evidence enough; a gone member is.
 */
class NodeLifecycleControllerTest {

  private static ClusterNode member;
  private static final Duration LEASE = Duration.ofSeconds(10);
  private static final NodeHealth.Timeouts TIMEOUTS = new NodeHealth.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(300), Duration.ofSeconds(120), 0.55);

  private final ManualClock clock = new ManualClock(Instant.now());
  private final FakeMembers members = new FakeMembers();
  private final Cache cache = new Cache();
  private final String prefix = "nlc-" + Long.toString(System.nanoTime() % 1_000_000, 36);
  private NodeLifecycleController controller;

  @BeforeAll
  static void start() {
    member = TestNodes.memory();
  }

  @AfterAll
  static void stop() {
    member.close();
  }

  private NodeLifecycleController controller() {
    if (controller == null) {
      controller = new NodeLifecycleController(member.store(), new io.dirigent.core.events.EventRecorder(member.store(), "node-controller", null, clock),
          clock, LEASE, Duration.ofSeconds(1), TIMEOUTS, members);
    }
    return controller;
  }

  /** Registers node {@code i} run by member {@code member-i}, with a Lease renewed now and {@code pods} pods bound to it. */
  private String node(int i, int pods) {
    String name = prefix + "-n" + i;
    Await.result(member.store().create(new NodeBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().endSpec().build()));
    Await.result(member.store().create(lease(name, false)));
    for (int p = 0; p < pods; p++) {
      Await.result(member.store().create(new PodBuilder().withNewMetadata().withName(name + "-p" + p).withNamespace(prefix).endMetadata()
          .withNewSpec().withNodeName(name).addNewContainer().withName("app").withImage("dirigent/busybox:1").endContainer().endSpec().build()));
    }
    members.evidence.put(memberOf(name), MemberView.Evidence.UP);
    return name;
  }

  private static String memberOf(String node) {
    return "pekko://dirigent@" + node + ":2551";
  }

  private Lease lease(String node, boolean stopping) {
    Map<String, String> annotations = new HashMap<>(Map.of(NodeLeases.MEMBER, memberOf(node)));
    if (stopping) {
      annotations.put(NodeLeases.STOPPED, KubeJson.timestamp(clock.instant()));
    }
    return new LeaseBuilder().withNewMetadata().withName(node).withNamespace("kube-node-lease").withAnnotations(annotations).endMetadata()
        .withNewSpec().withHolderIdentity(node).withLeaseDurationSeconds((int) LEASE.toSeconds())
        .withRenewTime(clock.instant().atZone(ZoneOffset.UTC)).endSpec().build();
  }

  /** The node's agent renews its Lease now (saying it stops, if {@code stopping}). */
  private void renew(String node, boolean stopping) {
    Await.result(member.store().update(lease(node, stopping)));
  }

  /** The informers catch up: the cache holds what the store holds. */
  private void sync() {
    refresh(Node.class, null);
    refresh(Lease.class, "kube-node-lease");
    refresh(Pod.class, prefix);
  }

  private void refresh(Class<? extends HasMetadata> kind, String namespace) {
    var listed = Await.result(member.store().list(kind, ListOptions.of(namespace == null ? ObjectFilter.ALL : ObjectFilter.inNamespace(namespace))));
    cache.replace(kind, listed.items().stream().filter(o -> KubeJson.name(o).startsWith(prefix)).toList());
  }

  private void reconcile(String... nodes) {
    sync();
    for (String node : nodes) {
      Await.result(controller().reconcile(node, cache));
    }
    sync();
  }

  private boolean tainted(String node) {
    Node found = Await.result(member.store().get(Node.class, null, node));
    return found.getSpec().getTaints() != null && found.getSpec().getTaints().stream().anyMatch(t -> NodeTaints.UNREACHABLE.equals(t.getKey()));
  }

  private List<String> podsOn(String node) {
    return Await.result(member.store().list(Pod.class, ListOptions.of(ObjectFilter.inNamespace(prefix)))).items(Pod.class).stream()
        .filter(p -> node.equals(p.getSpec().getNodeName())).map(p -> p.getMetadata().getName()).toList();
  }

  private void namespace() {
    Await.result(member.store().create(new NamespaceBuilder().withNewMetadata().withName(prefix).endMetadata().build()));
  }

  @Test
  void aNodeWhoseMemberIsGoneLosesItsPodsAfterTheEvictionTimeout() {
    namespace();
    String dead = node(1, 2);
    String alive = node(2, 1);
    reconcile(dead, alive);
    clock.advance(LEASE.plusSeconds(1));
    renew(alive, false);
    members.evidence.put(memberOf(dead), MemberView.Evidence.GONE);
    reconcile(dead, alive);
    assertThat(tainted(dead)).as("tainted once its lease ran out").isTrue();
    assertThat(tainted(alive)).isFalse();
    assertThat(podsOn(dead)).hasSize(2);

    clock.advance(TIMEOUTS.gone().plusSeconds(1));
    renew(alive, false);
    reconcile(dead, alive);
    assertThat(podsOn(dead)).as("a gone node's pods are deleted for their controllers to replace").isEmpty();
    assertThat(podsOn(alive)).hasSize(1);
  }

  @Test
  void aLateNodeWhoseMemberIsUpKeepsItsPodsForTheUnconfirmedTimeout() {
    namespace();
    String busy = node(1, 2);
    String other = node(2, 0);
    reconcile(busy, other);
    clock.advance(LEASE.plusSeconds(1));
    renew(other, false);
    reconcile(busy, other);
    assertThat(tainted(busy)).as("not ready: its lease is late").isTrue();

    clock.advance(Duration.ofSeconds(120));
    renew(other, false);
    reconcile(busy, other);
    assertThat(podsOn(busy)).as("a busy host keeps its pods while its member is up").hasSize(2);

    clock.advance(TIMEOUTS.unconfirmed());
    renew(other, false);
    reconcile(busy, other);
    assertThat(podsOn(busy)).as("evicted after Kubernetes' default toleration").isEmpty();
  }

  @Test
  void aRestartingAgentKeepsItsPodsForTheRestartGraceAndIsUntaintedWhenBack() {
    namespace();
    String restarting = node(1, 2);
    String other = node(2, 0);
    reconcile(restarting, other);
    renew(restarting, true);
    members.evidence.put(memberOf(restarting), MemberView.Evidence.GONE);
    clock.advance(LEASE.plusSeconds(1));
    renew(other, false);
    reconcile(restarting, other);
    assertThat(tainted(restarting)).isTrue();
    clock.advance(Duration.ofSeconds(60));
    renew(other, false);
    reconcile(restarting, other);
    assertThat(podsOn(restarting)).as("kept while the agent restarts, though its member left").hasSize(2);

    members.evidence.put(memberOf(restarting), MemberView.Evidence.UP);
    renew(restarting, false);
    reconcile(restarting, other);
    assertThat(tainted(restarting)).as("the taint goes when the agent is back").isFalse();
    assertThat(podsOn(restarting)).hasSize(2);
  }

  @Test
  void whenEveryNodeIsLateEvictionsAreHeldAndAnEventSaysSoButAGoneNodeIsStillEvicted() {
    namespace();
    String a = node(1, 1);
    String b = node(2, 1);
    String gone = node(3, 1);
    reconcile(a, b, gone);
    members.evidence.put(memberOf(gone), MemberView.Evidence.GONE);
    clock.advance(LEASE.plusSeconds(1));
    reconcile(a, b, gone);
    clock.advance(TIMEOUTS.unconfirmed().plusSeconds(10));
    reconcile(a, b, gone);
    assertThat(podsOn(a)).as("all nodes late at once: the control plane's view is the likelier fault").hasSize(1);
    assertThat(podsOn(b)).hasSize(1);
    assertThat(podsOn(gone)).as("a certainly gone node is evicted even then").isEmpty();
    Await.until("an event says evictions are held", Duration.ofSeconds(10), () -> Await.result(member.store().list(Event.class, ListOptions.of(ObjectFilter.ALL)))
        .items(Event.class).stream().anyMatch(e -> NodeLifecycleController.EVICTIONS_HELD.equals(e.getReason()) && a.equals(e.getInvolvedObject().getName())));
  }

  @Test
  void nothingIsDecidedWhileThisMembersViewIsImpaired() {
    namespace();
    String late = node(1, 1);
    String other = node(2, 0);
    reconcile(late, other);
    members.impaired = "control-plane member pekko://dirigent@cp2:2551 is unreachable";
    members.evidence.put(memberOf(late), MemberView.Evidence.GONE);
    clock.advance(LEASE.plusSeconds(30));
    renew(other, false);
    reconcile(late, other);
    assertThat(tainted(late)).as("a member that may be the one cut off decides nothing").isFalse();
    assertThat(podsOn(late)).hasSize(1);
  }

  @Test
  void aControllerThatJustStartedGivesEveryNodeAFullLeaseDuration() {
    namespace();
    String stale = node(1, 1);
    clock.advance(Duration.ofHours(1));
    members.evidence.put(memberOf(stale), MemberView.Evidence.GONE);
    reconcile(stale);
    assertThat(tainted(stale)).as("its lease is an hour old, but this controller has not waited a lease duration yet").isFalse();
    clock.advance(LEASE.plusSeconds(1));
    reconcile(stale);
    assertThat(tainted(stale)).isTrue();
  }
}
