package io.dirigent.scheduler;

import static io.dirigent.scheduler.Fixtures.info;
import static io.dirigent.scheduler.Fixtures.node;
import static io.dirigent.scheduler.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Taint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SchedulingAlgorithmTest {

  private final SchedulingAlgorithm algorithm = SchedulingAlgorithm.defaults();

  @Test
  void theLeastLoadedNodeWins() {
    NodeInfo busy = info(node("busy", 4, 8));
    busy.add(info(pod("x", "3", "6Gi")));
    NodeInfo idle = info(node("idle", 4, 8));
    assertThat(algorithm.schedule(info(pod("p", "500m", "1Gi")), List.of(busy, idle), 0).node()).isEqualTo("idle");
  }

  @Test
  void anOwnersPodsSpreadOverTheNodes() {
    List<NodeInfo> nodes = List.of(info(node("a", 8, 16)), info(node("b", 8, 16)), info(node("c", 8, 16)));
    Map<String, Integer> counts = new HashMap<>();
    int rotation = 0;
    for (int i = 0; i < 9; i++) {
      PodInfo pod = info(pod("r-" + i, "100m", "128Mi").editMetadata()
          .withOwnerReferences(new OwnerReference("apps/v1", true, true, "ReplicaSet", "r", "rs-uid")).endMetadata());
      var decision = algorithm.schedule(pod, nodes, rotation++);
      nodes.stream().filter(n -> n.name().equals(decision.node())).findFirst().orElseThrow().add(pod);
      counts.merge(decision.node(), 1, Integer::sum);
    }
    assertThat(counts).containsOnly(Map.entry("a", 3), Map.entry("b", 3), Map.entry("c", 3));
  }

  @Test
  void aPreferNoScheduleTaintMakesANodeTheLastChoice() {
    NodeInfo tainted = info(node("tainted", 4, 8).editSpec().withTaints(new Taint("PreferNoSchedule", "slow", null, "yes")).endSpec());
    NodeInfo plain = info(node("plain", 4, 8));
    assertThat(algorithm.schedule(info(pod("p", null, null)), List.of(tainted, plain), 0).node()).isEqualTo("plain");
  }

  @Test
  void whenNothingFitsTheMessageCountsEachReasonAsKubernetesPrintsIt() {
    NodeInfo cordoned = info(node("a", 4, 8).editSpec().withUnschedulable(true).endSpec());
    NodeInfo small1 = info(node("b", 4, 1));
    NodeInfo small2 = info(node("c", 4, 1));
    var decision = algorithm.schedule(info(pod("p", "1", "2Gi")), List.of(cordoned, small1, small2), 0);
    assertThat(decision.node()).isNull();
    assertThat(decision.message()).isEqualTo("0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient memory.");
  }

  @ParameterizedTest(name = "with {0} nodes, {1} feasible ones are enough")
  @CsvSource({"10, 10", "99, 99", "100, 100", "1000, 420", "5000, 500", "20000, 1000"})
  void largeClustersAreSearchedOnlyUntilEnoughFeasibleNodesAreFound(int nodes, int wanted) {
    assertThat(SchedulingAlgorithm.feasibleNodesToFind(nodes)).isEqualTo(wanted);
  }

  @Test
  void aLargeClusterEvaluatesOnlyPartOfItsNodes() {
    List<NodeInfo> nodes = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      nodes.add(info(node("n" + i, 32, 256)));
    }
    var decision = algorithm.schedule(info(pod("p", "1", "1Gi")), nodes, 4990);
    assertThat(decision.evaluated()).isEqualTo(500);
    assertThat(decision.node()).isNotNull();
  }
}
