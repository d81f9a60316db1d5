package io.dirigent.node;

import io.dirigent.core.LocalOnly;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.events.EventRecorder;
import io.dirigent.node.ProbeTracker.Kind;
import io.dirigent.node.runtime.ContainerRuntime.ProbeOutcome;
import io.dirigent.node.runtime.RuntimeContainer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Runs one pod's probes — the kubelet's prober manager, for one pod: startup, readiness and
 * liveness probes on timers per running container instance, each run off this actor's thread,
 * its outcome counted against the probe's thresholds ({@link ProbeTracker}). Whenever what the
 * probes say changes (a container became ready or started, or failed its liveness or startup
 * probe and is to be restarted), the pod worker is told with {@link Results}.
 */
final class PodProber {

  /** Local: a child of its pod worker, told by it and by its own timers and probes. */
  sealed interface Command extends LocalOnly {}

  /** The pod and its running containers as the worker last saw them; no containers: stop probing. */
  record Watch(Pod pod, List<RuntimeContainer> running, String podIp) implements Command {
    Watch {
      running = List.copyOf(running);
    }
  }

  private record Tick(ProbeTracker.Key key) implements Command {}

  private record Probed(ProbeTracker.Key key, Probe probe, ProbeOutcome outcome) implements Command {}

  /**
   * What the probes say now.
   *
   * @param views by running container instance: ready and started
   * @param unhealthy the instances that failed their liveness or startup probe: to be restarted
   */
  record Results(Map<String, PodStatuses.ProbeView> views, Set<String> unhealthy) implements LocalOnly {
    Results {
      views = Map.copyOf(views);
      unhealthy = Set.copyOf(unhealthy);
    }
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final NodeAgentContext node;
  private final ActorRef<Results> worker;
  private final ProbeTracker tracker = new ProbeTracker();
  private final Set<ProbeTracker.Key> probing = new HashSet<>();
  private final Set<String> unhealthy = new HashSet<>();
  private Pod pod;
  private List<RuntimeContainer> running = List.of();
  private String podIp = "";
  private Results told;

  static Behavior<Command> create(NodeAgentContext node, ActorRef<Results> worker) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> new PodProber(context, timers, node, worker).behavior()));
  }

  private PodProber(ActorContext<Command> context, TimerScheduler<Command> timers, NodeAgentContext node, ActorRef<Results> worker) {
    this.context = context;
    this.timers = timers;
    this.node = node;
    this.worker = worker;
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Watch.class, this::onWatch)
        .onMessage(Tick.class, this::onTick)
        .onMessage(Probed.class, this::onProbed)
        .build();
  }

  /** Starts probing container instances that began running; forgets those that stopped. */
  private Behavior<Command> onWatch(Watch watch) {
    pod = watch.pod();
    running = watch.running();
    podIp = watch.podIp() == null ? "" : watch.podIp();
    Set<String> alive = running.stream().map(RuntimeContainer::id).collect(Collectors.toSet());
    tracker.retain(alive);
    unhealthy.retainAll(alive);
    probing.removeIf(key -> {
      if (!alive.contains(key.containerId())) {
        timers.cancel(key);
        return true;
      }
      return false;
    });
    for (RuntimeContainer instance : running) {
      Optional<Container> container = container(instance.pod().container());
      for (Kind kind : Kind.values()) {
        Probe probe = container.map(c -> probe(c, kind)).orElse(null);
        ProbeTracker.Key key = new ProbeTracker.Key(instance.id(), kind);
        if (probe != null && probing.add(key)) {
          int delay = probe.getInitialDelaySeconds() == null ? 0 : probe.getInitialDelaySeconds();
          timers.startSingleTimer(key, new Tick(key), Duration.ofSeconds(delay));
        }
      }
    }
    tell();
    return Behaviors.same();
  }

  private Behavior<Command> onTick(Tick tick) {
    ProbeTracker.Key key = tick.key();
    Container container = running.stream().filter(c -> c.id().equals(key.containerId())).findFirst()
        .flatMap(c -> container(c.pod().container())).orElse(null);
    Probe probe = container == null ? null : probe(container, key.kind());
    if (probe == null) {
      probing.remove(key);
      return Behaviors.same();
    }
    // Readiness and liveness wait for the startup probe; a startup probe that passed is done.
    boolean startupPending = key.kind() != Kind.STARTUP && probe(container, Kind.STARTUP) != null
        && !tracker.result(new ProbeTracker.Key(key.containerId(), Kind.STARTUP));
    boolean startupDone = key.kind() == Kind.STARTUP && tracker.result(key);
    if (startupPending || startupDone) {
      schedule(key, probe);
      return Behaviors.same();
    }
    context.pipeToSelf(node.runtime().probe(key.containerId(), podIp, resolvePorts(probe, container)),
        (outcome, failure) -> new Probed(key, probe, failure == null ? outcome : new ProbeOutcome(false, Failures.cause(failure).getMessage())));
    return Behaviors.same();
  }

  private Behavior<Command> onProbed(Probed done) {
    ProbeTracker.Key key = done.key();
    if (!probing.contains(key)) {
      return Behaviors.same();
    }
    String containerName = running.stream().filter(c -> c.id().equals(key.containerId())).map(c -> c.pod().container()).findFirst().orElse("");
    ProbeTracker.Change change = tracker.record(key, done.probe(), done.outcome().success());
    if (!done.outcome().success()) {
      String kind = switch (key.kind()) {
        case STARTUP -> "Startup";
        case READINESS -> "Readiness";
        case LIVENESS -> "Liveness";
      };
      PodEvents.record(node.recorder(), pod, containerName, EventRecorder.WARNING, "Unhealthy", "%s probe failed: %s".formatted(kind, done.outcome().message()));
    }
    if (change == ProbeTracker.Change.FAILED && key.kind() != Kind.READINESS) {
      unhealthy.add(key.containerId());
      context.getLog().info("container unhealthy pod={}/{} container={} probe={}", pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
          containerName, key.kind());
    }
    if (change != ProbeTracker.Change.NONE) {
      tell();
    }
    schedule(key, done.probe());
    return Behaviors.same();
  }

  /** Tells the worker what the probes say, if that changed since it was last told. */
  private void tell() {
    Map<String, PodStatuses.ProbeView> views = new HashMap<>();
    for (RuntimeContainer instance : running) {
      Optional<Container> container = container(instance.pod().container());
      if (container.isEmpty()) {
        continue;
      }
      boolean started = probe(container.get(), Kind.STARTUP) == null || tracker.result(new ProbeTracker.Key(instance.id(), Kind.STARTUP));
      boolean ready = started && (probe(container.get(), Kind.READINESS) == null
          || tracker.result(new ProbeTracker.Key(instance.id(), Kind.READINESS)));
      views.put(instance.id(), new PodStatuses.ProbeView(ready, started));
    }
    Results results = new Results(views, unhealthy);
    if (!results.equals(told)) {
      told = results;
      worker.tell(results);
    }
  }

  /**
   * What the probes say of a container instance before any of them ran: started unless it has a
   * startup probe, ready unless it has a startup or readiness probe (as {@link ProbeTracker} starts).
   */
  static PodStatuses.ProbeView initially(Container container) {
    boolean started = probe(container, Kind.STARTUP) == null;
    return new PodStatuses.ProbeView(started && probe(container, Kind.READINESS) == null, started);
  }

  private void schedule(ProbeTracker.Key key, Probe probe) {
    int period = probe.getPeriodSeconds() == null || probe.getPeriodSeconds() < 1 ? 10 : probe.getPeriodSeconds();
    timers.startSingleTimer(key, new Tick(key), Duration.ofSeconds(period));
  }

  private Optional<Container> container(String name) {
    return pod == null ? Optional.empty() : PodSpecs.container(pod, name);
  }

  static Probe probe(Container container, Kind kind) {
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
}
