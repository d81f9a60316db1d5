package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A rolling update's arithmetic, in tables after Kubernetes' rolling_test.go and deployment/util tests. */
class RollingMathTest {

  private static IntOrString of(String value) {
    return value.endsWith("%") ? new IntOrString(value) : new IntOrString(Integer.parseInt(value));
  }

  static Stream<Arguments> limits() {
    return Stream.of(
        Arguments.of("25% of 4: one more, one fewer", "25%", "25%", 4, 1, 1),
        Arguments.of("25% of 10: surge rounds up, unavailable down", "25%", "25%", 10, 3, 2),
        Arguments.of("30% of 3: a surge of one, no pod may be unavailable", "30%", "30%", 3, 1, 0),
        Arguments.of("absolute counts are taken as they are", "2", "0", 10, 2, 0),
        Arguments.of("both zero would stall the rollout: one may be unavailable", "0", "0", 10, 0, 1),
        Arguments.of("percentages of no replicas are zero, so one may be unavailable", "25%", "25%", 0, 0, 1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("limits")
  void theLimitsAre(String why, String surge, String unavailable, int replicas, int maxSurge, int maxUnavailable) {
    assertThat(RollingMath.limits(of(surge), of(unavailable), replicas)).isEqualTo(new RollingMath.Limits(maxSurge, maxUnavailable));
  }

  static Stream<Arguments> scaleUps() {
    return Stream.of(
        Arguments.of("a new ReplicaSet grows by the surge", 10, 0, 10, 2, 2),
        Arguments.of("nothing grows while the surge is spent", 10, 0, 12, 2, 0),
        Arguments.of("a new ReplicaSet larger than wanted comes down to the replicas", 10, 12, 12, 2, 10),
        Arguments.of("growth stops at the replicas", 10, 8, 9, 2, 10),
        Arguments.of("without a surge, growth waits for old pods to go", 10, 3, 10, 0, 3));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scaleUps")
  void theNewReplicaSetScalesTo(String why, int replicas, int newSpec, int allSpecs, int maxSurge, int expected) {
    assertThat(RollingMath.scaleUpNew(replicas, newSpec, allSpecs, new RollingMath.Limits(maxSurge, 1))).isEqualTo(expected);
  }

  static Stream<Arguments> scaleDowns() {
    return Stream.of(
        Arguments.of("nothing may be unavailable: the old ReplicaSet stays", 10, List.of(new RollingMath.Old("a", 10, 10)), 0, 0, 0, List.of(10)),
        Arguments.of("two may be unavailable: two old pods go", 10, List.of(new RollingMath.Old("a", 10, 10)), 0, 0, 2, List.of(8)),
        Arguments.of("unavailable old pods go first, and cost no availability", 10, List.of(new RollingMath.Old("a", 10, 8)), 0, 0, 2, List.of(8)),
        Arguments.of("new pods not yet available use the budget up", 10, List.of(new RollingMath.Old("a", 8, 8)), 2, 0, 2, List.of(8)),
        Arguments.of("new pods available let old ones go", 10, List.of(new RollingMath.Old("a", 8, 8)), 2, 2, 2, List.of(6)),
        Arguments.of("unhealthy pods of any old ReplicaSet go before healthy ones", 6,
            List.of(new RollingMath.Old("a", 3, 3), new RollingMath.Old("b", 3, 1)), 0, 0, 1, List.of(3, 2)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scaleDowns")
  void theOldReplicaSetsScaleTo(String why, int replicas, List<RollingMath.Old> olds, int newSpec, int newAvailable, int maxUnavailable,
      List<Integer> expected) {
    int allAvailable = newAvailable + olds.stream().mapToInt(RollingMath.Old::available).sum();
    assertThat(RollingMath.scaleDownOld(replicas, olds, newSpec, newAvailable, allAvailable, new RollingMath.Limits(1, maxUnavailable)))
        .isEqualTo(expected);
  }
}
