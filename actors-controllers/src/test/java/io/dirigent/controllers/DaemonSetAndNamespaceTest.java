package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.testing.Await;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** DaemonSets on five simulated nodes, then six; and deleting a namespace with everything in it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DaemonSetAndNamespaceTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  @RegisterExtension
  static final SimulatedCluster cluster = SimulatedCluster.of("ds", 5);

  private List<Pod> pods(String ns) {
    return Await.result(cluster.store().list(Pod.class, ListOptions.of(ObjectFilter.inNamespace(ns)))).items(Pod.class).stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
  }

  private Set<String> runningNodes(String ns, String image) {
    return pods(ns).stream().filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())
        && p.getSpec().getContainers().get(0).getImage().equals(image)).map(p -> p.getSpec().getNodeName()).collect(Collectors.toSet());
  }

  private Set<String> ourNodes(int count) {
    Set<String> names = new java.util.HashSet<>();
    for (int i = 1; i <= count; i++) {
      names.add(cluster.prefix() + "-" + i);
    }
    return names;
  }

  @Test
  void aDaemonSetRunsOnePodOnEveryNodeNewOnesIncludedAndRollsOutNodeByNode() {
    String ns = cluster.prefix() + "-daemons";
    Await.result(cluster.store().create(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()));
    Await.result(cluster.store().create(new DaemonSetBuilder().withNewMetadata().withName("agent").withNamespace(ns).endMetadata()
        .withNewSpec().withNewSelector().addToMatchLabels("app", "agent").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "agent").endMetadata()
        .withNewSpec().addNewContainer().withName("agent").withImage("dirigent/busybox:1").endContainer().endSpec().endTemplate()
        .endSpec().build()));
    Await.until("a daemon on each of the five nodes", WAIT, () -> runningNodes(ns, "dirigent/busybox:1").containsAll(ourNodes(5)));
    assertThat(pods(ns).stream().map(p -> p.getSpec().getNodeName()).filter(ourNodes(5)::contains)).hasSize(5).doesNotHaveDuplicates();

    cluster.startNode(6);
    Await.until("the sixth node gets one too", WAIT, () -> runningNodes(ns, "dirigent/busybox:1").containsAll(ourNodes(6)));
    Await.until("status counts six", WAIT, () -> {
      DaemonSet ds = Await.result(cluster.store().get(DaemonSet.class, ns, "agent"));
      return ds.getStatus() != null && ds.getStatus().getNumberReady() != null && ds.getStatus().getNumberReady() >= 6;
    });

    Updates.change(cluster.store(), DaemonSet.class, ns, "agent", ds -> ds.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("dirigent/busybox:2"));
    Await.until("every node on the new template", WAIT, () -> runningNodes(ns, "dirigent/busybox:2").containsAll(ourNodes(6)));
  }

  @Test
  void deletingANamespaceDeletesEverythingInItThenTheNamespace() {
    String ns = cluster.prefix() + "-doomed";
    Await.result(cluster.store().create(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()));
    Await.result(cluster.store().create(new ConfigMapBuilder().withNewMetadata().withName("settings").withNamespace(ns).endMetadata()
        .addToData("a", "b").build()));
    Await.result(cluster.store().create(new DeploymentBuilder().withNewMetadata().withName("web").withNamespace(ns).endMetadata()
        .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", "web").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("dirigent/busybox:1").endContainer().endSpec().endTemplate()
        .endSpec().build()));
    Await.until("two pods", WAIT, () -> pods(ns).size() == 2);

    Await.result(cluster.store().delete(Namespace.class, null, ns, DeleteOptions.defaults()));
    Namespace terminating = Await.result(cluster.store().get(Namespace.class, null, ns));
    assertThat(terminating.getMetadata().getDeletionTimestamp()).isNotNull();
    Await.until("Terminating", WAIT, () -> "Terminating".equals(Await.result(cluster.store().get(Namespace.class, null, ns)).getStatus().getPhase()));
    StoreError refused = Await.error(cluster.store().create(new ConfigMapBuilder().withNewMetadata().withName("late").withNamespace(ns).endMetadata().build()));
    assertThat(refused.reason()).isEqualTo(StoreError.Reason.FORBIDDEN);

    Await.until("the namespace gone", WAIT, () -> cluster.store().get(Namespace.class, null, ns).toCompletableFuture().handle((n, failure) -> failure != null).join());
    assertThat(Await.result(cluster.store().list(Pod.class, ListOptions.of(ObjectFilter.inNamespace(ns)))).items()).isEmpty();
  }
}
