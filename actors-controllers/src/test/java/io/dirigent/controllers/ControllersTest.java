package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.core.api.KubeJson;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.WatchEvent;
import io.dirigent.core.store.WatchOptions;
import io.dirigent.core.testing.Await;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The controller manager with the scheduler and three simulated nodes, on the in-memory journal:
 * ReplicaSets, Deployments (rolling and recreate, rollback), Endpoints and cascading deletion,
 * each checked on the states the store goes through, not only at the end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControllersTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final AtomicInteger NAMESPACES = new AtomicInteger();
  @RegisterExtension
  static final SimulatedCluster cluster = SimulatedCluster.of("ctl", 3, Map.of("dirigent.controllers.resync-interval", "5s"));

  private String namespace() {
    String name = "ctl-ns-" + NAMESPACES.incrementAndGet();
    Await.result(cluster.store().create(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()));
    return name;
  }

  private List<Pod> pods(String ns) {
    return Await.result(cluster.store().list(Pod.class, ListOptions.of(ObjectFilter.inNamespace(ns)))).items(Pod.class);
  }

  private static boolean activeAndReady(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() == null && EndpointsController.ready(pod);
  }

  private void awaitPods(String ns, String what, Predicate<List<Pod>> condition) {
    Await.until(what, WAIT, () -> condition.test(pods(ns)));
  }

  private static DeploymentBuilder deployment(String ns, String name, int replicas, String image) {
    return new DeploymentBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage(image).endContainer().endSpec().endTemplate()
        .endSpec();
  }

  /** Every pod state the namespace goes through, as a watch delivers it. */
  private final class PodStates implements AutoCloseable {
    final Map<String, Pod> pods = new ConcurrentHashMap<>();
    final List<String> violations = new CopyOnWriteArrayList<>();
    final UniqueKillSwitch stop;
    /** Checks start once the watch has delivered the objects that existed when it began. */
    volatile boolean armed;

    PodStates(String ns, java.util.function.Function<Map<String, Pod>, String> check) {
      stop = cluster.store().watch(Pod.class, new WatchOptions(ObjectFilter.inNamespace(ns), null, false))
          .viaMat(KillSwitches.single(), Keep.right())
          .toMat(Sink.foreach(event -> {
            Pod pod = KubeJson.toTyped(event.object(), Pod.class);
            if (event.type() == WatchEvent.Type.DELETED) {
              pods.remove(pod.getMetadata().getName());
            } else if (event.type() != WatchEvent.Type.BOOKMARK && event.type() != WatchEvent.Type.ERROR) {
              pods.put(pod.getMetadata().getName(), pod);
            }
            String problem = armed ? check.apply(Map.copyOf(pods)) : null;
            if (problem != null) {
              violations.add(problem);
            }
          }), Keep.left())
          .run(cluster.member().system());
    }

    @Override
    public void close() {
      stop.shutdown();
    }
  }

  @Test
  void aReplicaSetKeepsItsPodsWhenTheyAreDeleted() {
    String ns = namespace();
    Await.result(cluster.store().create(new ReplicaSetBuilder().withNewMetadata().withName("keeper").withNamespace(ns).endMetadata()
        .withNewSpec().withReplicas(4).withNewSelector().addToMatchLabels("app", "keeper").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "keeper").endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("dirigent/busybox:1").endContainer().endSpec().endTemplate()
        .endSpec().build()));
    awaitPods(ns, "four ready pods", pods -> pods.stream().filter(ControllersTest::activeAndReady).count() == 4);
    Pod victim = pods(ns).get(0);
    assertThat(victim.getMetadata().getName()).startsWith("keeper-");
    assertThat(victim.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> assertThat(owner.getKind()).isEqualTo("ReplicaSet"));
    Await.result(cluster.store().delete(Pod.class, ns, victim.getMetadata().getName(), DeleteOptions.defaults()));
    awaitPods(ns, "a replacement", pods -> pods.stream().filter(ControllersTest::activeAndReady).count() == 4
        && pods.stream().noneMatch(p -> p.getMetadata().getName().equals(victim.getMetadata().getName())));
    Await.until("status counts four", WAIT, () -> {
      ReplicaSet rs = Await.result(cluster.store().get(ReplicaSet.class, ns, "keeper"));
      return rs.getStatus() != null && Integer.valueOf(4).equals(rs.getStatus().getReadyReplicas()) && Integer.valueOf(4).equals(rs.getStatus().getReplicas());
    });
    // Scale down removes the surplus.
    Updates.change(cluster.store(), ReplicaSet.class, ns, "keeper", rs -> rs.getSpec().setReplicas(1));
    awaitPods(ns, "one pod left", pods -> pods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).count() == 1);
  }

  @Test
  void aReplicationControllerKeepsItsPodsCountsThemAndScalesAsAReplicaSetDoes() {
    String ns = namespace();
    Await.result(cluster.store().create(new ReplicationControllerBuilder().withNewMetadata().withName("rc").withNamespace(ns).endMetadata()
        .withNewSpec().withReplicas(2).addToSelector("app", "rc")
        .withNewTemplate().withNewMetadata().addToLabels("app", "rc").addToLabels("tier", "web").endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("dirigent/busybox:1").endContainer().endSpec().endTemplate()
        .endSpec().build()));
    awaitPods(ns, "two ready pods", pods -> pods.stream().filter(ControllersTest::activeAndReady).count() == 2);
    Pod pod = pods(ns).get(0);
    assertThat(pod.getMetadata().getName()).startsWith("rc-");
    assertThat(pod.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
      assertThat(owner.getKind()).isEqualTo("ReplicationController");
      assertThat(owner.getApiVersion()).isEqualTo("v1");
    });
    Await.until("status counts two", WAIT, () -> {
      ReplicationController rc = Await.result(cluster.store().get(ReplicationController.class, ns, "rc"));
      return rc.getStatus() != null && Integer.valueOf(2).equals(rc.getStatus().getReplicas())
          && Integer.valueOf(2).equals(rc.getStatus().getReadyReplicas()) && Integer.valueOf(2).equals(rc.getStatus().getFullyLabeledReplicas());
    });
    Updates.change(cluster.store(), ReplicationController.class, ns, "rc", rc -> rc.getSpec().setReplicas(1));
    awaitPods(ns, "one pod left", pods -> pods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).count() == 1);
  }

  @Test
  void aRollingUpdateStaysWithinMaxSurgeAndMaxUnavailableAtEveryStep() {
    String ns = namespace();
    int replicas = 4;
    // maxSurge 1, maxUnavailable 1: at most 5 pods, at least 3 available, at every step.
    Await.result(cluster.store().create(deployment(ns, "web", replicas, "dirigent/httpenv:1").editSpec().withNewStrategy().withType("RollingUpdate")
        .withNewRollingUpdate().withMaxSurge(new IntOrString(1)).withMaxUnavailable(new IntOrString(1)).endRollingUpdate().endStrategy().endSpec().build()));
    awaitPods(ns, "four ready pods", pods -> pods.stream().filter(ControllersTest::activeAndReady).count() == replicas);
    String firstHash = pods(ns).get(0).getMetadata().getLabels().get(DeploymentController.HASH);

    try (PodStates states = new PodStates(ns, pods -> {
      long active = pods.values().stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).count();
      long available = pods.values().stream().filter(ControllersTest::activeAndReady).count();
      if (active > replicas + 1) {
        return "%d pods at once".formatted(active);
      }
      if (available < replicas - 1 && !pods.isEmpty()) {
        return "only %d available".formatted(available);
      }
      return null;
    })) {
      Await.until("the watch has seen the current pods", WAIT, () -> states.pods.size() >= replicas);
      states.armed = true;
      Updates.change(cluster.store(), Deployment.class, ns, "web", d -> d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("dirigent/httpenv:2"));
      Await.until("all pods on the new template", WAIT, () -> {
        List<Pod> pods = pods(ns).stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
        return pods.size() == replicas && pods.stream().allMatch(p -> p.getSpec().getContainers().get(0).getImage().equals("dirigent/httpenv:2")
            && EndpointsController.ready(p));
      });
      assertThat(states.violations).as("states outside the limits").isEmpty();
    }
    Await.until("the deployment reports the rollout done", WAIT, () -> {
      Deployment d = Await.result(cluster.store().get(Deployment.class, ns, "web"));
      return d.getStatus() != null && Integer.valueOf(replicas).equals(d.getStatus().getUpdatedReplicas())
          && Integer.valueOf(replicas).equals(d.getStatus().getAvailableReplicas())
          && d.getStatus().getObservedGeneration().equals(d.getMetadata().getGeneration())
          && d.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("Progressing") && "NewReplicaSetAvailable".equals(c.getReason()));
    });
    Deployment rolled = Await.result(cluster.store().get(Deployment.class, ns, "web"));
    assertThat(rolled.getMetadata().getAnnotations()).containsEntry(DeploymentController.REVISION, "2");

    // Rollback: the first template comes back, and with it its ReplicaSet, as revision 3.
    Updates.change(cluster.store(), Deployment.class, ns, "web", d -> d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("dirigent/httpenv:1"));
    Await.until("back on the first ReplicaSet", WAIT, () -> {
      List<Pod> pods = pods(ns).stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
      return pods.size() == replicas && pods.stream().allMatch(p -> firstHash.equals(p.getMetadata().getLabels().get(DeploymentController.HASH)));
    });
    ReplicaSet first = Await.result(cluster.store().get(ReplicaSet.class, ns, "web-" + firstHash));
    assertThat(first.getMetadata().getAnnotations()).containsEntry(DeploymentController.REVISION, "3");
    Await.until("the rollback recorded", WAIT, () -> events(ns, "web").contains("DeploymentRollback: Rolled back deployment \"web\" to revision 1"));
  }

  @Test
  void recreateRemovesEveryOldPodBeforeANewOneStarts() {
    String ns = namespace();
    Await.result(cluster.store().create(deployment(ns, "batch", 3, "dirigent/httpenv:1").editSpec().withNewStrategy().withType("Recreate")
        .endStrategy().endSpec().build()));
    awaitPods(ns, "three ready", pods -> pods.stream().filter(ControllersTest::activeAndReady).count() == 3);
    try (PodStates states = new PodStates(ns, pods -> {
      Set<String> images = pods.values().stream().map(p -> p.getSpec().getContainers().get(0).getImage()).collect(Collectors.toSet());
      return images.size() > 1 ? "old and new pods at once: " + pods.keySet() : null;
    })) {
      Await.until("the watch has seen the current pods", WAIT, () -> states.pods.size() >= 3);
      states.armed = true;
      Updates.change(cluster.store(), Deployment.class, ns, "batch", d -> d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("dirigent/httpenv:2"));
      awaitPods(ns, "three new ready", pods -> pods.size() == 3 && pods.stream().allMatch(p -> activeAndReady(p)
          && p.getSpec().getContainers().get(0).getImage().equals("dirigent/httpenv:2")));
      assertThat(states.violations).isEmpty();
    }
  }

  @Test
  void endpointsFollowThePodsReadiness() {
    String ns = namespace();
    Await.result(cluster.store().create(deployment(ns, "api", 3, "dirigent/httpenv:1").editSpec().editTemplate().editSpec().editFirstContainer()
        .addNewPort().withName("http").withContainerPort(8888).endPort()
        .withNewReadinessProbe().withNewHttpGet().withPort(new IntOrString("http")).endHttpGet().withPeriodSeconds(1).withFailureThreshold(1).endReadinessProbe()
        .endContainer().endSpec().endTemplate().endSpec().build()));
    Await.result(cluster.store().create(new ServiceBuilder().withNewMetadata().withName("api").withNamespace(ns).endMetadata()
        .withNewSpec().withSelector(Map.of("app", "api")).addNewPort().withName("web").withPort(80).withTargetPort(new IntOrString("http")).endPort()
        .endSpec().build()));
    Await.until("three ready addresses on port 8888", WAIT, () -> readyAddresses(ns, "api").size() == 3);
    Endpoints endpoints = Await.result(cluster.store().get(Endpoints.class, ns, "api"));
    assertThat(endpoints.getSubsets().get(0).getPorts()).singleElement().satisfies(port -> {
      assertThat(port.getPort()).isEqualTo(8888);
      assertThat(port.getName()).isEqualTo("web");
    });

    Pod sick = pods(ns).get(0);
    cluster.runtime().failProbes(sick.getStatus().getContainerStatuses().get(0).getContainerID().replace("simulated://", ""), true);
    Await.until("the sick pod moves to notReadyAddresses", WAIT, () -> {
      Endpoints now = Await.result(cluster.store().get(Endpoints.class, ns, "api"));
      return readyAddresses(ns, "api").size() == 2 && now.getSubsets().stream().flatMap(s -> s.getNotReadyAddresses().stream())
          .anyMatch(a -> a.getIp().equals(sick.getStatus().getPodIP()));
    });
    // The EndpointSlice beside the Endpoints says the same: the sick pod is there, not ready.
    Await.until("the slice lists three endpoints on port 8888, the sick one not ready", WAIT, () -> {
      List<EndpointSlice> slices = slicesOf(ns, "api");
      return slices.size() == 1 && slices.get(0).getPorts().get(0).getPort() == 8888 && slices.get(0).getEndpoints().size() == 3
          && slices.get(0).getEndpoints().stream().filter(e -> e.getAddresses().contains(sick.getStatus().getPodIP()))
              .allMatch(e -> !e.getConditions().getReady());
    });
    assertThat(slicesOf(ns, "api").get(0).getMetadata().getOwnerReferences()).singleElement()
        .satisfies(owner -> assertThat(owner.getKind()).isEqualTo("Service"));
    Await.result(cluster.store().delete(io.fabric8.kubernetes.api.model.Service.class, ns, "api", DeleteOptions.defaults()));
    Await.until("the slice goes with its service", WAIT, () -> slicesOf(ns, "api").isEmpty());
  }

  private List<EndpointSlice> slicesOf(String ns, String service) {
    return Await.result(cluster.store().list(EndpointSlice.class, ListOptions.of(ObjectFilter.inNamespace(ns)))).items(EndpointSlice.class)
        .stream().filter(slice -> service.equals(slice.getMetadata().getLabels().get("kubernetes.io/service-name"))).toList();
  }

  private List<String> readyAddresses(String ns, String name) {
    return cluster.store().get(Endpoints.class, ns, name).toCompletableFuture().handle((e, failure) -> {
      if (failure != null || e.getSubsets() == null) {
        return List.<String>of();
      }
      return e.getSubsets().stream().map(EndpointSubset::getAddresses).flatMap(List::stream).map(a -> a.getIp()).toList();
    }).join();
  }

  @Test
  void aReplicaSetAdoptsMatchingOrphansReleasesPodsThatStopMatchingAndLeavesOtherControllersPodsAlone() {
    String ns = namespace();
    for (String name : List.of("orphan-1", "orphan-2")) {
      Await.result(cluster.store().create(new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withName(name).withNamespace(ns)
          .addToLabels("app", "adopt").endMetadata()
          .withNewSpec().addNewContainer().withName("app").withImage("dirigent/busybox:1").endContainer().endSpec().build()));
    }
    // Another ReplicaSet's pod carries the label too; it is never taken.
    Await.result(cluster.store().create(replicaSet(ns, "other", 1, Map.of("app", "adopt", "tier", "other")).build()));
    awaitPods(ns, "two orphans and the other's pod ready", pods -> pods.stream().filter(ControllersTest::activeAndReady).count() == 3);

    ReplicaSet adopter;
    try (PodStates states = new PodStates(ns, pods -> {
      long active = pods.values().stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).count();
      return active > 4 ? "%d pods at once: the orphans were not counted".formatted(active) : null;
    })) {
      Await.until("the watch has seen the current pods", WAIT, () -> states.pods.size() >= 3);
      states.armed = true;
      adopter = Await.result(cluster.store().create(replicaSet(ns, "adopt", 3, Map.of("app", "adopt")).build()));
      awaitPods(ns, "three pods controlled by the new ReplicaSet", pods -> pods.stream()
          .filter(p -> Owners.ownedBy(p, adopter) && activeAndReady(p)).count() == 3);
      assertThat(states.violations).isEmpty();
    }
    Map<String, Pod> byName = pods(ns).stream().collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p));
    assertThat(byName.get("orphan-1").getMetadata().getOwnerReferences()).singleElement()
        .satisfies(owner -> assertThat(owner.getName()).isEqualTo("adopt"));
    assertThat(byName.get("orphan-2").getMetadata().getOwnerReferences()).singleElement()
        .satisfies(owner -> assertThat(owner.getName()).isEqualTo("adopt"));
    assertThat(byName.values().stream().filter(p -> "other".equals(p.getMetadata().getLabels().get("tier"))))
        .singleElement().satisfies(pod -> assertThat(Owners.controllerOf(pod).orElseThrow().getName()).isEqualTo("other"));
    // One pod made, one event naming it, as Kubernetes' PodControl records.
    String made = byName.values().stream().filter(p -> p.getMetadata().getName().startsWith("adopt-")).findFirst().orElseThrow().getMetadata().getName();
    Await.until("the create recorded", WAIT, () -> events(ns, "adopt").contains("SuccessfulCreate: Created pod: " + made));
    assertThat(events(ns, "adopt")).filteredOn(e -> e.startsWith("SuccessfulCreate")).hasSize(1);

    // A pod relabelled out of the selector is let go, and replaced.
    Updates.change(cluster.store(), Pod.class, ns, "orphan-1", pod -> pod.getMetadata().getLabels().put("app", "gone"));
    Await.until("orphan-1 released", WAIT, () -> {
      Pod released = Await.result(cluster.store().get(Pod.class, ns, "orphan-1"));
      return released.getMetadata().getOwnerReferences() == null || released.getMetadata().getOwnerReferences().isEmpty();
    });
    awaitPods(ns, "a replacement for the released pod", pods -> pods.stream()
        .filter(p -> Owners.ownedBy(p, adopter) && activeAndReady(p)).count() == 3);
    assertThat(pods(ns)).filteredOn(p -> p.getMetadata().getName().equals("orphan-1")).singleElement()
        .satisfies(p -> assertThat(p.getMetadata().getDeletionTimestamp()).isNull());
  }

  private static ReplicaSetBuilder replicaSet(String ns, String name, int replicas, Map<String, String> labels) {
    return new ReplicaSetBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels(labels).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels(labels).endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("dirigent/busybox:1").endContainer().endSpec().endTemplate()
        .endSpec();
  }

  /** The events recorded on an object of the namespace, as "Reason: message". */
  private List<String> events(String ns, String name) {
    return Await.result(cluster.store().list(io.fabric8.kubernetes.api.model.Event.class,
            ListOptions.of(new ObjectFilter(ns, "", "involvedObject.name=" + name))))
        .items(io.fabric8.kubernetes.api.model.Event.class).stream()
        .map(e -> e.getReason() + ": " + e.getMessage()).toList();
  }

  @Test
  void deletingADeploymentCascadesInTheBackgroundInTheForegroundOrNotAtAll() {
    for (DeleteOptions.Propagation propagation : DeleteOptions.Propagation.values()) {
      String ns = namespace();
      Await.result(cluster.store().create(deployment(ns, "cascade", 2, "dirigent/busybox:1").build()));
      awaitPods(ns, "two ready", pods -> pods.stream().filter(ControllersTest::activeAndReady).count() == 2);
      Await.result(cluster.store().delete(Deployment.class, ns, "cascade", DeleteOptions.defaults().withPropagation(propagation)));
      switch (propagation) {
        case BACKGROUND -> {
          Await.until("deployment gone", WAIT, () -> gone(Deployment.class, ns, "cascade"));
          awaitPods(ns, "pods gone", List::isEmpty);
          Await.until("replica sets gone", WAIT, () -> Await.result(cluster.store().list(ReplicaSet.class, ListOptions.of(ObjectFilter.inNamespace(ns)))).items().isEmpty());
        }
        case FOREGROUND -> {
          // The deployment is still there, marked, while its dependents go; gone once they are.
          Deployment marked = Await.result(cluster.store().get(Deployment.class, ns, "cascade"));
          assertThat(marked.getMetadata().getFinalizers()).contains(GarbageCollector.FOREGROUND);
          awaitPods(ns, "pods gone", List::isEmpty);
          Await.until("deployment gone after its pods", WAIT, () -> gone(Deployment.class, ns, "cascade"));
        }
        case ORPHAN -> {
          Await.until("deployment gone", WAIT, () -> gone(Deployment.class, ns, "cascade"));
          List<ReplicaSet> left = Await.result(cluster.store().list(ReplicaSet.class, ListOptions.of(ObjectFilter.inNamespace(ns)))).items(ReplicaSet.class);
          assertThat(left).singleElement().satisfies(rs -> assertThat(rs.getMetadata().getOwnerReferences()).isNullOrEmpty());
          assertThat(pods(ns)).hasSize(2);
          List<String> orphanedPods = pods(ns).stream().map(p -> p.getMetadata().getUid()).toList();
          // The same Deployment again adopts the orphaned ReplicaSet (same template) and its pods stay.
          Deployment again = Await.result(cluster.store().create(deployment(ns, "cascade", 2, "dirigent/busybox:1").build()));
          Await.until("the replica set adopted", WAIT, () -> Await.result(cluster.store().get(ReplicaSet.class, ns, left.get(0).getMetadata().getName()))
              .getMetadata().getOwnerReferences().stream().anyMatch(o -> o.getUid().equals(again.getMetadata().getUid()) && Boolean.TRUE.equals(o.getController())));
          assertThat(Await.result(cluster.store().list(ReplicaSet.class, ListOptions.of(ObjectFilter.inNamespace(ns)))).items()).hasSize(1);
          Await.until("the deployment counts the adopted pods", WAIT, () -> {
            Deployment d = Await.result(cluster.store().get(Deployment.class, ns, "cascade"));
            return d.getStatus() != null && Integer.valueOf(2).equals(d.getStatus().getAvailableReplicas());
          });
          assertThat(pods(ns)).extracting(p -> p.getMetadata().getUid()).containsExactlyInAnyOrderElementsOf(orphanedPods);
        }
      }
    }
  }

  private boolean gone(Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> kind, String ns, String name) {
    return cluster.store().get(kind, ns, name).toCompletableFuture().handle((found, failure) -> failure != null).join();
  }
}
