package io.dirigent.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.LocalOnly;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.events.EventRecorder;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.store.StoreError;
import io.dirigent.node.PodPlanner.StartFailure;
import io.dirigent.node.PodPlanner.Waiting;
import io.dirigent.node.runtime.RuntimeContainer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Owns one pod on this node, by uid — the kubelet's pod worker. It keeps only the newest spec it
 * was given and runs one sync at a time: look at the pod's containers in the runtime, plan
 * ({@link PodPlanner}), carry the plan out ({@link PodActions}, off this actor's thread), look
 * again, until the plan is empty; then have the status written ({@link PodStatusWriter}) and the
 * running containers probed ({@link PodProber}), each a child actor of its own.
 *
 * <p>Its states are its behaviours: {@link #idle} (nothing under way; anything heard starts a
 * sync), {@link #syncing} (a look or a plan under way; anything heard meanwhile makes it sync
 * once more when done) and {@link #finishing} (the pod is terminated: its containers are gone,
 * its volumes and API object are being removed; then it stops). Whether the pod is terminating
 * (deleted, or gone from the API) is what it plans for, not a state of the loop.
 */
final class PodWorker {

  /** Local: a worker is a child of its node agent, told by it, its prober and its own runtime work. */
  sealed interface Command extends LocalOnly {}

  /** The pod as the API now has it. */
  record Update(ObjectNode pod) implements Command {}

  /** The pod is gone from the API: stop what is left of it at once. */
  record Removed() implements Command {}

  /** One of the pod's containers exited. */
  record ContainerExited(String containerId) implements Command {}

  private record Observed(List<RuntimeContainer> containers) implements Command {}

  private record ObserveFailed(Throwable failure) implements Command {}

  private record Acted(List<PodActions.Result> results) implements Command {}

  private record Wake() implements Command {}

  private record ProbesChanged(PodProber.Results results) implements Command {}

  private record Finished(Throwable failure) implements Command {}

  /** Where the pod is in its life: what the plan is made for. */
  private enum Lifecycle {
    ACTIVE,
    /** Deleted in the API (its deletionTimestamp set): stop its containers, then delete it. */
    TERMINATING,
    /** Gone from the API: stop its containers; there is nothing left to delete. */
    REMOVED
  }

  /** Plans carried out in a row before the worker pauses, so a runtime that keeps failing cannot spin it. */
  private static final int MAX_CYCLES = 8;

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final NodeAgentContext node;
  private final String uid;
  private final Backoff backoff;
  private final ActorRef<PodProber.Command> prober;
  private final ActorRef<PodStatusWriter.Command> status;
  private final Map<String, StartFailure> failures = new HashMap<>();
  private Map<String, Waiting> waiting = Map.of();
  private PodProber.Results probes = new PodProber.Results(Map.of(), Set.of());
  /** The pod as the API last gave it; replaced on each update, never changed (carried-out plans hold it). */
  private Pod pod;
  private Lifecycle lifecycle = Lifecycle.ACTIVE;
  private int cycles;
  private PodObservation observed = new PodObservation(List.of());

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
    this.prober = context.spawn(PodProber.create(node, context.messageAdapter(PodProber.Results.class, ProbesChanged::new)), "prober");
    this.status = context.spawn(PodStatusWriter.create(node, pod.path("status").deepCopy()), "status");
  }

  private Behavior<Command> start() {
    noteDeletion();
    return sync();
  }

  // ---- states ----

  /** Nothing under way: anything heard starts a sync. */
  private Behavior<Command> idle() {
    return Behaviors.receive(Command.class)
        .onMessage(Update.class, update -> heard(update) ? sync() : Behaviors.same())
        .onMessage(Removed.class, removed -> {
          lifecycle = Lifecycle.REMOVED;
          return sync();
        })
        .onMessage(ContainerExited.class, exited -> sync())
        .onMessage(Wake.class, wake -> sync())
        .onMessage(ProbesChanged.class, changed -> {
          probes = changed.results();
          return sync();
        })
        .build();
  }

  /**
   * A look or a plan under way; {@code again}: something was heard meanwhile, so one more sync
   * follows this one.
   */
  private Behavior<Command> syncing(boolean again) {
    return Behaviors.receive(Command.class)
        .onMessage(Update.class, update -> heard(update) ? syncing(true) : Behaviors.same())
        .onMessage(Removed.class, removed -> {
          lifecycle = Lifecycle.REMOVED;
          return syncing(true);
        })
        .onMessage(ContainerExited.class, exited -> syncing(true))
        .onMessage(Wake.class, wake -> syncing(true))
        .onMessage(ProbesChanged.class, changed -> {
          probes = changed.results();
          return syncing(true);
        })
        .onMessage(Observed.class, observed -> onObserved(observed, again))
        .onMessage(ObserveFailed.class, failed -> {
          context.getLog().warn("pod sync failed pod={}/{} error={}", namespace(), name(), failed.failure().toString());
          return rest(node.clock().instant().plusSeconds(1), again);
        })
        .onMessage(Acted.class, acted -> onActed(acted, again))
        .build();
  }

  /** Terminated: the pod's volumes and API object are being removed; then the worker stops. */
  private Behavior<Command> finishing() {
    return Behaviors.receive(Command.class)
        .onMessage(Finished.class, this::onFinished)
        .onAnyMessage(ignored -> Behaviors.same())
        .build();
  }

  // ---- the sync ----

  /** Takes in the newest pod; false if it is another pod's (a uid this worker does not own). */
  private boolean heard(Update update) {
    Pod next = KubeJson.toTyped(update.pod(), Pod.class);
    if (!uid.equals(next.getMetadata().getUid())) {
      return false;
    }
    pod = next;
    noteDeletion();
    return true;
  }

  private void noteDeletion() {
    if (pod.getMetadata().getDeletionTimestamp() != null && lifecycle == Lifecycle.ACTIVE) {
      lifecycle = Lifecycle.TERMINATING;
    }
  }

  private boolean terminating() {
    return lifecycle != Lifecycle.ACTIVE;
  }

  /** Starts a sync: a look at the pod's containers. */
  private Behavior<Command> sync() {
    cycles = 0;
    observe();
    return syncing(false);
  }

  private void observe() {
    context.pipeToSelf(node.runtime().podContainers(node.settings().name(), uid),
        (containers, failure) -> failure == null ? new Observed(containers) : new ObserveFailed(failure));
  }

  private Behavior<Command> onObserved(Observed message, boolean again) {
    observed = new PodObservation(message.containers());
    Instant now = node.clock().instant();
    PodPlanner.Plan plan = PodPlanner.plan(pod, observed, new PodPlanner.Context(terminating(), gracePeriod(), backoff, probes.unhealthy(), failures, now));
    noteBackOffs(plan.waiting());
    waiting = plan.waiting();
    if (plan.terminated()) {
      return finish();
    }
    // The prober follows what runs (nothing, once the pod is terminating); the status is written unless the pod is going.
    prober.tell(new PodProber.Watch(pod, terminating() ? List.of() : observed.running(), observed.podIp().orElse("")));
    if (!terminating()) {
      status.tell(new PodStatusWriter.Write(pod, currentStatus(now)));
    }
    if (!plan.actions().isEmpty() && cycles < MAX_CYCLES) {
      cycles++;
      context.getLog().debug("pod plan pod={}/{} actions={}", namespace(), name(), plan.actions());
      // Carried out off this thread, from what is handed over here; the results come back as a message.
      PodActions actions = new PodActions(node, pod, observed.sandbox().filter(RuntimeContainer::running).orElse(null));
      context.pipeToSelf(actions.carryOut(plan.actions()), (results, failure) -> new Acted(failure == null ? results : List.of()));
      return syncing(again);
    }
    return rest(!plan.actions().isEmpty() ? now.plusSeconds(1) : plan.wakeAt(), again);
  }

  private PodStatus currentStatus(Instant now) {
    // What the prober said, and for instances it has not reported on yet, what their probes start as.
    Map<String, PodStatuses.ProbeView> views = new HashMap<>();
    for (RuntimeContainer instance : observed.running()) {
      PodStatuses.ProbeView view = probes.views().get(instance.id());
      if (view == null) {
        view = PodSpecs.container(pod, instance.pod().container()).map(PodProber::initially).orElse(null);
      }
      if (view != null) {
        views.put(instance.id(), view);
      }
    }
    return PodStatuses.build(new PodStatuses.Inputs(pod, observed, waiting, views, node.settings().address(), node.runtimePrefix(), now));
  }

  private Behavior<Command> onActed(Acted acted, boolean again) {
    Instant now = node.clock().instant();
    for (PodActions.Result result : acted.results()) {
      if (result instanceof PodActions.ContainerStarted started) {
        failures.remove(started.name());
        backoff.forget("start:" + started.name());
      } else if (result instanceof PodActions.StartFailed failed) {
        StartFailure previous = failures.get(failed.name());
        StartFailure next = failed.failure();
        failures.put(failed.name(), new StartFailure(next.reason(), next.backoffReason(), next.message(), previous == null ? 1 : previous.failures() + 1));
        backoff.restarted("start:" + failed.name(), now);
      }
    }
    observe();
    return syncing(again);
  }

  /** The sync is over: look again at {@code wakeAt} (or the resync period), or at once if something was heard meanwhile. */
  private Behavior<Command> rest(Instant wakeAt, boolean again) {
    Duration resync = node.settings().resyncInterval();
    Duration delay = wakeAt == null ? resync : Duration.between(node.clock().instant(), wakeAt).plusMillis(20);
    if (delay.isNegative()) {
      delay = Duration.ZERO;
    }
    timers.startSingleTimer("wake", new Wake(), delay.compareTo(resync) > 0 ? resync : delay);
    return again ? sync() : idle();
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

  // ---- termination ----

  /** Everything of the pod is stopped and removed: clean up, delete the API object, stop. */
  private Behavior<Command> finish() {
    timers.cancelAll();
    String podName = name();
    String podNamespace = namespace();
    CompletionStage<Void> cleanup = CompletableFuture.runAsync(() -> node.specs().removePodDir(uid), node.blocking());
    if (lifecycle != Lifecycle.REMOVED) {
      cleanup = cleanup.thenCompose(done -> node.store().delete(Pod.class, podNamespace, podName,
              DeleteOptions.defaults().withGracePeriod(0).withPreconditions(uid, null))
          .handle((deleted, failure) -> {
            if (failure != null && !Failures.storeSaid(failure, StoreError.Reason.NOT_FOUND, StoreError.Reason.CONFLICT, StoreError.Reason.FORBIDDEN)) {
              throw new CompletionException(Failures.cause(failure));
            }
            return null;
          }));
    }
    context.pipeToSelf(cleanup, (done, failure) -> new Finished(failure));
    return finishing();
  }

  private Behavior<Command> onFinished(Finished finished) {
    if (finished.failure() != null) {
      context.getLog().warn("pod not deleted after its containers stopped pod={}/{} error={}; retrying", namespace(), name(),
          Failures.cause(finished.failure()).getMessage());
      timers.startSingleTimer("wake", new Wake(), node.settings().writeRetryInterval());
      return idle();
    }
    context.getLog().info("pod terminated pod={}/{} uid={}", namespace(), name(), uid);
    return Behaviors.stopped();
  }

  // ---- small things ----

  private String image(String containerName) {
    return PodSpecs.container(pod, containerName).map(Container::getImage).orElse("");
  }

  private void event(String containerName, String type, String reason, String message) {
    PodEvents.record(node.recorder(), pod, containerName, type, reason, message);
  }

  private String name() {
    return pod.getMetadata().getName();
  }

  private String namespace() {
    return pod.getMetadata().getNamespace();
  }
}
