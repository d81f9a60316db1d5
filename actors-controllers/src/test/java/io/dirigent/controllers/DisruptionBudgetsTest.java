package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A PodDisruptionBudget's arithmetic, in a table after Kubernetes' disruption_test.go. */
class DisruptionBudgetsTest {

  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

  private static IntOrString of(String value) {
    return value == null ? null : value.endsWith("%") ? new IntOrString(value) : new IntOrString(Integer.parseInt(value));
  }

  /** {@code ready} Ready pods and {@code unready} others, all of controller {@code owner} (null: none). */
  private static List<DisruptionBudgets.PodState> pods(int ready, int unready, String owner) {
    List<DisruptionBudgets.PodState> pods = new ArrayList<>();
    for (int i = 0; i < ready + unready; i++) {
      pods.add(new DisruptionBudgets.PodState("p" + i, false, i < ready, Optional.ofNullable(owner)));
    }
    return pods;
  }

  static Stream<Arguments> budgets() {
    return Stream.of(
        Arguments.of("minAvailable 3 of 4 Ready pods: one may go", "3", null, pods(4, 0, null), Map.of(), 4, 3, 4, 1),
        Arguments.of("minAvailable 3 of 3 Ready pods: none may go", "3", null, pods(3, 0, null), Map.of(), 3, 3, 3, 0),
        Arguments.of("unready pods are not healthy", "2", null, pods(2, 1, null), Map.of(), 3, 2, 2, 0),
        Arguments.of("minAvailable above the pods there are: none may go, never fewer than none", "5", null, pods(3, 0, null),
            Map.of(), 3, 5, 3, 0),
        Arguments.of("an integer minAvailable needs no controller", "1", null, pods(2, 0, null), Map.of(), 2, 1, 2, 1),
        Arguments.of("minAvailable 50% of a ReplicaSet of 4: two must stay", "50%", null, pods(4, 0, "rs"), Map.of("rs", 4), 4, 2, 4, 2),
        Arguments.of("a percentage counts from the scale, not from the pods there are", "50%", null, pods(2, 0, "rs"),
            Map.of("rs", 6), 6, 3, 2, 0),
        Arguments.of("minAvailable 34% of 3 rounds up to two", "34%", null, pods(3, 0, "rs"), Map.of("rs", 3), 3, 2, 3, 1),
        Arguments.of("maxUnavailable 1 of a Deployment of 3 with a pod missing: none may go", null, "1", pods(2, 0, "d"),
            Map.of("d", 3), 3, 2, 2, 0),
        Arguments.of("maxUnavailable 1 of a full Deployment of 3: one may go", null, "1", pods(3, 0, "d"), Map.of("d", 3), 3, 2, 3, 1),
        Arguments.of("maxUnavailable 34% of 3 rounds up to two unavailable", null, "34%", pods(3, 0, "d"), Map.of("d", 3), 3, 1, 3, 2),
        Arguments.of("maxUnavailable with no pods expected: nothing may go", null, "1", List.of(), Map.of(), 0, 0, 0, 0),
        Arguments.of("maxUnavailable 0: nothing may go", null, "0", pods(3, 0, "d"), Map.of("d", 3), 3, 3, 3, 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("budgets")
  void theBudgetCounts(String why, String minAvailable, String maxUnavailable, List<DisruptionBudgets.PodState> pods,
      Map<String, Integer> scales, int expected, int desired, int healthy, int allowed) {
    DisruptionBudgets.Counts counts = DisruptionBudgets.count(of(minAvailable), of(maxUnavailable), pods, scales, Map.of(), NOW);
    assertThat(counts.failure()).isEmpty();
    assertThat(List.of(counts.expectedPods(), counts.desiredHealthy(), counts.currentHealthy(), counts.disruptionsAllowed()))
        .containsExactly(expected, desired, healthy, allowed);
    assertThat(counts.conditionReason()).isEqualTo(allowed > 0 ? "SufficientPods" : "InsufficientPods");
  }

  @Test
  void aPodWithoutAControllerLeavesAPercentageUncountableAndNothingMayGo() {
    List<DisruptionBudgets.PodState> pods = new ArrayList<>(pods(3, 0, "rs"));
    pods.add(new DisruptionBudgets.PodState("stray", false, true, Optional.empty()));
    DisruptionBudgets.Counts counts = DisruptionBudgets.count(null, of("1"), pods, Map.of("rs", 3), Map.of(), NOW);
    assertThat(counts.failure()).contains("found no controllers for pod \"stray\"");
    assertThat(counts.disruptionsAllowed()).isZero();
    assertThat(counts.conditionStatus()).isEqualTo("False");
    assertThat(counts.conditionReason()).isEqualTo("SyncFailed");
  }

  @Test
  void aPodBeingDeletedIsNotHealthy() {
    List<DisruptionBudgets.PodState> pods = List.of(new DisruptionBudgets.PodState("a", true, true, Optional.empty()),
        new DisruptionBudgets.PodState("b", false, true, Optional.empty()));
    DisruptionBudgets.Counts counts = DisruptionBudgets.count(of("1"), null, pods, Map.of(), Map.of(), NOW);
    assertThat(counts.currentHealthy()).isEqualTo(1);
    assertThat(counts.disruptionsAllowed()).isZero();
  }

  @Test
  void anEvictedPodCountsAsDisruptedUntilItGoesOrTheTimeoutPasses() {
    List<DisruptionBudgets.PodState> pods = pods(3, 0, null);
    Map<String, Instant> evicted = Map.of("p0", NOW.minus(Duration.ofMinutes(1)), "p1", NOW.minus(Duration.ofMinutes(3)));
    DisruptionBudgets.Counts counts = DisruptionBudgets.count(of("1"), null, pods, Map.of(), evicted, NOW);
    assertThat(counts.disruptedPods()).as("p1's eviction is older than the timeout: forgotten").containsOnlyKeys("p0");
    assertThat(counts.currentHealthy()).isEqualTo(2);
    assertThat(counts.disruptionsAllowed()).isEqualTo(1);
    assertThat(counts.recheck()).contains(Duration.ofMinutes(1));
  }

  @Test
  void anEvictedPodThatIsGoingIsNoLongerRecorded() {
    List<DisruptionBudgets.PodState> pods = List.of(new DisruptionBudgets.PodState("p0", true, true, Optional.empty()));
    DisruptionBudgets.Counts counts = DisruptionBudgets.count(of("0"), null, pods, Map.of(), Map.of("p0", NOW), NOW);
    assertThat(counts.disruptedPods()).isEmpty();
    assertThat(counts.recheck()).isEmpty();
  }
}
