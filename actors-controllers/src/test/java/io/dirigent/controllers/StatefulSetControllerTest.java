package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.testing.Await;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** StatefulSets on the in-memory store with two simulated nodes that take local volumes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatefulSetControllerTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  @RegisterExtension
  static final SimulatedCluster cluster = SimulatedCluster.of("sts", 2);

  private String namespace(String name) {
    return cluster.namespace(name);
  }

  private static StatefulSet web(String ns, int replicas, String policy, String image) {
    return new StatefulSetBuilder().withNewMetadata().withName("web").withNamespace(ns).endMetadata()
        .withNewSpec().withReplicas(replicas).withServiceName("nginx").withPodManagementPolicy(policy)
        .withNewSelector().addToMatchLabels("app", "web").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
        .withNewSpec().addNewContainer().withName("web").withImage(image)
        .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount().endContainer().endSpec().endTemplate()
        .withVolumeClaimTemplates(new PersistentVolumeClaimBuilder().withNewMetadata().withName("data").endMetadata()
            .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources().withRequests(Map.of("storage", new Quantity("1Gi"))).endResources()
            .endSpec().build())
        .endSpec().build();
  }

  private List<Pod> pods(String ns) {
    return Await.result(cluster.store().list(Pod.class, ListOptions.of(ObjectFilter.inNamespace(ns)))).items(Pod.class).stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
  }

  private Set<String> running(String ns, String image) {
    return pods(ns).stream().filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())
        && p.getSpec().getContainers().get(0).getImage().equals(image)).map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
  }

  private Set<String> claims(String ns) {
    return Await.result(cluster.store().list(PersistentVolumeClaim.class, ListOptions.of(ObjectFilter.inNamespace(ns))))
        .items(PersistentVolumeClaim.class).stream().map(c -> c.getMetadata().getName()).collect(Collectors.toSet());
  }

  private StatefulSet sts(String ns) {
    return Await.result(cluster.store().get(StatefulSet.class, ns, "web"));
  }

  @Test
  void orderedPodsComeUpInOrderWithTheirClaimsAndIdentityAndScalingKeepsTheClaims() {
    String ns = namespace("ordered");
    Await.result(cluster.store().create(web(ns, 3, "OrderedReady", "dirigent/busybox:1")));
    Await.until("web-0, web-1, web-2 Running", WAIT, () -> running(ns, "dirigent/busybox:1").equals(Set.of("web-0", "web-1", "web-2")));

    List<Pod> ordered = pods(ns).stream().sorted(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp())).toList();
    assertThat(ordered).extracting(p -> p.getMetadata().getName()).containsExactly("web-0", "web-1", "web-2");
    Pod first = ordered.get(0);
    assertThat(first.getSpec().getHostname()).isEqualTo("web-0");
    assertThat(first.getSpec().getSubdomain()).isEqualTo("nginx");
    assertThat(first.getMetadata().getLabels()).containsEntry("statefulset.kubernetes.io/pod-name", "web-0").containsKey("controller-revision-hash");
    assertThat(first.getSpec().getVolumes()).anySatisfy(volume -> assertThat(volume.getPersistentVolumeClaim().getClaimName()).isEqualTo("data-web-0"));
    assertThat(claims(ns)).containsExactlyInAnyOrder("data-web-0", "data-web-1", "data-web-2");
    Await.until("every claim Bound", WAIT, () -> Await.result(cluster.store().list(PersistentVolumeClaim.class, ListOptions.of(ObjectFilter.inNamespace(ns))))
        .items(PersistentVolumeClaim.class).stream().allMatch(c -> c.getStatus() != null && "Bound".equals(c.getStatus().getPhase())));
    Await.until("status says 3 ready at one revision", WAIT, () -> {
      var status = sts(ns).getStatus();
      return status != null && Integer.valueOf(3).equals(status.getReadyReplicas()) && Integer.valueOf(3).equals(status.getCurrentReplicas())
          && status.getCurrentRevision() != null && status.getCurrentRevision().equals(status.getUpdateRevision())
          && sts(ns).getMetadata().getGeneration().equals(status.getObservedGeneration());
    });

    Updates.change(cluster.store(), StatefulSet.class, ns, "web", sts -> sts.getSpec().setReplicas(1));
    Await.until("scaled down to web-0", WAIT, () -> pods(ns).stream().map(p -> p.getMetadata().getName()).toList().equals(List.of("web-0")));
    assertThat(claims(ns)).as("claims are kept when pods go").containsExactlyInAnyOrder("data-web-0", "data-web-1", "data-web-2");

    Updates.change(cluster.store(), StatefulSet.class, ns, "web", sts -> sts.getSpec().setReplicas(3));
    Await.until("back to three", WAIT, () -> running(ns, "dirigent/busybox:1").equals(Set.of("web-0", "web-1", "web-2")));
    assertThat(claims(ns)).containsExactlyInAnyOrder("data-web-0", "data-web-1", "data-web-2");
  }

  @Test
  void aRollingUpdateReplacesPodsAboveThePartitionAndThenAll() {
    String ns = namespace("rolling");
    Await.result(cluster.store().create(web(ns, 3, "Parallel", "dirigent/busybox:1")));
    Await.until("three Running", WAIT, () -> running(ns, "dirigent/busybox:1").size() == 3);
    Await.until("a current revision", WAIT, () -> sts(ns).getStatus() != null && sts(ns).getStatus().getCurrentRevision() != null);
    String first = sts(ns).getStatus().getCurrentRevision();

    Updates.change(cluster.store(), StatefulSet.class, ns, "web", sts -> {
      sts.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("dirigent/busybox:2");
      sts.getSpec().getUpdateStrategy().getRollingUpdate().setPartition(2);
    });
    Await.until("web-2 updated", WAIT, () -> running(ns, "dirigent/busybox:2").equals(Set.of("web-2")));
    Await.until("status: one updated, the rest current", WAIT, () -> {
      var status = sts(ns).getStatus();
      return Integer.valueOf(1).equals(status.getUpdatedReplicas()) && first.equals(status.getCurrentRevision())
          && !first.equals(status.getUpdateRevision());
    });
    assertThat(running(ns, "dirigent/busybox:1")).containsExactlyInAnyOrder("web-0", "web-1");

    Updates.change(cluster.store(), StatefulSet.class, ns, "web", sts -> sts.getSpec().getUpdateStrategy().getRollingUpdate().setPartition(0));
    Await.until("every pod updated", WAIT, () -> running(ns, "dirigent/busybox:2").equals(Set.of("web-0", "web-1", "web-2")));
    Await.until("the update revision is current", WAIT, () -> {
      var status = sts(ns).getStatus();
      return status.getUpdateRevision().equals(status.getCurrentRevision()) && Integer.valueOf(3).equals(status.getUpdatedReplicas());
    });
    List<ControllerRevision> revisions = Await.result(cluster.store().list(ControllerRevision.class, ListOptions.of(ObjectFilter.inNamespace(ns))))
        .items(ControllerRevision.class);
    assertThat(revisions).extracting(ControllerRevision::getRevision).containsExactlyInAnyOrder(1L, 2L);

    Await.result(cluster.store().delete(StatefulSet.class, ns, "web", DeleteOptions.defaults()));
    Await.until("its pods are collected", WAIT, () -> pods(ns).isEmpty());
  }
}
