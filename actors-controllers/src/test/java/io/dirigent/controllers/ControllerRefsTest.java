package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What an owner claims of the objects its selector may match, before anything is written: in a
 * table after Kubernetes' TestClaimPods (controller_ref_manager_test.go). Pods are named by what
 * they are: their labels ({@code prod} matches the selector, {@code test} does not), their owner
 * ({@code mine}, {@code others}, none) and whether they are being deleted.
 */
class ControllerRefsTest {

  private static final LabelSelector PRODUCTION = new LabelSelectorBuilder().addToMatchLabels("env", "prod").build();
  private static final String DELETING = "2024-05-01T12:00:00Z";

  private static ReplicaSet owner(boolean deleting) {
    return new ReplicaSetBuilder().withNewMetadata().withNamespace("ns").withName("web").withUid("rs-uid")
        .withDeletionTimestamp(deleting ? DELETING : null).endMetadata()
        .withNewSpec().withSelector(PRODUCTION).endSpec().build();
  }

  private static final ReplicaSet LIVE = owner(false);
  private static final ReplicaSet GOING = owner(true);
  private static final ReplicaSet OTHER = new ReplicaSetBuilder().withNewMetadata().withNamespace("ns").withName("other").withUid("other-uid")
      .endMetadata().build();

  /** A pod named {@code name}, labelled env={@code env}, controlled by {@code controller} (null: an orphan). */
  private static Pod pod(String name, String env, HasMetadata controller, boolean deleting) {
    PodBuilder pod = new PodBuilder().withNewMetadata().withNamespace("ns").withName(name).withLabels(Map.of("env", env))
        .withDeletionTimestamp(deleting ? DELETING : null).endMetadata();
    if (controller != null) {
      pod.editMetadata().withOwnerReferences(Owners.reference(controller)).endMetadata();
    }
    return pod.build();
  }

  private static Pod pod(String name, String env, HasMetadata controller) {
    return pod(name, env, controller, false);
  }

  static Stream<Arguments> claims() {
    return Stream.of(
        arguments("an orphan with the selector's labels is adopted; one without them is left alone", LIVE,
            List.of(pod("prod-orphan", "prod", null), pod("test-orphan", "test", null)),
            List.of(), List.of("prod-orphan"), List.of()),
        arguments("an owner marked for deletion adopts nothing", GOING,
            List.of(pod("prod-orphan-1", "prod", null), pod("prod-orphan-2", "prod", null)),
            List.of(), List.of(), List.of()),
        arguments("an owner marked for deletion keeps what it already owns, and adopts nothing new", GOING,
            List.of(pod("prod-mine", "prod", LIVE), pod("prod-orphan", "prod", null)),
            List.of("prod-mine"), List.of(), List.of()),
        arguments("a pod another controller owns is never touched, even when the selector matches it", LIVE,
            List.of(pod("prod-orphan", "prod", null), pod("prod-others", "prod", OTHER), pod("test-others", "test", OTHER)),
            List.of(), List.of("prod-orphan"), List.of()),
        arguments("an owned pod whose labels stopped matching is released", LIVE,
            List.of(pod("prod-mine", "prod", LIVE), pod("test-mine", "test", LIVE)),
            List.of("prod-mine"), List.of(), List.of("test-mine")),
        arguments("an owner marked for deletion releases nothing", GOING,
            List.of(pod("prod-mine", "prod", LIVE), pod("test-mine", "test", LIVE)),
            List.of("prod-mine"), List.of(), List.of()),
        arguments("an orphan marked for deletion is not adopted; an owned pod marked for deletion is still owned", LIVE,
            List.of(pod("prod-mine-deleting", "prod", LIVE, true), pod("prod-orphan-deleting", "prod", null, true)),
            List.of("prod-mine-deleting"), List.of(), List.of()),
        arguments("an owned pod marked for deletion whose labels stopped matching is released all the same", LIVE,
            List.of(pod("test-mine-deleting", "test", LIVE, true)),
            List.of(), List.of(), List.of("test-mine-deleting")),
        arguments("an orphan in another namespace is not adopted", LIVE,
            List.of(new PodBuilder(pod("prod-orphan-elsewhere", "prod", null)).editMetadata().withNamespace("elsewhere").endMetadata().build()),
            List.of(), List.of(), List.of()),
        arguments("a pod whose only reference to the owner is not a controller's is an orphan, and adopted", LIVE,
            List.of(new PodBuilder(pod("prod-referenced", "prod", null)).editMetadata()
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("web").withUid("rs-uid").withController(false)
                .endOwnerReference().endMetadata().build()),
            List.of(), List.of("prod-referenced"), List.of()),
        arguments("nothing to claim: nothing decided", LIVE, List.of(), List.of(), List.of(), List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("claims")
  void claims(String why, ReplicaSet owner, List<Pod> candidates, List<String> owned, List<String> adopted, List<String> released) {
    ControllerRefs.Claims<Pod> claims = ControllerRefs.decide(owner, owner.getSpec().getSelector(), candidates);
    assertThat(names(claims.owned())).as("owned").isEqualTo(owned);
    assertThat(names(claims.orphans())).as("adopted").isEqualTo(adopted);
    assertThat(names(claims.released())).as("released").isEqualTo(released);
  }

  private static List<String> names(List<Pod> pods) {
    return pods.stream().map(pod -> pod.getMetadata().getName()).toList();
  }
}
