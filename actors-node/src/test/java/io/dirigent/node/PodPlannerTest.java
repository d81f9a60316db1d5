package io.dirigent.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.node.PodPlanner.Action;
import io.dirigent.node.PodPlanner.StartFailure;
import io.dirigent.node.runtime.RuntimeContainer;
import io.dirigent.node.runtime.RuntimeContainer.ContainerLabels;
import io.dirigent.node.runtime.RuntimeContainer.State;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the pod worker does next, from the pod and its containers — a table, as Kubernetes tests
 * its computePodActions. Actions are written {@code sandbox#attempt -[removed]},
 * {@code start name#attempt -[removed]}, {@code kill id grace}, {@code remove [ids]}.
 */
class PodPlannerTest {

  private static final String UID = "0b7c1b2e-1111-4a4a-9a9a-123456789abc";
  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  private static final Duration GRACE = Duration.ofSeconds(30);
  private static final Container APP = new ContainerBuilder().withName("app").withImage("dirigent/busybox:1").withCommand("sleep", "3600").build();
  private static final Container SIDE = new ContainerBuilder().withName("side").withImage("dirigent/busybox:1").build();
  private static final Container INIT1 = new ContainerBuilder().withName("init1").withImage("dirigent/busybox:1").build();
  private static final Container INIT2 = new ContainerBuilder().withName("init2").withImage("dirigent/busybox:1").build();

  private static Pod pod(String restartPolicy, List<Container> inits, Container... containers) {
    return new PodBuilder().withNewMetadata().withName("web").withNamespace("ns").withUid(UID).endMetadata()
        .withNewSpec().withRestartPolicy(restartPolicy).withInitContainers(inits).withContainers(containers).endSpec().build();
  }

  private static Pod pod(Container... containers) {
    return pod(null, List.of(), containers);
  }

  private static RuntimeContainer sandbox(String id, int attempt, State state) {
    return container(id, ContainerLabels.SANDBOX, attempt, state, 0, "");
  }

  private static RuntimeContainer running(String id, Container spec, int attempt) {
    return container(id, spec.getName(), attempt, State.RUNNING, 0, PodPlanner.hash(spec));
  }

  private static RuntimeContainer exited(String id, Container spec, int attempt, int exitCode) {
    return container(id, spec.getName(), attempt, State.EXITED, exitCode, PodPlanner.hash(spec));
  }

  private static RuntimeContainer container(String id, String name, int attempt, State state, int exitCode, String hash) {
    Instant started = NOW.minusSeconds(60 - attempt);
    return new RuntimeContainer(id, new ContainerLabels("node", UID, "web", "ns", name, attempt, hash), "dirigent/busybox:1", "sha256:1",
        state, exitCode, state == State.EXITED ? (exitCode == 0 ? "Completed" : "Error") : null, started, state == State.CREATED ? null : started,
        state == State.EXITED ? started.plusSeconds(1) : null, name.equals(ContainerLabels.SANDBOX) ? "10.244.0.9" : null);
  }

  /** One row: the pod, its containers, the worker's own knowledge, and the plan expected. */
  record Row(Pod pod, List<RuntimeContainer> containers, boolean terminating, Set<String> unhealthy, Map<String, StartFailure> failures,
      Consumer<Backoff> history, List<String> actions, Map<String, String> waiting, boolean terminated) {}

  private static Row row(Pod pod, List<RuntimeContainer> containers, String... actions) {
    return new Row(pod, containers, false, Set.of(), Map.of(), backoff -> { }, List.of(actions), Map.of(), false);
  }

  static Stream<Arguments> plans() {
    Container changed = new ContainerBuilder(APP).withCommand("sleep", "7200").build();
    return Stream.of(
        Arguments.of("a new pod gets a sandbox and all its app containers in one go",
            row(pod(APP, SIDE), List.of(), "sandbox#0 -[]", "start app#0 -[]", "start side#0 -[]")),
        Arguments.of("a new pod with init containers starts only the first of them",
            row(pod(null, List.of(INIT1, INIT2), APP), List.of(), "sandbox#0 -[]", "start init1#0 -[]")),
        Arguments.of("a pod whose containers all run as specified needs nothing",
            row(pod(APP), List.of(sandbox("s0", 0, State.RUNNING), running("a0", APP, 0)))),
        Arguments.of("a dead sandbox is replaced, its pod's containers removed, and attempts counted on",
            row(pod(APP), List.of(sandbox("s0", 0, State.EXITED), exited("a0", APP, 0, 137)), "sandbox#1 -[s0, a0]", "start app#1 -[]")),
        Arguments.of("an exited container restarts under Always, the instance before the last removed",
            row(pod(APP), List.of(sandbox("s0", 0, State.RUNNING), exited("a0", APP, 0, 1), exited("a1", APP, 1, 1)), "start app#2 -[a0]")),
        Arguments.of("a container that succeeded stays down under OnFailure",
            row(pod("OnFailure", List.of(), APP), List.of(sandbox("s0", 0, State.RUNNING), exited("a0", APP, 0, 0)))),
        Arguments.of("a container that failed restarts under OnFailure",
            row(pod("OnFailure", List.of(), APP), List.of(sandbox("s0", 0, State.RUNNING), exited("a0", APP, 0, 2)), "start app#1 -[]")),
        Arguments.of("nothing restarts under Never",
            row(pod("Never", List.of(), APP), List.of(sandbox("s0", 0, State.RUNNING), exited("a0", APP, 0, 2)))),
        Arguments.of("a container made but never started is started anew in its place",
            row(pod(APP), List.of(sandbox("s0", 0, State.RUNNING), container("a0", "app", 0, State.CREATED, 0, PodPlanner.hash(APP))),
                "start app#1 -[a0]")),
        Arguments.of("a running container whose spec changed is stopped and started from the new spec",
            row(pod(changed), List.of(sandbox("s0", 0, State.RUNNING), running("a0", APP, 0)), "kill a0 30s", "start app#1 -[]")),
        Arguments.of("the second init container starts once the first succeeded",
            row(pod(null, List.of(INIT1, INIT2), APP), List.of(sandbox("s0", 0, State.RUNNING), exited("i0", INIT1, 0, 0)), "start init2#0 -[]")),
        Arguments.of("the app containers start once every init container succeeded",
            row(pod(null, List.of(INIT1, INIT2), APP),
                List.of(sandbox("s0", 0, State.RUNNING), exited("i0", INIT1, 0, 0), exited("i1", INIT2, 0, 0)), "start app#0 -[]")),
        Arguments.of("a failed init container is run again, and nothing after it",
            row(pod(null, List.of(INIT1, INIT2), APP), List.of(sandbox("s0", 0, State.RUNNING), exited("i0", INIT1, 0, 1)), "start init1#1 -[]")),
        Arguments.of("a failed init container under Never holds the pod where it is",
            row(pod("Never", List.of(INIT1), APP), List.of(sandbox("s0", 0, State.RUNNING), exited("i0", INIT1, 0, 1)))),
        Arguments.of("init containers are not run again once an app container ran in the sandbox",
            row(pod(null, List.of(INIT1), APP), List.of(sandbox("s0", 0, State.RUNNING), running("a0", APP, 0)))),
        Arguments.of("a container that failed its liveness probe is stopped with the grace period",
            new Row(pod(APP), List.of(sandbox("s0", 0, State.RUNNING), running("a0", APP, 0)), false, Set.of("a0"), Map.of(), b -> { },
                List.of("kill a0 30s"), Map.of(), false)),
        Arguments.of("a container still backing off waits, shown as CrashLoopBackOff",
            new Row(pod(APP), List.of(sandbox("s0", 0, State.RUNNING), exited("a0", APP, 0, 1)), false, Set.of(), Map.of(),
                backoff -> backoff.restarted("restart:app", NOW.minusSeconds(1)), List.of(), Map.of("app", "CrashLoopBackOff"), false)),
        Arguments.of("an image that failed once is ErrImagePull, and waits its back-off",
            new Row(pod(APP), List.of(sandbox("s0", 0, State.RUNNING)), false, Set.of(),
                Map.of("app", new StartFailure("ErrImagePull", "ImagePullBackOff", "not present", 1)),
                backoff -> backoff.restarted("start:app", NOW.minusSeconds(1)), List.of(), Map.of("app", "ErrImagePull"), false)),
        Arguments.of("an image that failed again is ImagePullBackOff",
            new Row(pod(APP), List.of(sandbox("s0", 0, State.RUNNING)), false, Set.of(),
                Map.of("app", new StartFailure("ErrImagePull", "ImagePullBackOff", "not present", 2)),
                backoff -> backoff.restarted("start:app", NOW.minusSeconds(1)), List.of(), Map.of("app", "ImagePullBackOff"), false)),
        Arguments.of("a terminating pod stops its app containers with the grace period, then its sandbox at once",
            new Row(pod(APP, SIDE), List.of(sandbox("s0", 0, State.RUNNING), running("a0", APP, 0), running("b0", SIDE, 0)), true, Set.of(), Map.of(),
                b -> { }, List.of("kill a0 30s", "kill b0 30s", "kill s0 0s"), Map.of(), false)),
        Arguments.of("a terminating pod whose containers all stopped has them removed",
            new Row(pod(APP), List.of(sandbox("s0", 0, State.EXITED), exited("a0", APP, 0, 0)), true, Set.of(), Map.of(), b -> { },
                List.of("remove [s0, a0]"), Map.of(), false)),
        Arguments.of("a terminating pod with nothing left is terminated",
            new Row(pod(APP), List.of(), true, Set.of(), Map.of(), b -> { }, List.of(), Map.of(), true)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("plans")
  void thePlanIs(String why, Row row) {
    Backoff backoff = new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofMinutes(10));
    row.history().accept(backoff);
    PodPlanner.Plan plan = PodPlanner.plan(row.pod(), new PodObservation(row.containers()),
        new PodPlanner.Context(row.terminating(), GRACE, backoff, row.unhealthy(), row.failures(), NOW));
    assertThat(plan.actions().stream().map(PodPlannerTest::describe).toList()).isEqualTo(row.actions());
    Map<String, String> waiting = new java.util.HashMap<>();
    plan.waiting().forEach((name, reason) -> waiting.put(name, reason.reason()));
    assertThat(waiting).isEqualTo(row.waiting());
    assertThat(plan.terminated()).isEqualTo(row.terminated());
  }

  @Test
  void aPodTheApiHasAsFinishedIsNeverStartedAgain() {
    Pod done = pod("Never", List.of(), APP);
    done.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Succeeded").build());
    PodPlanner.Plan plan = PodPlanner.plan(done, new PodObservation(List.of()),
        new PodPlanner.Context(false, GRACE, new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofMinutes(10)), Set.of(), Map.of(), NOW));
    assertThat(plan.actions()).isEmpty();
  }

  @Test
  void aBackOffWakesThePodWhenItEnds() {
    Backoff backoff = new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofMinutes(10));
    backoff.restarted("restart:app", NOW.minusSeconds(1));
    PodPlanner.Plan plan = PodPlanner.plan(pod(APP), new PodObservation(List.of(sandbox("s0", 0, State.RUNNING), exited("a0", APP, 0, 1))),
        new PodPlanner.Context(false, GRACE, backoff, Set.of(), Map.of(), NOW));
    assertThat(plan.wakeAt()).isEqualTo(backoff.nextAllowed("restart:app", Duration.ofSeconds(1)));
    assertThat(plan.wakeAt()).isAfter(NOW);
  }

  private static String describe(Action action) {
    if (action instanceof PodPlanner.CreateSandbox create) {
      return "sandbox#" + create.attempt() + " -" + create.remove();
    }
    if (action instanceof PodPlanner.StartContainer start) {
      return "start " + start.container().getName() + "#" + start.attempt() + " -" + start.remove();
    }
    if (action instanceof PodPlanner.KillContainer kill) {
      return "kill " + kill.id() + " " + kill.grace().toSeconds() + "s";
    }
    if (action instanceof PodPlanner.RemoveContainers remove) {
      return "remove " + new ArrayList<>(remove.ids());
    }
    throw new IllegalArgumentException(action.toString());
  }
}
