package io.dirigent.node;

import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.PodPhase;
import io.dirigent.node.runtime.RuntimeContainer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What to do next for one pod, from its spec and its containers as the runtime has them — the
 * kubelet's computePodActions. Level-triggered: the same inputs give the same plan, and a plan
 * carried out leads to a state whose plan is empty.
 *
 * <p>The order of concerns: a terminating pod has its containers stopped; a pod without a running
 * sandbox gets a new one (and loses the containers of the old); init containers run one at a
 * time, in order, each to success; then every app container runs, restarted as its pod's restart
 * policy says, with back-off; a running container whose spec changed, or that failed its
 * liveness or startup probe, is stopped.
 */
final class PodPlanner {

  private PodPlanner() {}

  /** One step for the worker to carry out. */
  sealed interface Action {}

  /** Removes {@code remove} (stopping what still runs), then starts a new sandbox. */
  record CreateSandbox(int attempt, List<String> remove) implements Action {}

  /** Creates and starts {@code container}; then removes {@code remove}, older dead instances. */
  record StartContainer(Container container, boolean init, int attempt, List<String> remove) implements Action {}

  /** Stops a running container with {@code grace}; {@code message} is the Killing event's. */
  record KillContainer(String id, String name, Duration grace, String message) implements Action {}

  record RemoveContainers(List<String> ids) implements Action {}

  /** Why a container is not running, for its status: {@code CrashLoopBackOff}, {@code ErrImagePull}, ... */
  record Waiting(String reason, String message) {}

  /**
   * A container that could not be started: {@code reason} is shown after the first failure,
   * {@code backoffReason} after later ones ({@code ErrImagePull} then {@code ImagePullBackOff}).
   */
  record StartFailure(String reason, String backoffReason, String message, int failures) {}

  /**
   * @param actions what to do, in order
   * @param waiting containers held back, by name, with the reason their status shows
   * @param wakeAt when a back-off ends and the pod should be looked at again; null if never
   * @param terminated a terminating pod whose containers are all gone
   */
  record Plan(List<Action> actions, Map<String, Waiting> waiting, Instant wakeAt, boolean terminated) {}

  /** The inputs beyond the pod and its containers. */
  record Context(boolean terminating, Duration grace, Backoff backoff, Set<String> unhealthy, Map<String, StartFailure> failures, Instant now) {}

  static Plan plan(Pod pod, PodObservation observed, Context context) {
    return new Planning(pod, observed, context).plan();
  }

  /** The hash a container instance carries, to tell when its spec changed. */
  static String hash(Container container) {
    return Integer.toHexString(KubeJson.MAPPER.valueToTree(container).hashCode());
  }

  static String restartPolicy(Pod pod) {
    String policy = pod.getSpec().getRestartPolicy();
    return policy == null || policy.isEmpty() ? "Always" : policy;
  }

  /** Whether an exited container is to run again under its pod's restart policy. */
  static boolean restarts(String policy, RuntimeContainer exited) {
    return switch (policy) {
      case "Never" -> false;
      case "OnFailure" -> exited.exitCode() != 0;
      default -> true;
    };
  }

  private static final class Planning {
    private final Pod pod;
    private final PodObservation observed;
    private final Context context;
    private final List<Action> actions = new ArrayList<>();
    private final Map<String, Waiting> waiting = new LinkedHashMap<>();
    private Instant wakeAt;

    Planning(Pod pod, PodObservation observed, Context context) {
      this.pod = pod;
      this.observed = observed;
      this.context = context;
    }

    Plan plan() {
      if (context.terminating()) {
        return terminate();
      }
      // A pod the API already has as finished is never started again, even if its containers
      // are gone (the node restarted, say).
      if (PodPhase.of(pod).terminal()) {
        return done(false);
      }
      Optional<RuntimeContainer> sandbox = observed.sandbox();
      if (sandbox.isEmpty() || !sandbox.get().running()) {
        if (!PodStatuses.terminal(pod, observed)) {
          List<String> old = observed.containers().stream().map(RuntimeContainer::id).toList();
          actions.add(new CreateSandbox(sandbox.map(s -> s.pod().attempt() + 1).orElse(0), old));
          // As the kubelet does, the new sandbox's first containers start in the same sync: the
          // first init container, or every app container. Restart counts carry over.
          List<Container> inits = pod.getSpec().getInitContainers();
          List<Container> first = inits != null && !inits.isEmpty() ? List.of(inits.get(0)) : pod.getSpec().getContainers();
          for (Container container : first) {
            start(container, inits != null && !inits.isEmpty(), observed.latest(container.getName()).map(c -> c.pod().attempt() + 1).orElse(0), List.of());
          }
        }
        return done(false);
      }
      if (initContainers()) {
        appContainers();
      }
      return done(false);
    }

    private Plan terminate() {
      List<RuntimeContainer> running = observed.running();
      if (running.isEmpty()) {
        List<String> all = observed.containers().stream().map(RuntimeContainer::id).toList();
        if (all.isEmpty()) {
          return done(true);
        }
        actions.add(new RemoveContainers(all));
        return done(false);
      }
      // App and init containers first, with the pod's grace period; the sandbox after them.
      for (RuntimeContainer container : running) {
        if (!container.isSandbox()) {
          actions.add(new KillContainer(container.id(), container.pod().container(), context.grace(), "Stopping container " + container.pod().container()));
        }
      }
      for (RuntimeContainer container : running) {
        if (container.isSandbox()) {
          actions.add(new KillContainer(container.id(), container.pod().container(), Duration.ZERO, null));
        }
      }
      return done(false);
    }

    /** Plans the init containers; true once they have all succeeded. */
    private boolean initContainers() {
      List<Container> inits = pod.getSpec().getInitContainers();
      if (inits == null || inits.isEmpty()) {
        return true;
      }
      // Once an app container has run in this sandbox, the init containers are done with.
      boolean appsStarted = pod.getSpec().getContainers().stream().anyMatch(c -> observed.latest(c.getName()).isPresent());
      if (appsStarted) {
        return true;
      }
      for (Container init : inits) {
        Optional<RuntimeContainer> latest = observed.latest(init.getName());
        if (latest.isEmpty()) {
          start(init, true, 0, List.of());
          return false;
        }
        RuntimeContainer instance = latest.get();
        if (instance.state() == RuntimeContainer.State.RUNNING) {
          killIfUnhealthy(instance, init);
          return false;
        }
        if (instance.state() == RuntimeContainer.State.CREATED) {
          start(init, true, instance.pod().attempt() + 1, List.of(instance.id()));
          return false;
        }
        if (instance.exitCode() == 0) {
          continue;
        }
        if (restartPolicy(pod).equals("Never")) {
          return false;
        }
        restart(init, true, instance);
        return false;
      }
      return true;
    }

    private void appContainers() {
      String policy = restartPolicy(pod);
      for (Container container : pod.getSpec().getContainers()) {
        Optional<RuntimeContainer> latest = observed.latest(container.getName());
        if (latest.isEmpty()) {
          start(container, false, 0, List.of());
          continue;
        }
        RuntimeContainer instance = latest.get();
        switch (instance.state()) {
          case RUNNING -> {
            if (!hash(container).equals(instance.pod().hash())) {
              actions.add(new KillContainer(instance.id(), container.getName(), context.grace(),
                  "Container %s definition changed, will be restarted".formatted(container.getName())));
              start(container, false, instance.pod().attempt() + 1, olderThan(instance));
            } else {
              killIfUnhealthy(instance, container);
            }
          }
          case CREATED -> start(container, false, instance.pod().attempt() + 1, List.of(instance.id()));
          case EXITED -> {
            if (restarts(policy, instance)) {
              restart(container, false, instance);
            }
          }
        }
      }
    }

    private void killIfUnhealthy(RuntimeContainer instance, Container container) {
      if (context.unhealthy().contains(instance.id())) {
        actions.add(new KillContainer(instance.id(), container.getName(), context.grace(),
            "Container %s failed its liveness or startup probe, will be restarted".formatted(container.getName())));
      }
    }

    /** Restarts an exited container once its back-off allows. */
    private void restart(Container container, boolean init, RuntimeContainer exited) {
      String key = "restart:" + container.getName();
      Duration ranFor = exited.startedAt() != null && exited.finishedAt() != null ? Duration.between(exited.startedAt(), exited.finishedAt()) : null;
      Instant allowed = context.backoff().nextAllowed(key, ranFor);
      if (context.now().isBefore(allowed)) {
        waiting.put(container.getName(), new Waiting("CrashLoopBackOff", "back-off %s restarting failed container=%s pod=%s_%s(%s)".formatted(
            seconds(context.backoff().delay(key)), container.getName(), pod.getMetadata().getName(), pod.getMetadata().getNamespace(), pod.getMetadata().getUid())));
        wake(allowed);
        return;
      }
      if (start(container, init, exited.pod().attempt() + 1, olderThan(exited))) {
        context.backoff().restarted(key, context.now());
      }
    }

    /** Plans a start unless an earlier failure to start is still backing off; true if planned. */
    private boolean start(Container container, boolean init, int attempt, List<String> remove) {
      StartFailure failure = context.failures().get(container.getName());
      if (failure != null) {
        Instant allowed = context.backoff().nextAllowed("start:" + container.getName(), null);
        if (context.now().isBefore(allowed)) {
          waiting.put(container.getName(), new Waiting(failure.failures() > 1 ? failure.backoffReason() : failure.reason(), failure.message()));
          wake(allowed);
          return false;
        }
      }
      actions.add(new StartContainer(container, init, attempt, remove));
      return true;
    }

    /** The dead instances older than {@code instance}, which is kept for {@code logs --previous}. */
    private List<String> olderThan(RuntimeContainer instance) {
      return observed.instances(instance.pod().container()).stream()
          .filter(other -> other.pod().attempt() < instance.pod().attempt() && !other.running())
          .map(RuntimeContainer::id)
          .toList();
    }

    private void wake(Instant at) {
      if (wakeAt == null || at.isBefore(wakeAt)) {
        wakeAt = at;
      }
    }

    private Plan done(boolean terminated) {
      return new Plan(List.copyOf(actions), Map.copyOf(waiting), wakeAt, terminated);
    }

    private static String seconds(Duration duration) {
      long s = duration.toSeconds();
      return s >= 60 && s % 60 == 0 ? (s / 60) + "m0s" : s + "s";
    }
  }
}
