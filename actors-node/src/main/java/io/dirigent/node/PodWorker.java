package io.dirigent.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.events.EventRecorder;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.store.StoreError;
import io.dirigent.node.PodPlanner.Action;
import io.dirigent.node.PodPlanner.StartFailure;
import io.dirigent.node.PodPlanner.Waiting;
import io.dirigent.node.ProbeTracker.Kind;
import io.dirigent.node.runtime.ContainerRuntime.ProbeOutcome;
import io.dirigent.node.runtime.RuntimeContainer;
import io.dirigent.node.runtime.RuntimeContainer.ContainerLabels;
import io.dirigent.node.runtime.SandboxSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Probe;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Owns one pod on this node, by uid — the kubelet's pod worker. It keeps only the newest spec it
 * was given, and one sync at a time: observe the pod's containers in the runtime, plan
 * ({@link PodPlanner}), carry the plan out, observe again, until the plan is empty; then write
 * the pod's status if it changed ({@link PodStatuses}). Anything heard meanwhile (a new spec, a
 * container that exited, a probe result) marks the pod for another sync once this one ends.
 *
 * <p>Probes run on timers per container instance. A terminating pod has its containers stopped
 * within its grace period, its volumes removed, and — unless it is already gone from the API —
 * its object deleted, after which the worker stops.
 */
final class PodWorker {

  sealed interface Command {}

  /** The pod as the API now has it. */
  record Update(ObjectNode pod) implements Command {}

  /** The pod is gone from the API: stop what is left of it at once. */
  record Removed() implements Command {}

  /** One of the pod's containers exited. */
  record ContainerExited(String containerId) implements Command {}

  private record Observed(List<RuntimeContainer> containers) implements Command {}

  private record ObserveFailed(Throwable failure) implements Command {}

  private record Acted(List<Result> results) implements Command {}

  private record Wake() implements Command {}

  private record ProbeTick(ProbeTracker.Key key) implements Command {}

  private record ProbeDone(ProbeTracker.Key key, Probe probe, ProbeOutcome outcome) implements Command {}

  private record StatusWritten(JsonNode status, Throwable failure) implements Command {}

  private record Finished(Throwable failure) implements Command {}

  /** What carrying out one action came to. */
  private sealed interface Result {}

  private record ContainerStarted(String name) implements Result {}

  private record StartFailed(String name, StartFailure failure) implements Result {}

  private record Done() implements Result {}

  /** Plans carried out in a row before the worker pauses, so a runtime that keeps failing cannot spin it. */
  private static final int MAX_CYCLES = 8;

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final NodeAgentContext node;
  private final String uid;
  private final Backoff backoff;
  private final ProbeTracker probes = new ProbeTracker();
  private final Set<ProbeTracker.Key> probing = new HashSet<>();
  private final Set<String> unhealthy = new HashSet<>();
  private final Map<String, StartFailure> failures = new HashMap<>();
  private Map<String, Waiting> waiting = Map.of();

  private Pod pod;
  private boolean terminating;
  private boolean removed;
  private boolean busy;
  private boolean dirty;
  private int cycles;
  private PodObservation observed = new PodObservation(List.of());
  private JsonNode written;
  private boolean writing;
  /** A status computed while a write was under way: compute and write again once it is done. */
  private boolean statusAgain;

  static Behavior<Command> create(NodeAgentContext node, ObjectNode pod) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> new PodWorker(context, timers, node, pod).start()));
  }

  private PodWorker(ActorContext<Command> context, TimerScheduler<Command> timers, NodeAgentContext node, ObjectNode pod) {
    this.context = context;
    this.timers = timers;
    this.node = node;
    this.pod = KubeJson.toTyped(pod, Pod.class);
    this.uid = this.pod.getMetadata().getUid();
    this.backoff = new Backoff(node.settings().backoffInitial(), node.settings().backoffMax(), node.settings().backoffReset());
    this.written = pod.path("status");
  }

  private Behavior<Command> start() {
    noteDeletion();
    sync();
    return Behaviors.receive(Command.class)
        .onMessage(Update.class, this::onUpdate)
        .onMessage(Removed.class, removed -> {
          this.removed = true;
          this.terminating = true;
          sync();
          return Behaviors.same();
        })
        .onMessage(ContainerExited.class, exited -> {
          sync();
          return Behaviors.same();
        })
        .onMessage(Wake.class, wake -> {
          sync();
          return Behaviors.same();
        })
        .onMessage(Observed.class, this::onObserved)
        .onMessage(ObserveFailed.class, this::onObserveFailed)
        .onMessage(Acted.class, this::onActed)
        .onMessage(ProbeTick.class, this::onProbeTick)
        .onMessage(ProbeDone.class, this::onProbeDone)
        .onMessage(StatusWritten.class, this::onStatusWritten)
        .onMessage(Finished.class, this::onFinished)
        .build();
  }

  // ---- sync ----

  private Behavior<Command> onUpdate(Update update) {
    Pod next = KubeJson.toTyped(update.pod(), Pod.class);
    if (!uid.equals(next.getMetadata().getUid())) {
      return Behaviors.same();
    }
    pod = next;
    noteDeletion();
    sync();
    return Behaviors.same();
  }

  private void noteDeletion() {
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      terminating = true;
    }
  }

  /** Starts a sync now, or right after the one under way. */
  private void sync() {
    if (busy) {
      dirty = true;
      return;
    }
    busy = true;
    dirty = false;
    cycles = 0;
    observe();
  }

  private void observe() {
    context.pipeToSelf(node.runtime().podContainers(node.settings().name(), uid),
        (containers, failure) -> failure == null ? new Observed(containers) : new ObserveFailed(failure));
  }

  private Behavior<Command> onObserveFailed(ObserveFailed failed) {
    context.getLog().warn("pod sync failed pod={}/{} error={}", namespace(), name(), failed.failure().toString());
    return idle(Instant.now().plusSeconds(1));
  }

  private Behavior<Command> onObserved(Observed message) {
    observed = new PodObservation(message.containers());
    Instant now = node.clock().instant();
    PodPlanner.Plan plan = PodPlanner.plan(pod, observed, new PodPlanner.Context(terminating, gracePeriod(), backoff, unhealthy, failures, now));
    noteBackOffs(plan.waiting());
    waiting = plan.waiting();
    unhealthy.retainAll(observed.running().stream().map(RuntimeContainer::id).collect(Collectors.toSet()));
    if (plan.terminated()) {
      return finish();
    }
    if (!terminating) {
      updateProbes();
      writeStatus();
    }
    if (!plan.actions().isEmpty() && cycles < MAX_CYCLES) {
      cycles++;
      context.getLog().debug("pod plan pod={}/{} actions={}", namespace(), name(), plan.actions());
      context.pipeToSelf(carryOut(plan.actions()), (results, failure) -> new Acted(failure == null ? results : List.of()));
      return Behaviors.same();
    }
    return idle(!plan.actions().isEmpty() ? now.plusSeconds(1) : plan.wakeAt());
  }

  private Behavior<Command> onActed(Acted acted) {
    Instant now = node.clock().instant();
    for (Result result : acted.results()) {
      if (result instanceof ContainerStarted started) {
        failures.remove(started.name());
        backoff.forget("start:" + started.name());
      } else if (result instanceof StartFailed failed) {
        StartFailure previous = failures.get(failed.name());
        StartFailure next = failed.failure();
        failures.put(failed.name(), new StartFailure(next.reason(), next.backoffReason(), next.message(), previous == null ? 1 : previous.failures() + 1));
        backoff.restarted("start:" + failed.name(), now);
      }
    }
    observe();
    return Behaviors.same();
  }

  /** The sync is over: look again at {@code wakeAt} (or the resync period), or at once if something was heard meanwhile. */
  private Behavior<Command> idle(Instant wakeAt) {
    busy = false;
    Duration resync = node.settings().resyncInterval();
    Duration delay = wakeAt == null ? resync : Duration.between(node.clock().instant(), wakeAt).plusMillis(20);
    if (delay.isNegative()) {
      delay = Duration.ZERO;
    }
    timers.startSingleTimer("wake", new Wake(), delay.compareTo(resync) > 0 ? resync : delay);
    if (dirty) {
      sync();
    }
    return Behaviors.same();
  }

  private Duration gracePeriod() {
    Long seconds = pod.getMetadata().getDeletionGracePeriodSeconds();
    if (seconds == null) {
      seconds = pod.getSpec().getTerminationGracePeriodSeconds();
    }
    return seconds == null ? node.settings().defaultGracePeriod() : Duration.ofSeconds(Math.max(0, seconds));
  }

  /** A container newly held back by its crash back-off gets a BackOff event, as the kubelet sends. */
  private void noteBackOffs(Map<String, Waiting> next) {
    for (var entry : next.entrySet()) {
      Waiting before = waiting.get(entry.getKey());
      if (before == null || !before.reason().equals(entry.getValue().reason())) {
        String reason = entry.getValue().reason();
        if (reason.equals("CrashLoopBackOff")) {
          event(entry.getKey(), EventRecorder.WARNING, "BackOff", "Back-off restarting failed container %s in pod %s_%s(%s)".formatted(
              entry.getKey(), name(), namespace(), uid));
        } else if (reason.equals("ImagePullBackOff")) {
          event(entry.getKey(), EventRecorder.NORMAL, "BackOff", "Back-off pulling image \"%s\"".formatted(image(entry.getKey())));
        }
      }
    }
  }

  // ---- carrying out a plan ----

  private CompletionStage<List<Result>> carryOut(List<Action> actions) {
    CompletionStage<List<Result>> chain = CompletableFuture.completedFuture(new ArrayList<>());
    // The sandbox the plan's containers join: the running one, or the one the plan creates first.
    AtomicReference<RuntimeContainer> sandbox = new AtomicReference<>(observed.sandbox().filter(RuntimeContainer::running).orElse(null));
    for (List<Action> step : steps(actions)) {
      chain = chain.thenCompose(results -> {
        // The actions of one step (stopping a pod's containers) run at once; steps run in order.
        List<CompletableFuture<Result>> running = step.stream().map(action -> run(action, sandbox).toCompletableFuture()
            .<Result>handle((result, failure) -> {
              if (failure != null) {
                context.getLog().info("pod action failed pod={}/{} action={} error={}", namespace(), name(), action.getClass().getSimpleName(),
                    Failures.cause(failure).getMessage());
                return new Done();
              }
              return result;
            })).toList();
        return CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).thenApply(done -> {
          running.forEach(result -> results.add(result.join()));
          return results;
        });
      });
    }
    return chain;
  }

  /** The plan in steps: consecutive stops of app containers form one step; everything else is a step of its own. */
  private static List<List<Action>> steps(List<Action> actions) {
    List<List<Action>> steps = new ArrayList<>();
    for (Action action : actions) {
      boolean parallel = action instanceof PodPlanner.KillContainer kill && kill.message() != null;
      List<Action> last = steps.isEmpty() ? null : steps.get(steps.size() - 1);
      if (parallel && last != null && last.get(0) instanceof PodPlanner.KillContainer previous && previous.message() != null) {
        last.add(action);
      } else {
        steps.add(new ArrayList<>(List.of(action)));
      }
    }
    return steps;
  }

  private CompletionStage<? extends Result> run(Action action, AtomicReference<RuntimeContainer> sandbox) {
    var runtime = node.runtime();
    if (action instanceof PodPlanner.CreateSandbox create) {
      sandbox.set(null);
      return removeAll(create.remove()).thenCompose(removed -> runtime.runSandbox(sandboxSpec(create.attempt())))
          .handle((created, failure) -> {
            if (failure != null) {
              event(null, EventRecorder.WARNING, "FailedCreatePodSandBox", "Failed to create pod sandbox: " + Failures.cause(failure).getMessage());
              throw new java.util.concurrent.CompletionException(Failures.cause(failure));
            }
            sandbox.set(created);
            return new Done();
          });
    }
    if (action instanceof PodPlanner.StartContainer start) {
      return startContainer(start, sandbox.get());
    }
    if (action instanceof PodPlanner.KillContainer kill) {
      if (kill.message() != null) {
        event(kill.name(), EventRecorder.NORMAL, "Killing", kill.message());
      }
      Instant start = node.clock().instant();
      return preStop(kill).thenCompose(hooked -> {
        // The hook's time comes out of the grace period, as in Kubernetes.
        Duration left = kill.grace().minus(Duration.between(start, node.clock().instant()));
        return runtime.stopContainer(kill.id(), left.isNegative() ? Duration.ZERO : left);
      }).thenApply(done -> new Done());
    }
    if (action instanceof PodPlanner.RemoveContainers remove) {
      return removeAll(remove.ids()).thenApply(done -> new Done());
    }
    throw new IllegalStateException("unknown action " + action);
  }

  /**
   * The container's preStop hook, if it has one: a command run in it, or a sleep — both bounded
   * by the grace period. A failing hook is reported and the stop goes on.
   */
  private CompletionStage<Void> preStop(PodPlanner.KillContainer kill) {
    var lifecycle = container(kill.name()).map(Container::getLifecycle).orElse(null);
    var hook = lifecycle == null ? null : lifecycle.getPreStop();
    if (hook == null || kill.message() == null) {
      return CompletableFuture.completedFuture(null);
    }
    if (hook.getExec() != null && hook.getExec().getCommand() != null) {
      return node.runtime().exec(kill.id(), hook.getExec().getCommand(), kill.grace()).handle((result, failure) -> {
        if (failure != null || result.exitCode() != 0) {
          String why = failure != null ? Failures.cause(failure).getMessage() : "exit code " + result.exitCode() + ": " + result.output();
          event(kill.name(), EventRecorder.WARNING, "FailedPreStopHook", "PreStopHook failed: " + why);
        }
        return null;
      });
    }
    if (hook.getSleep() != null && hook.getSleep().getSeconds() != null) {
      Duration sleep = Duration.ofSeconds(hook.getSleep().getSeconds());
      Duration bounded = sleep.compareTo(kill.grace()) > 0 ? kill.grace() : sleep;
      return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(bounded.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
    }
    return CompletableFuture.completedFuture(null);
  }

  private CompletionStage<Void> removeAll(List<String> ids) {
    CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
    for (String id : ids) {
      chain = chain.thenCompose(done -> node.runtime().removeContainer(id));
    }
    return chain;
  }

  private CompletionStage<Result> startContainer(PodPlanner.StartContainer start, RuntimeContainer joined) {
    Container container = start.container();
    String name = container.getName();
    Optional<RuntimeContainer> sandbox = Optional.ofNullable(joined);
    if (sandbox.isEmpty()) {
      return CompletableFuture.completedFuture(new Done());
    }
    var runtime = node.runtime();
    ContainerLabels labels = new ContainerLabels(node.settings().name(), uid, name(), namespace(), name, start.attempt(), PodPlanner.hash(container));
    return runtime.image(container.getImage()).thenCompose(image -> {
      if (image.isEmpty()) {
        String message = "image \"%s\" is not present on node %s, and this node pulls no images (build it locally: bin/docker-engine)"
            .formatted(container.getImage(), node.settings().name());
        event(name, EventRecorder.WARNING, "Failed", "Failed to pull image \"%s\": %s".formatted(container.getImage(), message));
        event(name, EventRecorder.WARNING, "Failed", "Error: ErrImagePull");
        return CompletableFuture.completedFuture((Result) new StartFailed(name, new StartFailure("ErrImagePull", "ImagePullBackOff", message, 1)));
      }
      event(name, EventRecorder.NORMAL, "Pulled", "Container image \"%s\" already present on machine".formatted(container.getImage()));
      return node.specs().build(pod, container, image.get().user(), labels, sandbox.get().id(), sandbox.get().ip(), node.settings().address())
          .handle((spec, failure) -> {
            if (failure != null) {
              String message = Failures.cause(failure).getMessage();
              event(name, EventRecorder.WARNING, "Failed", "Error: " + message);
              throw new StartError(new StartFailed(name, new StartFailure("CreateContainerConfigError", "CreateContainerConfigError", message, 1)));
            }
            return spec;
          })
          .thenCompose(spec -> runtime.createContainer(spec).handle((id, failure) -> {
            if (failure != null) {
              String message = Failures.cause(failure).getMessage();
              event(name, EventRecorder.WARNING, "Failed", "Error: " + message);
              throw new StartError(new StartFailed(name, new StartFailure("CreateContainerError", "CreateContainerError", message, 1)));
            }
            event(name, EventRecorder.NORMAL, "Created", "Created container " + name);
            return id;
          }))
          .thenCompose(id -> runtime.startContainer(id).handle((started, failure) -> {
            if (failure != null) {
              String message = Failures.cause(failure).getMessage();
              event(name, EventRecorder.WARNING, "Failed", "Error: " + message);
              throw new StartError(new StartFailed(name, new StartFailure("RunContainerError", "RunContainerError", message, 1)));
            }
            event(name, EventRecorder.NORMAL, "Started", "Started container " + name);
            return (Result) new ContainerStarted(name);
          }))
          .thenCompose(result -> removeAll(start.remove()).thenApply(removed -> result))
          .exceptionally(failure -> {
            if (Failures.cause(failure) instanceof StartError error) {
              return error.result;
            }
            throw new java.util.concurrent.CompletionException(Failures.cause(failure));
          });
    });
  }

  /** Carries a start failure's result out of a stage. */
  private static final class StartError extends RuntimeException {
    final StartFailed result;

    StartError(StartFailed result) {
      super(result.failure().message(), null, false, false);
      this.result = result;
    }
  }

  private SandboxSpec sandboxSpec(int attempt) {
    ContainerLabels labels = new ContainerLabels(node.settings().name(), uid, name(), namespace(), ContainerLabels.SANDBOX, attempt, "");
    List<SandboxSpec.PortMapping> ports = new ArrayList<>();
    for (Container container : allContainers()) {
      for (ContainerPort port : container.getPorts() == null ? List.<ContainerPort>of() : container.getPorts()) {
        if (port.getHostPort() != null && port.getHostPort() > 0) {
          ports.add(new SandboxSpec.PortMapping(port.getContainerPort(), port.getHostPort(),
              port.getProtocol() == null ? "TCP" : port.getProtocol(), port.getHostIP()));
        }
      }
    }
    String hostname = pod.getSpec().getHostname() != null ? pod.getSpec().getHostname() : name();
    // As the kubelet: at most 63 characters, without a '-' or '.' left at the end by the cut.
    if (hostname.length() > 63) {
      hostname = hostname.substring(0, 63).replaceAll("[-.]+$", "");
    }
    return new SandboxSpec(labels, hostname,
        Boolean.TRUE.equals(pod.getSpec().getHostNetwork()), Boolean.TRUE.equals(pod.getSpec().getHostIPC()), ports);
  }

  // ---- probes ----

  /** Starts probing container instances that began running; forgets those that stopped. */
  private void updateProbes() {
    Set<String> running = observed.running().stream().map(RuntimeContainer::id).collect(Collectors.toSet());
    probes.retain(running);
    probing.removeIf(key -> {
      if (!running.contains(key.containerId())) {
        timers.cancel(key);
        return true;
      }
      return false;
    });
    for (Container container : allContainers()) {
      Optional<RuntimeContainer> instance = observed.latest(container.getName()).filter(RuntimeContainer::running);
      if (instance.isEmpty()) {
        continue;
      }
      for (Kind kind : Kind.values()) {
        Probe probe = probe(container, kind);
        ProbeTracker.Key key = new ProbeTracker.Key(instance.get().id(), kind);
        if (probe != null && probing.add(key)) {
          int delay = probe.getInitialDelaySeconds() == null ? 0 : probe.getInitialDelaySeconds();
          timers.startSingleTimer(key, new ProbeTick(key), Duration.ofSeconds(delay));
        }
      }
    }
  }

  private Behavior<Command> onProbeTick(ProbeTick tick) {
    ProbeTracker.Key key = tick.key();
    Optional<RuntimeContainer> instance = observed.running().stream().filter(c -> c.id().equals(key.containerId())).findFirst();
    Container container = instance.flatMap(c -> container(c.pod().container())).orElse(null);
    Probe probe = container == null ? null : probe(container, key.kind());
    if (probe == null || terminating) {
      probing.remove(key);
      return Behaviors.same();
    }
    boolean startupPending = key.kind() != Kind.STARTUP && probe(container, Kind.STARTUP) != null
        && !probes.result(new ProbeTracker.Key(key.containerId(), Kind.STARTUP));
    boolean startupDone = key.kind() == Kind.STARTUP && probes.result(key);
    if (startupPending || startupDone) {
      schedule(key, probe);
      return Behaviors.same();
    }
    Probe resolved = resolvePorts(probe, container);
    String podIp = observed.podIp().orElse("");
    context.pipeToSelf(node.runtime().probe(key.containerId(), podIp, resolved),
        (outcome, failure) -> new ProbeDone(key, probe, failure == null ? outcome : new ProbeOutcome(false, Failures.cause(failure).getMessage())));
    return Behaviors.same();
  }

  private Behavior<Command> onProbeDone(ProbeDone done) {
    ProbeTracker.Key key = done.key();
    if (!probing.contains(key)) {
      return Behaviors.same();
    }
    String containerName = observed.containers().stream().filter(c -> c.id().equals(key.containerId()))
        .map(c -> c.pod().container()).findFirst().orElse("");
    ProbeTracker.Change change = probes.record(key, done.probe(), done.outcome().success());
    if (!done.outcome().success()) {
      String kind = switch (key.kind()) {
        case STARTUP -> "Startup";
        case READINESS -> "Readiness";
        case LIVENESS -> "Liveness";
      };
      event(containerName, EventRecorder.WARNING, "Unhealthy", "%s probe failed: %s".formatted(kind, done.outcome().message()));
    }
    if (change == ProbeTracker.Change.FAILED && key.kind() != Kind.READINESS) {
      unhealthy.add(key.containerId());
      context.getLog().info("container unhealthy pod={}/{} container={} probe={}", namespace(), name(), containerName, key.kind());
    }
    if (change != ProbeTracker.Change.NONE) {
      sync();
    }
    schedule(key, done.probe());
    return Behaviors.same();
  }

  private void schedule(ProbeTracker.Key key, Probe probe) {
    int period = probe.getPeriodSeconds() == null || probe.getPeriodSeconds() < 1 ? 10 : probe.getPeriodSeconds();
    timers.startSingleTimer(key, new ProbeTick(key), Duration.ofSeconds(period));
  }

  private static Probe probe(Container container, Kind kind) {
    return switch (kind) {
      case STARTUP -> container.getStartupProbe();
      case READINESS -> container.getReadinessProbe();
      case LIVENESS -> container.getLivenessProbe();
    };
  }

  /** The probe with a named port replaced by the container's port of that name. */
  private static Probe resolvePorts(Probe probe, Container container) {
    IntOrString port = probe.getHttpGet() != null ? probe.getHttpGet().getPort() : probe.getTcpSocket() != null ? probe.getTcpSocket().getPort() : null;
    if (port == null || port.getStrVal() == null) {
      return probe;
    }
    Integer number = (container.getPorts() == null ? List.<ContainerPort>of() : container.getPorts()).stream()
        .filter(p -> port.getStrVal().equals(p.getName())).map(ContainerPort::getContainerPort).findFirst().orElse(-1);
    Probe copy = KubeJson.toTyped(KubeJson.MAPPER.valueToTree(probe), Probe.class);
    if (copy.getHttpGet() != null) {
      copy.getHttpGet().setPort(new IntOrString(number));
    } else {
      copy.getTcpSocket().setPort(new IntOrString(number));
    }
    return copy;
  }

  private Map<String, PodStatuses.ProbeView> probeViews() {
    Map<String, PodStatuses.ProbeView> views = new HashMap<>();
    for (RuntimeContainer instance : observed.running()) {
      Optional<Container> container = container(instance.pod().container());
      if (container.isEmpty()) {
        continue;
      }
      boolean started = probe(container.get(), Kind.STARTUP) == null || probes.result(new ProbeTracker.Key(instance.id(), Kind.STARTUP));
      boolean ready = started && (probe(container.get(), Kind.READINESS) == null || probes.result(new ProbeTracker.Key(instance.id(), Kind.READINESS)));
      views.put(instance.id(), new PodStatuses.ProbeView(ready, started));
    }
    return views;
  }

  // ---- status ----

  private void writeStatus() {
    if (writing) {
      statusAgain = true;
      return;
    }
    PodStatus status = PodStatuses.build(new PodStatuses.Inputs(pod, observed, waiting, probeViews(), node.settings().address(),
        node.runtimePrefix(), node.clock().instant()));
    JsonNode tree = KubeJson.MAPPER.valueToTree(status);
    if (KubeJson.sameContent(tree, written)) {
      return;
    }
    writing = true;
    Pod update = KubeJson.toTyped(KubeJson.toTree(pod), Pod.class);
    update.getMetadata().setResourceVersion(null);
    update.setStatus(status);
    context.pipeToSelf(node.store().updateStatus(update), (written, failure) -> new StatusWritten(tree, failure));
  }

  private Behavior<Command> onStatusWritten(StatusWritten done) {
    writing = false;
    if (done.failure() == null) {
      written = done.status();
    } else if (!Failures.storeSaid(done.failure(), StoreError.Reason.NOT_FOUND, StoreError.Reason.CONFLICT, StoreError.Reason.FORBIDDEN)) {
      // Not found, replaced, or bound to another node since (forbidden to this one): not this worker's to write any more.
      context.getLog().warn("pod status not written pod={}/{} error={}", namespace(), name(), Failures.cause(done.failure()).getMessage());
      timers.startSingleTimer("wake", new Wake(), Duration.ofSeconds(1));
    }
    if (statusAgain) {
      statusAgain = false;
      if (!terminating) {
        writeStatus();
      }
    }
    return Behaviors.same();
  }

  // ---- termination ----

  /** Everything of the pod is stopped and removed: clean up, delete the API object, stop. */
  private Behavior<Command> finish() {
    timers.cancelAll();
    String podName = name();
    String podNamespace = namespace();
    CompletionStage<Void> cleanup = CompletableFuture.runAsync(() -> node.specs().removePodDir(uid), node.blocking());
    if (!removed) {
      cleanup = cleanup.thenCompose(done -> node.store().delete(Pod.class, podNamespace, podName,
              DeleteOptions.defaults().withGracePeriod(0).withPreconditions(uid, null))
          .handle((deleted, failure) -> {
            if (failure != null && !Failures.storeSaid(failure, StoreError.Reason.NOT_FOUND, StoreError.Reason.CONFLICT, StoreError.Reason.FORBIDDEN)) {
              throw new java.util.concurrent.CompletionException(Failures.cause(failure));
            }
            return null;
          }));
    }
    context.pipeToSelf(cleanup, (done, failure) -> new Finished(failure));
    return Behaviors.same();
  }

  private Behavior<Command> onFinished(Finished finished) {
    if (finished.failure() != null) {
      context.getLog().warn("pod not deleted after its containers stopped pod={}/{} error={}; retrying", namespace(), name(), Failures.cause(finished.failure()).getMessage());
      busy = false;
      timers.startSingleTimer("wake", new Wake(), Duration.ofSeconds(1));
      return Behaviors.same();
    }
    context.getLog().info("pod terminated pod={}/{} uid={}", namespace(), name(), uid);
    return Behaviors.stopped();
  }

  // ---- small things ----

  private List<Container> allContainers() {
    return Stream.concat(
        pod.getSpec().getInitContainers() == null ? Stream.<Container>empty() : pod.getSpec().getInitContainers().stream(),
        pod.getSpec().getContainers().stream()).toList();
  }

  private Optional<Container> container(String name) {
    return allContainers().stream().filter(c -> c.getName().equals(name)).findFirst();
  }

  private String image(String containerName) {
    return container(containerName).map(Container::getImage).orElse("");
  }

  private void event(String containerName, String type, String reason, String message) {
    EventRecorder recorder = node.recorder();
    if (recorder == null) {
      return;
    }
    String fieldPath = null;
    if (containerName != null) {
      boolean init = pod.getSpec().getInitContainers() != null && pod.getSpec().getInitContainers().stream().anyMatch(c -> c.getName().equals(containerName));
      fieldPath = (init ? "spec.initContainers{" : "spec.containers{") + containerName + "}";
    }
    recorder.record(pod, fieldPath, type, reason, message);
  }

  private String name() {
    return pod.getMetadata().getName();
  }

  private String namespace() {
    return pod.getMetadata().getNamespace();
  }

}
