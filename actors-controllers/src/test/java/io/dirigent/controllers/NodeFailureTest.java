package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.testing.Await;
import io.dirigent.core.testing.TestNodes;
import io.dirigent.node.NodeAgent;
import io.dirigent.node.NodeAgents;
import io.dirigent.node.NodeSettings;
import io.dirigent.node.runtime.SimulatedRuntime;
import io.dirigent.scheduler.Scheduler;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;

/** A node dies: it is marked unreachable and tainted, and its pods come back on the others. */
class NodeFailureTest {

  @Test
  void aDeadNodesPodsAreReplacedElsewhereWithinSeconds() {
    String prefix = "dead-" + Long.toString(System.nanoTime() % 100_000, 36);
    ClusterNode member = TestNodes.start(ConfigFactory.parseMap(Map.of(
        "dirigent.store.plugin", "memory",
        "dirigent.data-dir", System.getProperty("java.io.tmpdir") + "/" + prefix,
        "dirigent.node.lease-duration", "3s",
        "dirigent.node.lease-renew-interval", "500ms",
        "dirigent.controllers.pod-eviction-timeout", "1s")));
    SimulatedRuntime runtime = new SimulatedRuntime(Clock.systemUTC());
    NodeAgents agents = NodeAgents.create(member.system(), member.store(), Clock.systemUTC());
    try {
      Map<String, ActorRef<NodeAgent.Command>> byName = new HashMap<>();
      NodeSettings base = NodeSettings.from(member.system().settings().config());
      for (int i = 1; i <= 3; i++) {
        byName.put(prefix + "-" + i, agents.startAgent(base.withName(prefix + "-" + i), runtime));
      }
      Scheduler.init(member.system(), member.store());
      ControllerManager.init(member.system(), member.store());
      Await.result(member.store().create(new NamespaceBuilder().withNewMetadata().withName(prefix).endMetadata().build()));
      Await.result(member.store().create(new DeploymentBuilder().withNewMetadata().withName("web").withNamespace(prefix).endMetadata()
          .withNewSpec().withReplicas(3).withNewSelector().addToMatchLabels("app", "web").endSelector()
          .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
          .withNewSpec().addNewContainer().withName("app").withImage("dirigent/busybox:1").endContainer().endSpec().endTemplate()
          .endSpec().build()));
      Await.until("three pods running", Duration.ofSeconds(60), () -> running(member, prefix).size() == 3);
      String victim = running(member, prefix).get(0).getSpec().getNodeName();

      long died = System.nanoTime();
      agents.stop(byName.get(victim));
      Await.until("three pods running again, none on the dead node", Duration.ofSeconds(30), () -> {
        List<Pod> pods = running(member, prefix);
        return pods.size() == 3 && pods.stream().noneMatch(p -> victim.equals(p.getSpec().getNodeName()));
      });
      Duration replaced = Duration.ofNanos(System.nanoTime() - died);
      System.out.println("node " + victim + " died; its pods ran elsewhere after " + replaced.toMillis() + " ms");

      Node dead = Await.result(member.store().get(Node.class, null, victim));
      assertThat(dead.getSpec().getTaints()).anySatisfy(t -> {
        assertThat(t.getKey()).isEqualTo(NodeLifecycleController.UNREACHABLE);
        assertThat(t.getEffect()).isEqualTo("NoExecute");
      });
      assertThat(dead.getStatus().getConditions()).filteredOn(c -> c.getType().equals("Ready"))
          .singleElement().satisfies(c -> assertThat(c.getStatus()).isEqualTo("Unknown"));
      assertThat(replaced).as("replacements running elsewhere after the node died").isLessThan(Duration.ofSeconds(30));

      // The node comes back: the taint goes.
      agents.startAgent(base.withName(victim), runtime);
      Await.until("the taint removed", Duration.ofSeconds(30), () -> {
        Node back = Await.result(member.store().get(Node.class, null, victim));
        return back.getSpec().getTaints() == null || back.getSpec().getTaints().stream().noneMatch(t -> NodeLifecycleController.UNREACHABLE.equals(t.getKey()));
      });
    } finally {
      agents.close();
      runtime.close();
      member.close();
    }
  }

  private static List<Pod> running(ClusterNode member, String namespace) {
    return Await.result(member.store().list(Pod.class, ListOptions.of(ObjectFilter.inNamespace(namespace)))).items(Pod.class).stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null && p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
        .toList();
  }
}
