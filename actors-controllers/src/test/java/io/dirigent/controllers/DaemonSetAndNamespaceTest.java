package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.testing.Await;
import io.dirigent.core.testing.TestNodes;
import io.dirigent.node.NodeAgents;
import io.dirigent.node.NodeSettings;
import io.dirigent.node.runtime.SimulatedRuntime;
import io.dirigent.scheduler.Scheduler;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** DaemonSets on five simulated nodes, then six; and deleting a namespace with everything in it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DaemonSetAndNamespaceTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private ClusterNode member;
  private SimulatedRuntime runtime;
  private NodeAgents agents;
  private NodeSettings base;
  private final String prefix = "ds-" + Long.toString(System.nanoTime() % 100_000, 36);

  @BeforeAll
  void start() {
    member = TestNodes.start(ConfigFactory.parseMap(Map.of("dirigent.store.plugin", "memory",
        "dirigent.data-dir", System.getProperty("java.io.tmpdir") + "/" + prefix)));
    runtime = new SimulatedRuntime(Clock.systemUTC());
    agents = NodeAgents.create(member.system(), member.store(), Clock.systemUTC());
    base = NodeSettings.from(member.system().settings().config());
    agents.startSimulated(5, runtime, i -> base.withName(prefix + "-" + i));
    Scheduler.init(member.system(), member.store());
    ControllerManager.init(member.system(), member.store());
  }

  @AfterAll
  void stop() {
    agents.close();
    runtime.close();
    member.close();
  }

  private List<Pod> pods(String ns) {
    return Await.result(member.store().list(Pod.class, ListOptions.of(ObjectFilter.inNamespace(ns)))).items(Pod.class).stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
  }

  private Set<String> runningNodes(String ns, String image) {
    return pods(ns).stream().filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())
        && p.getSpec().getContainers().get(0).getImage().equals(image)).map(p -> p.getSpec().getNodeName()).collect(Collectors.toSet());
  }

  private Set<String> ourNodes(int count) {
    Set<String> names = new java.util.HashSet<>();
    for (int i = 1; i <= count; i++) {
      names.add(prefix + "-" + i);
    }
    return names;
  }

  @Test
  void aDaemonSetRunsOnePodOnEveryNodeNewOnesIncludedAndRollsOutNodeByNode() {
    String ns = prefix + "-daemons";
    Await.result(member.store().create(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()));
    Await.result(member.store().create(new DaemonSetBuilder().withNewMetadata().withName("agent").withNamespace(ns).endMetadata()
        .withNewSpec().withNewSelector().addToMatchLabels("app", "agent").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "agent").endMetadata()
        .withNewSpec().addNewContainer().withName("agent").withImage("dirigent/busybox:1").endContainer().endSpec().endTemplate()
        .endSpec().build()));
    Await.until("a daemon on each of the five nodes", WAIT, () -> runningNodes(ns, "dirigent/busybox:1").containsAll(ourNodes(5)));
    assertThat(pods(ns).stream().map(p -> p.getSpec().getNodeName()).filter(ourNodes(5)::contains)).hasSize(5).doesNotHaveDuplicates();

    agents.startAgent(base.withName(prefix + "-6"), runtime);
    Await.until("the sixth node gets one too", WAIT, () -> runningNodes(ns, "dirigent/busybox:1").containsAll(ourNodes(6)));
    Await.until("status counts six", WAIT, () -> {
      DaemonSet ds = Await.result(member.store().get(DaemonSet.class, ns, "agent"));
      return ds.getStatus() != null && ds.getStatus().getNumberReady() != null && ds.getStatus().getNumberReady() >= 6;
    });

    Updates.change(member.store(), DaemonSet.class, ns, "agent", ds -> ds.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("dirigent/busybox:2"));
    Await.until("every node on the new template", WAIT, () -> runningNodes(ns, "dirigent/busybox:2").containsAll(ourNodes(6)));
  }

  @Test
  void deletingANamespaceDeletesEverythingInItThenTheNamespace() {
    String ns = prefix + "-doomed";
    Await.result(member.store().create(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()));
    Await.result(member.store().create(new ConfigMapBuilder().withNewMetadata().withName("settings").withNamespace(ns).endMetadata()
        .addToData("a", "b").build()));
    Await.result(member.store().create(new DeploymentBuilder().withNewMetadata().withName("web").withNamespace(ns).endMetadata()
        .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", "web").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("dirigent/busybox:1").endContainer().endSpec().endTemplate()
        .endSpec().build()));
    Await.until("two pods", WAIT, () -> pods(ns).size() == 2);

    Await.result(member.store().delete(Namespace.class, null, ns, DeleteOptions.defaults()));
    Namespace terminating = Await.result(member.store().get(Namespace.class, null, ns));
    assertThat(terminating.getMetadata().getDeletionTimestamp()).isNotNull();
    Await.until("Terminating", WAIT, () -> "Terminating".equals(Await.result(member.store().get(Namespace.class, null, ns)).getStatus().getPhase()));
    StoreError refused = Await.error(member.store().create(new ConfigMapBuilder().withNewMetadata().withName("late").withNamespace(ns).endMetadata().build()));
    assertThat(refused.reason()).isEqualTo(StoreError.Reason.FORBIDDEN);

    Await.until("the namespace gone", WAIT, () -> member.store().get(Namespace.class, null, ns).toCompletableFuture().handle((n, failure) -> failure != null).join());
    assertThat(Await.result(member.store().list(Pod.class, ListOptions.of(ObjectFilter.inNamespace(ns)))).items()).isEmpty();
  }
}
