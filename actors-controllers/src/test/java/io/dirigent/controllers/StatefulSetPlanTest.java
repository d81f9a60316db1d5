package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.dirigent.controllers.StatefulSetPlan.Action;
import io.dirigent.controllers.StatefulSetPlan.Kind;
import io.dirigent.controllers.StatefulSetPlan.PodState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a StatefulSet does next, after Kubernetes' stateful_set_control tests. */
class StatefulSetPlanTest {

  private static PodState ready(int ordinal, String revision) {
    return new PodState(ordinal, revision, true, false, false);
  }

  private static PodState pending(int ordinal, String revision) {
    return new PodState(ordinal, revision, false, false, false);
  }

  private static PodState terminating(int ordinal, String revision) {
    return new PodState(ordinal, revision, false, true, false);
  }

  private static PodState failed(int ordinal, String revision) {
    return new PodState(ordinal, revision, false, false, true);
  }

  private static Map<Integer, PodState> pods(PodState... states) {
    Map<Integer, PodState> pods = new HashMap<>();
    for (PodState state : states) {
      pods.put(state.ordinal(), state);
    }
    return pods;
  }

  private static Action create(int ordinal, String revision) {
    return new Action(Kind.CREATE, ordinal, revision);
  }

  private static Action delete(int ordinal, String revision) {
    return new Action(Kind.DELETE, ordinal, revision);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        arguments("ordered: the first pod is made alone", 3, false, true, 0, pods(), List.of(create(0, "new"))),
        arguments("ordered: the next pod waits for the one before to be Running and Ready", 3, false, true, 0, pods(ready(0, "new"), pending(1, "new")), List.of()),
        arguments("ordered: once it is, the next is made", 3, false, true, 0, pods(ready(0, "new"), ready(1, "new")), List.of(create(2, "new"))),
        arguments("parallel: every missing pod is made at once", 3, true, true, 0, pods(pending(0, "new")), List.of(create(1, "new"), create(2, "new"))),
        arguments("ordered: scaling down removes the highest first, one at a time", 1, false, true, 0,
            pods(ready(0, "new"), ready(1, "new"), ready(2, "new")), List.of(delete(2, "new"))),
        arguments("ordered: the next lower waits until the higher is gone", 1, false, true, 0,
            pods(ready(0, "new"), ready(1, "new"), terminating(2, "new")), List.of()),
        arguments("ordered: nothing is removed while a kept pod is not ready", 1, false, true, 0,
            pods(pending(0, "new"), ready(1, "new")), List.of()),
        arguments("parallel: every surplus pod goes at once", 1, true, true, 0,
            pods(ready(0, "new"), ready(1, "new"), ready(2, "new")), List.of(delete(2, "new"), delete(1, "new"))),
        arguments("a failed pod is deleted, to be made again", 2, false, true, 0, pods(failed(0, "new"), ready(1, "new")), List.of(delete(0, "new"))),
        arguments("a rolling update replaces the highest outdated pod first", 3, false, true, 0,
            pods(ready(0, "old"), ready(1, "old"), ready(2, "old")), List.of(delete(2, "old"))),
        arguments("a rolling update goes on downwards once the updated pod is ready", 3, false, true, 0,
            pods(ready(0, "old"), ready(1, "old"), ready(2, "new")), List.of(delete(1, "old"))),
        arguments("a rolling update waits while a pod is not ready", 3, false, true, 0,
            pods(ready(0, "old"), ready(1, "old"), pending(2, "new")), List.of()),
        arguments("a partition keeps the pods below it at the old revision", 3, false, true, 2,
            pods(ready(0, "old"), ready(1, "old"), ready(2, "new")), List.of()),
        arguments("a pod below the partition is made again at the current revision", 3, false, true, 2,
            pods(ready(1, "old"), ready(2, "new")), List.of(create(0, "old"))),
        arguments("OnDelete leaves outdated pods alone", 2, false, false, 0, pods(ready(0, "old"), ready(1, "old")), List.of()),
        arguments("OnDelete makes a deleted pod again at the update revision", 2, false, false, 0, pods(ready(0, "old")), List.of(create(1, "new"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void plans(String behaviour, int replicas, boolean parallel, boolean rolling, int partition, Map<Integer, PodState> pods, List<Action> expected) {
    assertThat(StatefulSetPlan.plan(replicas, parallel, rolling, partition, "old", "new", pods)).isEqualTo(expected);
  }
}
