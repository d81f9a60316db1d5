package io.dirigent.node;

import io.dirigent.core.api.ConditionStatus;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.PodConditions;
import io.dirigent.core.api.PodPhase;
import io.dirigent.node.PodPlanner.Waiting;
import io.dirigent.node.runtime.RuntimeContainer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A pod's status from what its node sees: phase, conditions, one status per container and the
 * pod's addresses — as the kubelet's status manager writes it. Pure: the same inputs give the
 * same status, so the worker writes only when something changed.
 */
final class PodStatuses {

  private PodStatuses() {}

  /** What the probes say of one running container instance. */
  record ProbeView(boolean ready, boolean started) {}

  /**
   * @param waiting containers held back by the plan, by name
   * @param probes what the probes say, by container instance id; instances without probes are
   *     ready and started while they run
   * @param runtimePrefix how container ids are qualified ({@code docker}, {@code simulated})
   */
  record Inputs(Pod pod, PodObservation observed, Map<String, Waiting> waiting, Map<String, ProbeView> probes, String hostIp,
      String runtimePrefix, Instant now) {}

  /** Whether the pod has finished for good: nothing in it will run again. */
  static boolean terminal(Pod pod, PodObservation observed) {
    String policy = PodPlanner.restartPolicy(pod);
    if (policy.equals("Never") && initFailed(pod, observed)) {
      return true;
    }
    List<Container> containers = pod.getSpec().getContainers();
    if (containers == null || containers.isEmpty()) {
      return false;
    }
    for (Container container : containers) {
      Optional<RuntimeContainer> latest = observed.latest(container.getName());
      if (latest.isEmpty() || latest.get().state() != RuntimeContainer.State.EXITED || PodPlanner.restarts(policy, latest.get())) {
        return false;
      }
    }
    return true;
  }

  private static boolean initFailed(Pod pod, PodObservation observed) {
    return inits(pod).stream().anyMatch(init -> observed.latest(init.getName())
        .filter(c -> c.state() == RuntimeContainer.State.EXITED && c.exitCode() != 0).isPresent());
  }

  private static List<Container> inits(Pod pod) {
    return pod.getSpec().getInitContainers() == null ? List.of() : pod.getSpec().getInitContainers();
  }

  static PodStatus build(Inputs in) {
    Pod pod = in.pod();
    PodStatus previous = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
    PodObservation observed = in.observed();

    List<ContainerStatus> initStatuses = new ArrayList<>();
    boolean initialized = true;
    List<String> unfinishedInits = new ArrayList<>();
    for (Container init : inits(pod)) {
      ContainerStatus status = containerStatus(in, init, true);
      initStatuses.add(status);
      boolean succeeded = status.getState().getTerminated() != null && status.getState().getTerminated().getExitCode() == 0;
      if (!succeeded) {
        initialized = false;
        unfinishedInits.add(init.getName());
      }
    }
    boolean appsStarted = pod.getSpec().getContainers().stream().anyMatch(c -> observed.latest(c.getName()).isPresent());
    if (appsStarted) {
      initialized = true;
      unfinishedInits.clear();
    }

    List<ContainerStatus> statuses = new ArrayList<>();
    List<String> unready = new ArrayList<>();
    boolean anyActive = false;
    for (Container container : pod.getSpec().getContainers()) {
      ContainerStatus status = containerStatus(in, container, false);
      if (!initialized && status.getState().getWaiting() != null && status.getState().getWaiting().getReason().equals("ContainerCreating")) {
        status.getState().getWaiting().setReason("PodInitializing");
      }
      statuses.add(status);
      if (!Boolean.TRUE.equals(status.getReady())) {
        unready.add(container.getName());
      }
      Optional<RuntimeContainer> latest = observed.latest(container.getName());
      if (latest.isPresent() && (latest.get().running()
          || (latest.get().state() == RuntimeContainer.State.EXITED && PodPlanner.restarts(PodPlanner.restartPolicy(pod), latest.get())))) {
        anyActive = true;
      }
    }

    PodPhase phase;
    if (terminal(pod, observed)) {
      boolean allSucceeded = !initFailed(pod, observed) && statuses.stream()
          .allMatch(s -> s.getState().getTerminated() != null && s.getState().getTerminated().getExitCode() == 0);
      phase = allSucceeded ? PodPhase.SUCCEEDED : PodPhase.FAILED;
    } else if (initialized && anyActive && observed.podIp().isPresent()) {
      phase = PodPhase.RUNNING;
    } else {
      phase = PodPhase.PENDING;
    }

    String now = KubeJson.timestamp(in.now());
    List<PodCondition> conditions = new ArrayList<>();
    boolean scheduled = previous.getConditions() != null
        && previous.getConditions().stream().anyMatch(c -> PodConditions.SCHEDULED.equals(c.getType()));
    if (!scheduled) {
      conditions.add(condition(previous, PodConditions.SCHEDULED, true, null, null, now));
    } else {
      previous.getConditions().stream().filter(c -> PodConditions.SCHEDULED.equals(c.getType())).forEach(conditions::add);
    }
    // As Kubernetes 1.29 on: whether the pod's sandbox (and so its network) is ready for its containers.
    boolean sandboxReady = observed.sandbox().filter(RuntimeContainer::running).isPresent();
    conditions.add(condition(previous, PodConditions.READY_TO_START_CONTAINERS, sandboxReady, null, null, now));
    conditions.add(condition(previous, PodConditions.INITIALIZED, initialized, initialized ? null : PodConditions.CONTAINERS_NOT_INITIALIZED,
        initialized ? null : "containers with incomplete status: " + unfinishedInits, now));
    boolean ready = unready.isEmpty() && phase == PodPhase.RUNNING;
    String notReadyReason = phase.terminal() ? PodConditions.POD_COMPLETED : PodConditions.CONTAINERS_NOT_READY;
    String notReadyMessage = phase.terminal() ? null : "containers with unready status: " + unready;
    conditions.add(condition(previous, PodConditions.CONTAINERS_READY, ready, ready ? null : notReadyReason, ready ? null : notReadyMessage, now));
    conditions.add(condition(previous, PodConditions.READY, ready, ready ? null : notReadyReason, ready ? null : notReadyMessage, now));

    var status = new io.fabric8.kubernetes.api.model.PodStatusBuilder()
        .withPhase(phase.value())
        .withConditions(conditions)
        .withHostIP(in.hostIp())
        .withHostIPs(new HostIP(in.hostIp()))
        .withStartTime(previous.getStartTime() != null ? previous.getStartTime() : now)
        .withContainerStatuses(statuses)
        .withQosClass(qosClass(pod));
    if (!initStatuses.isEmpty()) {
      status.withInitContainerStatuses(initStatuses);
    }
    Optional<String> ip = observed.podIp().or(() -> Optional.ofNullable(previous.getPodIP()).filter(p -> phase != PodPhase.PENDING));
    ip.ifPresent(address -> status.withPodIP(address).withPodIPs(new PodIP(address)));
    return status.build();
  }

  private static ContainerStatus containerStatus(Inputs in, Container container, boolean init) {
    PodObservation observed = in.observed();
    Optional<RuntimeContainer> latest = observed.latest(container.getName());
    Optional<RuntimeContainer> previous = observed.previous(container.getName());
    Waiting waiting = in.waiting().get(container.getName());
    ContainerStatusBuilder status = new ContainerStatusBuilder()
        .withName(container.getName())
        .withImage(container.getImage())
        .withImageID(latest.map(RuntimeContainer::imageId).orElse(""))
        .withRestartCount(latest.map(c -> c.pod().attempt()).orElse(0));
    latest.ifPresent(c -> status.withContainerID(in.runtimePrefix() + "://" + c.id()));
    ContainerState state;
    ContainerState last = null;
    boolean ready = false;
    boolean started = false;
    if (waiting != null) {
      state = waitingState(waiting.reason(), waiting.message());
      last = latest.filter(c -> c.state() == RuntimeContainer.State.EXITED).map(c -> terminated(c, in.runtimePrefix())).orElse(null);
    } else if (latest.isEmpty()) {
      state = waitingState("ContainerCreating", null);
    } else {
      RuntimeContainer instance = latest.get();
      switch (instance.state()) {
        case RUNNING -> {
          state = new ContainerStateBuilder().withNewRunning().withStartedAt(stamp(instance.startedAt())).endRunning().build();
          ProbeView probes = in.probes().get(instance.id());
          ready = !init && (probes == null || probes.ready());
          started = probes == null || probes.started();
        }
        case CREATED -> state = waitingState("ContainerCreating", null);
        default -> state = terminated(instance, in.runtimePrefix());
      }
      if (instance.state() != RuntimeContainer.State.EXITED) {
        last = previous.filter(c -> c.state() == RuntimeContainer.State.EXITED).map(c -> terminated(c, in.runtimePrefix())).orElse(null);
      }
    }
    status.withState(state).withLastState(last == null ? new ContainerState() : last).withReady(ready).withStarted(started);
    return status.build();
  }

  private static ContainerState waitingState(String reason, String message) {
    return new ContainerStateBuilder().withNewWaiting().withReason(reason).withMessage(message).endWaiting().build();
  }

  private static ContainerState terminated(RuntimeContainer instance, String prefix) {
    return new ContainerStateBuilder().withNewTerminated()
        .withExitCode(instance.exitCode())
        .withReason(instance.reason())
        .withStartedAt(stamp(instance.startedAt()))
        .withFinishedAt(stamp(instance.finishedAt()))
        .withContainerID(prefix + "://" + instance.id())
        .endTerminated().build();
  }

  private static String stamp(Instant time) {
    return time == null ? null : KubeJson.timestamp(time);
  }

  /** A condition, keeping the previous transition time when its status did not change. */
  private static PodCondition condition(PodStatus previous, String type, boolean value, String reason, String message, String now) {
    String status = ConditionStatus.of(value);
    String since = now;
    if (previous.getConditions() != null) {
      for (PodCondition known : previous.getConditions()) {
        if (known.getType().equals(type) && status.equals(known.getStatus()) && known.getLastTransitionTime() != null) {
          since = known.getLastTransitionTime();
        }
      }
    }
    return new PodConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
        .withLastTransitionTime(since).withLastProbeTime(null).build();
  }

  /** Kubernetes' QoS class: Guaranteed when every container limits and requests cpu and memory equally. */
  static String qosClass(Pod pod) {
    boolean any = false;
    boolean guaranteed = true;
    for (Container container : pod.getSpec().getContainers()) {
      ResourceRequirements resources = container.getResources();
      Map<String, Quantity> limits = resources == null || resources.getLimits() == null ? Map.of() : resources.getLimits();
      Map<String, Quantity> requests = resources == null || resources.getRequests() == null ? Map.of() : resources.getRequests();
      any |= !limits.isEmpty() || !requests.isEmpty();
      for (String resource : List.of("cpu", "memory")) {
        Quantity limit = limits.get(resource);
        Quantity request = requests.getOrDefault(resource, limit);
        if (limit == null || request == null || limit.getNumericalAmount().compareTo(request.getNumericalAmount()) != 0) {
          guaranteed = false;
        }
      }
    }
    return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
  }
}
