package io.dirigent.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.node.PodPlanner.Waiting;
import io.dirigent.node.runtime.RuntimeContainer;
import io.dirigent.node.runtime.RuntimeContainer.ContainerLabels;
import io.dirigent.node.runtime.RuntimeContainer.State;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The status a node writes for a pod, from what it sees — a table of the pod's life. Each row is
 * summed up as {@code phase ready=… ip=… | container: state …}.
 */
class PodStatusesTest {

  private static final String UID = "0b7c1b2e-1111-4a4a-9a9a-123456789abc";
  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  private static final Container APP = new ContainerBuilder().withName("app").withImage("dirigent/busybox:1").build();
  private static final Container INIT = new ContainerBuilder().withName("init").withImage("dirigent/busybox:1").build();

  private static Pod pod(String restartPolicy, List<Container> inits) {
    return new PodBuilder().withNewMetadata().withName("web").withNamespace("ns").withUid(UID).endMetadata()
        .withNewSpec().withRestartPolicy(restartPolicy).withInitContainers(inits).withContainers(APP).endSpec().build();
  }

  private static RuntimeContainer sandbox() {
    return container("s0", ContainerLabels.SANDBOX, 0, State.RUNNING, 0);
  }

  private static RuntimeContainer container(String id, String name, int attempt, State state, int exitCode) {
    Instant started = NOW.minusSeconds(60 - attempt);
    return new RuntimeContainer(id, new ContainerLabels("node", UID, "web", "ns", name, attempt, ""), "dirigent/busybox:1", "sha256:1",
        state, exitCode, state == State.EXITED ? (exitCode == 0 ? "Completed" : "Error") : null, started, state == State.CREATED ? null : started,
        state == State.EXITED ? started.plusSeconds(1) : null, name.equals(ContainerLabels.SANDBOX) ? "10.244.0.9" : null);
  }

  record Row(Pod pod, List<RuntimeContainer> containers, Map<String, Waiting> waiting, Map<String, PodStatuses.ProbeView> probes, String expected) {}

  private static Row row(Pod pod, List<RuntimeContainer> containers, String expected) {
    return new Row(pod, containers, Map.of(), Map.of(), expected);
  }

  static Stream<Arguments> statuses() {
    Pod always = pod(null, List.of());
    Pod never = pod("Never", List.of());
    Pod initialized = pod(null, List.of(INIT));
    return Stream.of(
        Arguments.of("a pod with nothing started yet is Pending, its container being created",
            row(always, List.of(), "Pending ready=false sandbox=false ip=- | app: waiting ContainerCreating restarts=0")),
        Arguments.of("a sandbox up gives the pod its address while its container is made",
            row(always, List.of(sandbox(), container("a0", "app", 0, State.CREATED, 0)),
                "Pending ready=false sandbox=true ip=10.244.0.9 | app: waiting ContainerCreating restarts=0")),
        Arguments.of("a running container without probes is ready",
            row(always, List.of(sandbox(), container("a0", "app", 0, State.RUNNING, 0)),
                "Running ready=true sandbox=true ip=10.244.0.9 | app: running ready started restarts=0")),
        Arguments.of("a running container whose readiness probe has not passed is not ready",
            new Row(always, List.of(sandbox(), container("a0", "app", 0, State.RUNNING, 0)), Map.of(),
                Map.of("a0", new PodStatuses.ProbeView(false, true)),
                "Running ready=false sandbox=true ip=10.244.0.9 | app: running started restarts=0")),
        Arguments.of("a running container whose startup probe has not passed is not started",
            new Row(always, List.of(sandbox(), container("a0", "app", 0, State.RUNNING, 0)), Map.of(),
                Map.of("a0", new PodStatuses.ProbeView(false, false)),
                "Running ready=false sandbox=true ip=10.244.0.9 | app: running restarts=0")),
        Arguments.of("a crashing container waits in CrashLoopBackOff with its last exit, the pod still Running",
            new Row(always, List.of(sandbox(), container("a0", "app", 0, State.EXITED, 1), container("a1", "app", 1, State.EXITED, 1)),
                Map.of("app", new Waiting("CrashLoopBackOff", "back-off 10s")), Map.of(),
                "Running ready=false sandbox=true ip=10.244.0.9 | app: waiting CrashLoopBackOff last=Error(1) restarts=1")),
        Arguments.of("a restarted container shows the instance before it as its last state",
            row(always, List.of(sandbox(), container("a0", "app", 0, State.EXITED, 137), container("a1", "app", 1, State.RUNNING, 0)),
                "Running ready=true sandbox=true ip=10.244.0.9 | app: running ready started last=Error(137) restarts=1")),
        Arguments.of("a pod whose containers all succeeded under Never has Succeeded",
            row(never, List.of(sandbox(), container("a0", "app", 0, State.EXITED, 0)),
                "Succeeded ready=false sandbox=true ip=10.244.0.9 | app: terminated Completed(0) restarts=0")),
        Arguments.of("a pod whose container failed under Never has Failed",
            row(never, List.of(sandbox(), container("a0", "app", 0, State.EXITED, 2)),
                "Failed ready=false sandbox=true ip=10.244.0.9 | app: terminated Error(2) restarts=0")),
        Arguments.of("while an init container runs the pod is Pending and its app containers PodInitializing",
            row(initialized, List.of(sandbox(), container("i0", "init", 0, State.RUNNING, 0)),
                "Pending ready=false sandbox=true ip=10.244.0.9 | init: running started restarts=0 | app: waiting PodInitializing restarts=0")),
        Arguments.of("a failed init container under Never fails the pod",
            row(pod("Never", List.of(INIT)), List.of(sandbox(), container("i0", "init", 0, State.EXITED, 1)),
                "Failed ready=false sandbox=true ip=10.244.0.9 | init: terminated Error(1) restarts=0 | app: waiting PodInitializing restarts=0")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("statuses")
  void theStatusIs(String why, Row row) {
    PodStatus status = PodStatuses.build(new PodStatuses.Inputs(row.pod(), new PodObservation(row.containers()), row.waiting(), row.probes(),
        "192.0.2.1", "docker", NOW));
    assertThat(summary(status)).isEqualTo(row.expected());
    assertThat(status.getHostIP()).isEqualTo("192.0.2.1");
  }

  @Test
  void aConditionKeepsItsTransitionTimeWhileItsStatusStaysTheSame() {
    Pod pod = pod(null, List.of());
    List<RuntimeContainer> running = List.of(sandbox(), container("a0", "app", 0, State.RUNNING, 0));
    PodStatus first = PodStatuses.build(new PodStatuses.Inputs(pod, new PodObservation(running), Map.of(), Map.of(), "192.0.2.1", "docker", NOW));
    pod.setStatus(first);
    PodStatus later = PodStatuses.build(new PodStatuses.Inputs(pod, new PodObservation(running), Map.of(), Map.of(), "192.0.2.1", "docker",
        NOW.plusSeconds(30)));
    assertThat(condition(later, "Ready").getLastTransitionTime()).isEqualTo(condition(first, "Ready").getLastTransitionTime());
    assertThat(later).as("the same inputs give the same status, so nothing is written again").isEqualTo(first);

    pod.setStatus(later);
    PodStatus stopped = PodStatuses.build(new PodStatuses.Inputs(pod, new PodObservation(List.of(sandbox())), Map.of(), Map.of(), "192.0.2.1",
        "docker", NOW.plusSeconds(60)));
    assertThat(condition(stopped, "Ready").getStatus()).isEqualTo("False");
    assertThat(condition(stopped, "Ready").getLastTransitionTime()).isEqualTo(io.dirigent.core.api.KubeJson.timestamp(NOW.plusSeconds(60)));
  }

  @Test
  void theQosClassIsKubernetes() {
    Pod bestEffort = pod(null, List.of());
    assertThat(PodStatuses.qosClass(bestEffort)).isEqualTo("BestEffort");
    Pod burstable = pod(null, List.of());
    burstable.getSpec().getContainers().set(0, new ContainerBuilder(APP).withNewResources()
        .addToRequests("cpu", new Quantity("100m")).endResources().build());
    assertThat(PodStatuses.qosClass(burstable)).isEqualTo("Burstable");
    Pod guaranteed = pod(null, List.of());
    guaranteed.getSpec().getContainers().set(0, new ContainerBuilder(APP).withNewResources()
        .addToLimits("cpu", new Quantity("1")).addToLimits("memory", new Quantity("64Mi")).endResources().build());
    assertThat(PodStatuses.qosClass(guaranteed)).as("limits alone stand for equal requests").isEqualTo("Guaranteed");
  }

  private static PodCondition condition(PodStatus status, String type) {
    return status.getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
  }

  private static String summary(PodStatus status) {
    List<String> parts = new ArrayList<>();
    parts.add("%s ready=%s sandbox=%s ip=%s".formatted(status.getPhase(), condition(status, "Ready").getStatus().equals("True"),
        condition(status, "PodReadyToStartContainers").getStatus().equals("True"), status.getPodIP() == null ? "-" : status.getPodIP()));
    List<ContainerStatus> all = new ArrayList<>(status.getInitContainerStatuses() == null ? List.of() : status.getInitContainerStatuses());
    all.addAll(status.getContainerStatuses());
    for (ContainerStatus container : all) {
      StringBuilder line = new StringBuilder(container.getName()).append(": ");
      var state = container.getState();
      if (state.getRunning() != null) {
        line.append("running");
      } else if (state.getWaiting() != null) {
        line.append("waiting ").append(state.getWaiting().getReason());
      } else {
        line.append("terminated ").append(state.getTerminated().getReason()).append('(').append(state.getTerminated().getExitCode()).append(')');
      }
      if (Boolean.TRUE.equals(container.getReady())) {
        line.append(" ready");
      }
      if (Boolean.TRUE.equals(container.getStarted())) {
        line.append(" started");
      }
      var last = container.getLastState() == null ? null : container.getLastState().getTerminated();
      if (last != null) {
        line.append(" last=").append(last.getReason()).append('(').append(last.getExitCode()).append(')');
      }
      line.append(" restarts=").append(container.getRestartCount());
      parts.add(line.toString());
    }
    return String.join(" | ", parts);
  }
}
