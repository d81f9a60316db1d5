package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.testing.Await;
import io.dirigent.core.testing.TestNodes;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A claim's writes against the store (no controller runs): what it adopts gets the owner's
 * controller reference, what it releases loses it, and what changed since the cache saw it — the
 * owner or a candidate — is not claimed on a stale view.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControllerRefsClaimTest {

  private static final AtomicInteger NAMESPACES = new AtomicInteger();
  private ClusterNode member;

  @BeforeAll
  void start() {
    member = TestNodes.memory();
  }

  @AfterAll
  void stop() {
    member.close();
  }

  private String namespace() {
    String name = "claim-" + NAMESPACES.incrementAndGet();
    Await.result(member.store().create(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()));
    return name;
  }

  private ReplicaSet replicaSet(String namespace) {
    return Await.result(member.store().create(new ReplicaSetBuilder().withNewMetadata().withNamespace(namespace).withName("web").endMetadata()
        .withNewSpec().withReplicas(0).withNewSelector().addToMatchLabels("app", "web").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("dirigent/busybox:1").endContainer().endSpec().endTemplate()
        .endSpec().build()));
  }

  private Pod pod(String namespace, String name, String app, ReplicaSet controller) {
    PodBuilder pod = new PodBuilder().withNewMetadata().withNamespace(namespace).withName(name).withLabels(Map.of("app", app)).endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("dirigent/busybox:1").endContainer().endSpec();
    if (controller != null) {
      pod.editMetadata().withOwnerReferences(Owners.reference(controller)).endMetadata();
    }
    return Await.result(member.store().create(pod.build()));
  }

  private List<OwnerReference> referencesOf(String namespace, String name) {
    Pod pod = Await.result(member.store().get(Pod.class, namespace, name));
    return pod.getMetadata().getOwnerReferences() == null ? List.of() : pod.getMetadata().getOwnerReferences();
  }

  @Test
  void anAdoptedOrphanGetsTheOwnersControllerReferenceAndAReleasedPodLosesIt() {
    String ns = namespace();
    ReplicaSet rs = replicaSet(ns);
    Pod orphan = pod(ns, "orphan", "web", null);
    Pod strayed = pod(ns, "strayed", "other", rs);
    Pod kept = pod(ns, "kept", "web", rs);

    List<Pod> claimed = Await.result(ControllerRefs.claim(member.store(), rs, rs.getSpec().getSelector(), List.of(orphan, strayed, kept)));

    assertThat(claimed).extracting(p -> p.getMetadata().getName()).containsExactlyInAnyOrder("orphan", "kept");
    assertThat(referencesOf(ns, "orphan")).singleElement().satisfies(reference -> {
      assertThat(reference.getUid()).isEqualTo(rs.getMetadata().getUid());
      assertThat(reference.getController()).isTrue();
      assertThat(reference.getBlockOwnerDeletion()).isTrue();
    });
    assertThat(referencesOf(ns, "strayed")).isEmpty();
    assertThat(referencesOf(ns, "kept")).extracting(OwnerReference::getUid).containsExactly(rs.getMetadata().getUid());
  }

  @Test
  void anOwnerDeletedSinceTheCacheSawItAdoptsNothing() {
    String ns = namespace();
    ReplicaSet cached = replicaSet(ns);
    Pod orphan = pod(ns, "orphan", "web", null);
    Await.result(member.store().delete(ReplicaSet.class, ns, "web", DeleteOptions.defaults()));

    assertThat(Await.result(ControllerRefs.claim(member.store(), cached, cached.getSpec().getSelector(), List.of(orphan)))).isEmpty();
    assertThat(referencesOf(ns, "orphan")).isEmpty();
  }

  @Test
  void anOwnerReplacedByAnotherOfTheSameNameSinceTheCacheSawItAdoptsNothing() {
    String ns = namespace();
    ReplicaSet cached = replicaSet(ns);
    Pod orphan = pod(ns, "orphan", "web", null);
    Await.result(member.store().delete(ReplicaSet.class, ns, "web", DeleteOptions.defaults()));
    replicaSet(ns);

    assertThat(Await.result(ControllerRefs.claim(member.store(), cached, cached.getSpec().getSelector(), List.of(orphan)))).isEmpty();
    assertThat(referencesOf(ns, "orphan")).isEmpty();
  }

  @Test
  void aCandidateChangedSinceTheCacheSawItFailsTheClaimWithAConflictToBeClaimedAgain() {
    String ns = namespace();
    ReplicaSet rs = replicaSet(ns);
    Pod cached = pod(ns, "orphan", "web", null);
    Pod changed = new PodBuilder(cached).editMetadata().addToAnnotations("touched", "yes").endMetadata().build();
    Await.result(member.store().update(changed));

    StoreError error = Await.error(ControllerRefs.claim(member.store(), rs, rs.getSpec().getSelector(), List.of(cached)));
    assertThat(error.reason()).isEqualTo(StoreError.Reason.CONFLICT);
    assertThat(referencesOf(ns, "orphan")).isEmpty();
  }

  @Test
  void aCandidateGoneSinceTheCacheSawItIsSimplyNotClaimed() {
    String ns = namespace();
    ReplicaSet rs = replicaSet(ns);
    Pod cached = pod(ns, "orphan", "web", null);
    Await.result(member.store().delete(Pod.class, ns, "orphan", DeleteOptions.defaults()));

    assertThat(Await.result(ControllerRefs.claim(member.store(), rs, rs.getSpec().getSelector(), List.of(cached)))).isEmpty();
  }
}
