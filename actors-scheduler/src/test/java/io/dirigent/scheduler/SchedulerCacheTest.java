package io.dirigent.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SchedulerCacheTest {

  private static final PodInfo A = Fixtures.info(Fixtures.pod("a", "1", "1Gi"));
  private static final PodInfo B = Fixtures.info(Fixtures.pod("b", "500m", null));

  private static SchedulerCache withNodes(String... names) {
    SchedulerCache cache = new SchedulerCache();
    for (String name : names) {
      cache.upsertNode(Fixtures.node(name, 4, 8).build());
    }
    return cache;
  }

  private static long cpu(SchedulerCache cache, String node) {
    return cache.node(node).orElseThrow().requestedCpuMillis();
  }

  @Test
  void anAssumedPodTakesRoomOnItsNodeAtOnce() {
    SchedulerCache cache = withNodes("n1", "n2");
    cache.assume(A, "n1");
    assertThat(cpu(cache, "n1")).isEqualTo(1000);
    assertThat(cpu(cache, "n2")).isZero();
    assertThat(cache.isAssumed(A.key())).isTrue();
  }

  @Test
  void aSeenBindingConfirmsTheAssumedPodWithoutCountingItTwice() {
    SchedulerCache cache = withNodes("n1");
    cache.assume(A, "n1");
    assertThat(cache.confirm(A.key(), "n1")).isTrue();
    assertThat(cache.isAssumed(A.key())).isFalse();
    assertThat(cpu(cache, "n1")).isEqualTo(1000);
    assertThat(cache.node("n1").orElseThrow().podCount()).isEqualTo(1);
  }

  @Test
  void aFailedBindingFreesTheRoomOfTheAssumedPod() {
    SchedulerCache cache = withNodes("n1");
    cache.assume(A, "n1");
    cache.forgetAssumed(A.key(), "n1");
    assertThat(cpu(cache, "n1")).isZero();
    assertThat(cache.isPlaced(A.key())).isFalse();
  }

  @Test
  void aFailedBindingLeavesAPodTheStoreAlreadyShowsBound() {
    SchedulerCache cache = withNodes("n1", "n2");
    cache.assume(A, "n1");
    // Another scheduler won: the informer shows it on n2 before our failure arrives.
    assertThat(cache.confirm(A.key(), "n2")).isFalse();
    cache.bound(A, "n2");
    cache.forgetAssumed(A.key(), "n1");
    assertThat(cpu(cache, "n1")).isZero();
    assertThat(cpu(cache, "n2")).isEqualTo(1000);
  }

  @Test
  void aPodBoundToANodeNotYetSeenCountsOnItWhenItAppears() {
    SchedulerCache cache = withNodes();
    cache.bound(A, "late");
    cache.bound(B, "late");
    assertThat(cache.upsertNode(Fixtures.node("late", 4, 8).build())).isTrue();
    assertThat(cpu(cache, "late")).isEqualTo(1500);
  }

  @Test
  void aGonePodAndAGoneNodeFreeWhatTheyTook() {
    SchedulerCache cache = withNodes("n1");
    cache.bound(A, "n1");
    cache.bound(B, "n1");
    assertThat(cache.remove(A.key())).isTrue();
    assertThat(cpu(cache, "n1")).isEqualTo(500);
    assertThat(cache.remove(A.key())).isFalse();
    cache.removeNode("n1");
    assertThat(cache.nodes()).isEmpty();
    assertThat(cache.isPlaced(B.key())).as("the pod is still bound there for when the node comes back").isTrue();
  }

  static Stream<Arguments> nodeChanges() {
    return Stream.of(
        Arguments.of("a status write that changes nothing a pod needs", (UnaryOperator<Node>) n -> n, false),
        Arguments.of("more allocatable cpu", (UnaryOperator<Node>) n -> {
          n.getStatus().getAllocatable().put("cpu", new Quantity("8"));
          return n;
        }, true),
        Arguments.of("a new label", (UnaryOperator<Node>) n -> {
          n.getMetadata().getLabels().put("disk", "ssd");
          return n;
        }, true),
        Arguments.of("cordoned or uncordoned", (UnaryOperator<Node>) n -> {
          n.getSpec().setUnschedulable(true);
          return n;
        }, true),
        Arguments.of("no longer Ready", (UnaryOperator<Node>) n -> {
          n.getStatus().getConditions().get(0).setStatus("False");
          return n;
        }, true));
  }

  @ParameterizedTest(name = "{0}: could let a pod fit = {2}")
  @MethodSource("nodeChanges")
  void aNodeChangeSaysWhetherItCouldLetAPodFit(String name, UnaryOperator<Node> change, boolean couldHelp) {
    SchedulerCache cache = withNodes("n1");
    assertThat(cache.upsertNode(change.apply(Fixtures.node("n1", 4, 8).build()))).isEqualTo(couldHelp);
  }
}
