package io.dirigent.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.testing.Await;
import io.dirigent.core.testing.TestNodes;
import io.dirigent.node.NodeAgents;
import io.dirigent.node.NodeSettings;
import io.dirigent.node.runtime.SimulatedRuntime;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The scheduler singleton binding pods to three simulated nodes, on the in-memory journal. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchedulerTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final AtomicInteger NAMESPACES = new AtomicInteger();
  private ClusterNode member;
  private SimulatedRuntime runtime;
  private NodeAgents agents;
  private final String prefix = "sched-" + Long.toString(System.nanoTime() % 100_000, 36);

  @BeforeAll
  void start() {
    member = TestNodes.start(ConfigFactory.parseMap(Map.of("dirigent.store.plugin", "memory", "dirigent.data-dir",
        System.getProperty("java.io.tmpdir") + "/" + prefix)));
    runtime = new SimulatedRuntime(Clock.systemUTC());
    agents = NodeAgents.create(member.system(), member.store(), Clock.systemUTC());
    NodeSettings base = NodeSettings.from(member.system().settings().config());
    agents.startSimulated(3, runtime, i -> base.withName(prefix + "-" + i));
    Await.until("three nodes", WAIT, () -> nodes().size() == 3);
    Scheduler.init(member.system(), member.store());
  }

  @AfterAll
  void stop() {
    agents.close();
    runtime.close();
    member.close();
  }

  private List<Node> nodes() {
    return Await.result(member.store().list(Node.class, ListOptions.ALL)).items(Node.class).stream()
        .filter(node -> node.getMetadata().getName().startsWith(prefix)).toList();
  }

  private String namespace() {
    String name = "sched-ns-" + NAMESPACES.incrementAndGet();
    Await.result(member.store().create(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()));
    return name;
  }

  private static PodBuilder pod(String namespace, String name) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withNewSpec().addNewContainer().withName("c").withImage("dirigent/busybox:1").endContainer().endSpec();
  }

  private Pod get(String namespace, String name) {
    return Await.result(member.store().get(Pod.class, namespace, name));
  }

  @Test
  void aPodThatCannotBeReadIsSkippedAndTheOthersAreStillScheduled() throws Exception {
    String ns = namespace();
    // As a store written before fields were type-checked may hold it: once, it crash-looped the scheduler.
    var broken = (com.fasterxml.jackson.databind.node.ObjectNode) io.dirigent.core.api.KubeJson.MAPPER.readTree("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"broken","namespace":"%s"},
         "spec":{"containers":[{"name":"c","image":"dirigent/busybox:1","ports":"abc"}]}}
        """.formatted(ns));
    io.dirigent.core.store.UncheckedWrites.create(member.system(), member.store().registry().byResource("pods").orElseThrow(), broken);
    Await.result(member.store().create(pod(ns, "readable").build()));
    Await.until("the readable pod bound", WAIT, () -> get(ns, "readable").getSpec().getNodeName() != null);
    Await.until("an event on the broken pod", WAIT, () -> events(ns, "broken").stream()
        .anyMatch(e -> e.getReason().equals("FailedToRead") && e.getType().equals("Warning") && e.getMessage().contains("cannot read this pod")));
  }

  @Test
  void aHigherPriorityPodPreemptsALowerOneOnAFullNode() {
    String ns = namespace();
    Node target = nodes().get(0);
    String node = target.getMetadata().getName();
    String allCpu = target.getStatus().getAllocatable().get("cpu").toString();
    Await.result(member.store().create(new io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder().withNewMetadata()
        .withName("urgent-" + ns).endMetadata().withValue(1000).build()));
    // The node's whole cpu to a pod of priority 0, bound there.
    Await.result(member.store().create(pod(ns, "low").editSpec().withNodeName(node).editFirstContainer().withNewResources()
        .addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity(allCpu)).endResources().endContainer().endSpec().build()));
    Await.until("the low pod running", WAIT, () -> get(ns, "low").getStatus() != null && "Running".equals(get(ns, "low").getStatus().getPhase()));
    Await.result(member.store().create(pod(ns, "urgent").editSpec().withPriorityClassName("urgent-" + ns)
        .addToNodeSelector("kubernetes.io/hostname", node).editFirstContainer().withNewResources()
        .addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity("1")).endResources().endContainer().endSpec().build()));
    Await.until("the urgent pod bound where the low one was", WAIT, () -> node.equals(get(ns, "urgent").getSpec().getNodeName()));
    assertThat(Await.result(member.store().list(Pod.class, ListOptions.of(ObjectFilter.inNamespace(ns)))).items(Pod.class))
        .extracting(p -> p.getMetadata().getName()).as("the victim is gone").containsExactly("urgent");
    assertThat(events(ns, "low")).extracting(Event::getReason).contains("Preempted");
  }

  @Test
  void anOwnersPodsAreBoundSpreadOverTheNodesAndRun() {
    String ns = namespace();
    OwnerReference owner = new OwnerReference("apps/v1", true, true, "ReplicaSet", "web", "uid-web-" + ns);
    for (int i = 0; i < 9; i++) {
      Await.result(member.store().create(pod(ns, "web-" + i).editMetadata().withOwnerReferences(owner).endMetadata().build()));
    }
    Await.until("all nine running", WAIT, () -> Await.result(member.store().list(Pod.class, ListOptions.of(ObjectFilter.inNamespace(ns))))
        .items(Pod.class).stream().allMatch(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())));
    Map<String, Integer> perNode = new HashMap<>();
    for (Pod pod : Await.result(member.store().list(Pod.class, ListOptions.of(ObjectFilter.inNamespace(ns)))).items(Pod.class)) {
      perNode.merge(pod.getSpec().getNodeName(), 1, Integer::sum);
    }
    assertThat(perNode).hasSize(3).allSatisfy((node, count) -> assertThat(count).isEqualTo(3));
    assertThat(events(ns, "web-0")).extracting(Event::getReason).contains("Scheduled");
  }

  @Test
  void aPodThatFitsNowhereSaysWhyAndIsBoundOnceANodeFits() {
    String ns = namespace();
    Await.result(member.store().create(pod(ns, "picky").editSpec().withNodeSelector(Map.of("disk", "ssd")).endSpec().build()));
    Await.until("PodScheduled=False", WAIT, () -> {
      Pod pod = get(ns, "picky");
      return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
          .anyMatch(c -> c.getType().equals("PodScheduled") && c.getStatus().equals("False") && "Unschedulable".equals(c.getReason()));
    });
    String expected = "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.";
    assertThat(get(ns, "picky").getStatus().getConditions()).anySatisfy(c -> assertThat(c.getMessage()).isEqualTo(expected));
    Await.until("a FailedScheduling event", WAIT, () -> events(ns, "picky").stream()
        .anyMatch(e -> e.getReason().equals("FailedScheduling") && e.getMessage().equals(expected)));

    Node chosen = Await.result(member.store().get(Node.class, null, prefix + "-2"));
    chosen.getMetadata().getLabels().put("disk", "ssd");
    chosen.getMetadata().setResourceVersion(null);
    Await.result(member.store().update(chosen));
    Await.until("bound to the labelled node", WAIT, () -> (prefix + "-2").equals(get(ns, "picky").getSpec().getNodeName()));
  }

  @Test
  void aCordonedNodeGetsNoNewPods() {
    String ns = namespace();
    Node cordoned = Await.result(member.store().get(Node.class, null, prefix + "-1"));
    cordoned.getSpec().setUnschedulable(true);
    cordoned.getMetadata().setResourceVersion(null);
    Await.result(member.store().update(cordoned));
    try {
      // A pod only the cordoned node could take says why it waits: the scheduler has seen the cordon.
      Await.result(member.store().create(pod(ns, "pinned").editSpec()
          .withNodeSelector(Map.of("kubernetes.io/hostname", prefix + "-1")).endSpec().build()));
      Await.until("the pinned pod is refused for the cordon", WAIT, () -> {
        Pod pinned = get(ns, "pinned");
        return pinned.getStatus() != null && pinned.getStatus().getConditions() != null && pinned.getStatus().getConditions().stream()
            .anyMatch(c -> c.getMessage() != null && c.getMessage().contains("1 node(s) were unschedulable"));
      });
      for (int i = 0; i < 6; i++) {
        Await.result(member.store().create(pod(ns, "new-" + i).build()));
      }
      Await.until("six bound", WAIT, () -> Await.result(member.store().list(Pod.class, ListOptions.of(ObjectFilter.inNamespace(ns)))).items(Pod.class)
          .stream().filter(p -> p.getMetadata().getName().startsWith("new-") && p.getSpec().getNodeName() != null).count() == 6);
      assertThat(Await.result(member.store().list(Pod.class, ListOptions.of(ObjectFilter.inNamespace(ns)))).items(Pod.class).stream()
          .filter(p -> p.getMetadata().getName().startsWith("new-")).map(p -> p.getSpec().getNodeName()))
          .doesNotContain(prefix + "-1");
    } finally {
      Node uncordoned = Await.result(member.store().get(Node.class, null, prefix + "-1"));
      uncordoned.getSpec().setUnschedulable(false);
      uncordoned.getMetadata().setResourceVersion(null);
      Await.result(member.store().update(uncordoned));
    }
  }

  private List<Event> events(String namespace, String pod) {
    return Await.result(member.store().list(Event.class, ListOptions.of(new ObjectFilter(namespace, "", "involvedObject.name=" + pod))))
        .items(Event.class);
  }
}
