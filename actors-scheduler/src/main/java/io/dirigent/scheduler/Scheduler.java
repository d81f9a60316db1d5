package io.dirigent.scheduler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import io.dirigent.core.LocalOnly;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.PodConditions;
import io.dirigent.core.api.PodPhase;
import io.dirigent.core.auth.Caller;
import io.dirigent.core.auth.Callers;
import io.dirigent.core.events.EventRecorder;
import io.dirigent.core.informer.Informer;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.ObjectKey;
import io.dirigent.core.store.PodBindings;
import io.dirigent.core.cluster.HolderLease;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import io.dirigent.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * The scheduler — a cluster singleton on control-plane members. It follows every pod and node,
 * keeps unbound pods in a {@link SchedulingQueue} (higher {@code spec.priority} first, then
 * oldest), and for each picks a node ({@link SchedulingAlgorithm}) and binds the pod to it through
 * the binding subresource's write ({@link PodBindings}), so of two binds only one can win. A pod is
 * <em>assumed</em> on its node in the {@link SchedulerCache} from the decision until the binding is
 * seen (or fails), so the next decisions already count it and no node is over-committed. A pod
 * that fits nowhere gets PodScheduled=False and a FailedScheduling event with the per-reason
 * counts, and is retried with back-off — at once when a node or pod change could make it fit.
 */
public final class Scheduler {

  public static final String NAME = "default-scheduler";
  /** For what completes off the actor's thread (a victim's delete), which must not use the context's log. */
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Scheduler.class);
  private static final String PODS = "pods";
  /** What the VolumeBinding filter reads: claims, volumes, classes. */
  private static final List<String> STORAGE = List.of("persistentvolumeclaims", "persistentvolumes", "storageclasses.storage.k8s.io");

  /** Local: its informers' events, its binds' results and its timers; the scheduler takes nothing from outside. */
  public sealed interface Command extends LocalOnly {}

  private record PodEvent(Informer.Event event) implements Command {}

  private record NodeEvent(Informer.Event event) implements Command {}

  /** A change to a claim, volume or class ({@code resource}: the store's key of its kind). */
  private record StorageEvent(String resource, Informer.Event event) implements Command {}

  private record ScheduleSome() implements Command {}

  private record Bound(String podKey, String node, Throwable failure) implements Command {}

  private record RetryUnschedulable() implements Command {}

  private Scheduler() {}

  /** Starts the scheduler singleton on this member's control-plane role (a proxy elsewhere). */
  public static ActorRef<Command> init(ActorSystem<?> system, Store store) {
    SchedulerSettings settings = SchedulerSettings.from(system.settings().config());
    return ClusterSingleton.get(system).init(SingletonActor.of(
            // Under its own name: the store lets it read pods and nodes, bind, and write pod status and events.
            Behaviors.supervise(create(store.as(Callers.get(system).component(Caller.SCHEDULER)), settings, Clock.systemUTC()))
                .onFailure(SupervisorStrategy.restartWithBackoff(settings.restartInitialBackoff(), settings.restartMaxBackoff(), 0.2)),
            "scheduler")
        .withSettings(ClusterSingletonSettings.create(system).withRole(settings.role())));
  }

  /** The scheduler's settings, from {@code dirigent.scheduler}. */
  public record SchedulerSettings(String role, int batch, int maxBindsInFlight, Duration initialBackoff, Duration maxBackoff,
      Duration backoffCheckInterval, Duration relistDelay, Duration restartInitialBackoff, Duration restartMaxBackoff, boolean events) {
    public SchedulerSettings {
      if (maxBackoff.compareTo(initialBackoff) < 0 || restartMaxBackoff.compareTo(restartInitialBackoff) < 0) {
        throw new IllegalArgumentException("dirigent.scheduler: a back-off's max is below its initial");
      }
    }

    static SchedulerSettings from(Config config) {
      Config c = config.getConfig("dirigent.scheduler");
      return new SchedulerSettings(c.getString("role"), c.getInt("batch"), c.getInt("max-binds-in-flight"),
          c.getDuration("initial-backoff"), c.getDuration("max-backoff"), c.getDuration("backoff-check-interval"),
          c.getDuration("relist-delay"), c.getDuration("restart-backoff.initial"), c.getDuration("restart-backoff.max"), c.getBoolean("events"));
    }
  }

  static Behavior<Command> create(Store store, SchedulerSettings settings, Clock clock) {
    return Behaviors.setup(context -> {
      // Who schedules, as kube-scheduler says it: the Lease kube-system/kube-scheduler.
      context.spawn(HolderLease.create(store, HolderLease.leader(context.getSystem(), "kube-scheduler"), clock), "leader-lease");
      return Behaviors.withTimers(timers -> new Running(context, timers, store, settings, clock).start());
    });
  }

  private static final class Running {
    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final Store store;
    private final SchedulerSettings settings;
    private final Clock clock;
    private final EventRecorder recorder;
    private final SchedulingAlgorithm algorithm = SchedulingAlgorithm.defaults();
    private final Preemption preemption = new Preemption(algorithm.filters());
    /** Pods that preempted others, by key: the node freed for them and the victims still to go. Their room there is kept for them. */
    private final Map<String, Nomination> nominated = new HashMap<>();
    private final SchedulerCache cache = new SchedulerCache();
    private final SchedulerVolumes volumes = new SchedulerVolumes();
    /** The storage kinds whose informers have listed once. */
    private final java.util.Set<String> storageSynced = new java.util.HashSet<>();
    private final SchedulingQueue queue;
    /** The FailedScheduling message last written for a pod, so an unchanged one is not written again. */
    private final Map<String, String> reported = new HashMap<>();
    private int inFlight;
    private int rotation;
    private boolean podsSynced;
    private boolean nodesSynced;

    Running(ActorContext<Command> context, TimerScheduler<Command> timers, Store store, SchedulerSettings settings, Clock clock) {
      this.context = context;
      this.timers = timers;
      this.store = store;
      this.settings = settings;
      this.clock = clock;
      this.recorder = settings.events() ? new EventRecorder(store, NAME, null, clock) : null;
      this.queue = new SchedulingQueue(settings.initialBackoff(), settings.maxBackoff());
    }

    Behavior<Command> start() {
      ActorRef<Command> self = context.getSelf();
      ActorRef<Informer.Event> pods = context.spawn(Informer.relay(self, PodEvent::new), "pod-events");
      ActorRef<Informer.Event> nodeEvents = context.spawn(Informer.relay(self, NodeEvent::new), "node-events");
      context.spawn(Informer.create(store, store.registry().of(Pod.class), ObjectFilter.ALL, pods, settings.relistDelay()), "pods");
      context.spawn(Informer.create(store, store.registry().of(Node.class), ObjectFilter.ALL, nodeEvents, settings.relistDelay()), "nodes");
      for (String resource : STORAGE) {
        ActorRef<Informer.Event> events = context.spawn(Informer.relay(self, event -> new StorageEvent(resource, event)), resource + "-events");
        context.spawn(Informer.create(store, store.registry().byResource(resource).orElseThrow(), ObjectFilter.ALL, events, settings.relistDelay()),
            resource);
      }
      timers.startTimerWithFixedDelay(new RetryUnschedulable(), settings.backoffCheckInterval());
      context.getLog().info("scheduler started");
      return Behaviors.receive(Command.class)
          .onMessage(PodEvent.class, event -> onPodEvent(event.event()))
          .onMessage(NodeEvent.class, event -> onNodeEvent(event.event()))
          .onMessage(StorageEvent.class, this::onStorageEvent)
          .onMessage(ScheduleSome.class, some -> scheduleSome())
          .onMessage(Bound.class, this::onBound)
          .onMessage(RetryUnschedulable.class, retry -> {
            queue.flushBackoffCompleted(clock.instant());
            return wake();
          })
          .build();
    }

    // ---- the cluster as seen ----

    private Behavior<Command> onPodEvent(Informer.Event event) {
      if (event instanceof Informer.Upserted upserted) {
        readable("pod", upserted.object(), this::podChanged);
      } else if (event instanceof Informer.Deleted deleted) {
        podGone(key(deleted.object()));
        // Room was freed: what did not fit may fit now.
        queue.moveAllToActive();
      } else if (event instanceof Informer.Synced synced) {
        podsSynced = true;
        synced.objects().forEach(object -> readable("pod", object, this::podChanged));
      }
      return wake();
    }

    private void podChanged(ObjectNode object) {
      String key = key(object);
      String nodeName = object.path("spec").path("nodeName").asText("");
      boolean finished = PodPhase.of(object).terminal();
      if (!nodeName.isEmpty()) {
        nominated.remove(key);
        queue.forget(key);
        reported.remove(key);
        if (finished) {
          podGone(key);
          queue.moveAllToActive();
          return;
        }
        if (!cache.confirm(key, nodeName)) {
          cache.bound(PodInfo.of(object), nodeName);
        }
        return;
      }
      String scheduler = object.path("spec").path("schedulerName").asText(NAME);
      if (finished || object.path("metadata").hasNonNull("deletionTimestamp") || !scheduler.equals(NAME) || cache.isPlaced(key)) {
        if (!cache.isPlaced(key)) {
          queue.forget(key);
        }
        return;
      }
      // A pod waiting out its back-off keeps it; the changed version is what is tried next.
      queue.upsert(PodInfo.of(object));
    }

    /**
     * Hands {@code object} on; one that cannot be read (stored before its fields were type-checked)
     * is reported and skipped, so it cannot stop the scheduling of every other pod.
     */
    private void readable(String what, ObjectNode object, java.util.function.Consumer<ObjectNode> then) {
      try {
        then.accept(object);
      } catch (IllegalArgumentException e) {
        context.getLog().warn("scheduler: {} {} cannot be read and is skipped: {}", what, key(object), e.getMessage());
        if (recorder != null) {
          recorder.unreadable(object, "the scheduler cannot read this %s and skips it".formatted(what), e.getMessage());
        }
      }
    }

    private void podGone(String key) {
      nominated.remove(key);
      queue.forget(key);
      reported.remove(key);
      cache.remove(key);
    }

    private Behavior<Command> onNodeEvent(Informer.Event event) {
      if (event instanceof Informer.Upserted upserted) {
        readable("node", upserted.object(), this::nodeChanged);
      } else if (event instanceof Informer.Deleted deleted) {
        cache.removeNode(KubeJson.name(deleted.object()));
      } else if (event instanceof Informer.Synced synced) {
        nodesSynced = true;
        synced.objects().forEach(each -> readable("node", each, this::nodeChanged));
      }
      return wake();
    }

    private void nodeChanged(ObjectNode object) {
      if (cache.upsertNode(KubeJson.toTyped(object, Node.class))) {
        queue.moveAllToActive();
      }
    }

    private Behavior<Command> onStorageEvent(StorageEvent message) {
      Informer.Event event = message.event();
      if (event instanceof Informer.Upserted upserted) {
        readable(message.resource(), upserted.object(), object -> storage(message.resource(), object, false));
      } else if (event instanceof Informer.Deleted deleted) {
        storage(message.resource(), deleted.object(), true);
      } else if (event instanceof Informer.Synced synced) {
        storageSynced.add(message.resource());
        switch (message.resource()) {
          case "persistentvolumeclaims" -> volumes.replaceClaims(List.of());
          case "persistentvolumes" -> volumes.replaceVolumes(List.of());
          default -> volumes.replaceClasses(List.of());
        }
        synced.objects().forEach(object -> readable(message.resource(), object, each -> storage(message.resource(), each, false)));
      }
      // A claim bound, a volume made: a pod waiting on them may fit now.
      queue.moveAllToActive();
      return wake();
    }

    private void storage(String resource, ObjectNode object, boolean deleted) {
      switch (resource) {
        case "persistentvolumeclaims" -> volumes.claim(object, deleted);
        case "persistentvolumes" -> volumes.volume(object, deleted);
        default -> volumes.storageClass(object, deleted);
      }
    }

    // ---- scheduling ----

    private Behavior<Command> wake() {
      if (podsSynced && nodesSynced && storageSynced.size() == STORAGE.size() && queue.hasActive() && !timers.isTimerActive("schedule")) {
        timers.startSingleTimer("schedule", new ScheduleSome(), Duration.ZERO);
      }
      return Behaviors.same();
    }

    /** Schedules up to a batch of pods, then lets other messages in before the next batch. */
    private Behavior<Command> scheduleSome() {
      int done = 0;
      while (done < settings.batch() && inFlight < settings.maxBindsInFlight()) {
        var next = queue.pop();
        if (next.isEmpty()) {
          break;
        }
        scheduleOne(next.get());
        done++;
      }
      return wake();
    }

    private void scheduleOne(PodInfo taken) {
      PodInfo pod = taken.withClaims(volumes.claimsOf(taken));
      List<NodeInfo> nodes = cache.nodes();
      if (nodes.isEmpty()) {
        markUnschedulable(pod, "0/0 nodes are available: no nodes registered.", null);
        return;
      }
      SchedulingAlgorithm.Decision decision = withNominationsOf(pod, () -> algorithm.schedule(pod, nodes, rotation));
      rotation = (rotation + decision.evaluated()) % nodes.size();
      if (decision.node() == null) {
        markUnschedulable(pod, decision.message(), preempt(pod, nodes));
        return;
      }
      nominated.remove(pod.key());
      String node = decision.node();
      cache.assume(pod, node);
      inFlight++;
      context.getLog().debug("pod assumed pod={} node={}", pod.key(), node);
      // Through the binding subresource's own write, on the version decided on: a pod deleted and
      // created again under its name is not bound on this decision.
      // Claims that wait for their first consumer learn its node first, as Kubernetes' PreBind
      // records it: their volume is then bound or provisioned there.
      List<String> delayed = pod.claims().stream().filter(claim -> claim.state() == PodClaim.State.UNBOUND_DELAYED).map(PodClaim::name).toList();
      context.pipeToSelf(SelectedNode.record(store, pod.pod().getMetadata().getNamespace(), delayed, node)
              .thenCompose(selected -> PodBindings.bind(store, pod.object(), node, WriteOptions.DEFAULT)),
          (written, failure) -> new Bound(pod.key(), node, failure));
      if (recorder != null) {
        recorder.record(pod.pod(), null, EventRecorder.NORMAL, "Scheduled", "Successfully assigned %s to %s".formatted(pod.key(), node));
      }
    }

    private Behavior<Command> onBound(Bound bound) {
      inFlight--;
      if (bound.failure() != null) {
        Throwable cause = StoreException.cause(bound.failure());
        cache.forgetAssumed(bound.podKey(), bound.node());
        boolean gone = cause instanceof StoreException e && e.reason() == StoreError.Reason.NOT_FOUND;
        context.getLog().info("binding failed pod={} node={} error={}", bound.podKey(), bound.node(), cause.getMessage());
        if (!gone) {
          // Ask for the pod as it is now; still unbound, it is queued again.
          ObjectKey key = ObjectKey.fromIndexKey(PODS, bound.podKey());
          // The callback runs off the actor's thread: it touches no context, only the copied ref.
          ActorRef<Command> self = context.getSelf();
          store.get(Pod.class, key.namespace(), key.name())
              .thenAccept(pod -> self.tell(new PodEvent(new Informer.Upserted(KubeJson.toTree(pod)))));
        }
      }
      return wake();
    }

    /** A preemptor's nominated node and the victims it waits for. */
    private record Nomination(String node, PodInfo pod, List<String> victims) {}

    /**
     * Runs {@code decide} with the room of every other nominated pod of at least this pod's
     * priority counted on its nominated node, as kube-scheduler does: what a preemption freed is
     * not taken by a pod of lower priority meanwhile.
     */
    private <T> T withNominationsOf(PodInfo pod, java.util.function.Supplier<T> decide) {
      List<Runnable> undo = new ArrayList<>();
      for (Nomination nomination : nominated.values()) {
        String key = nomination.pod().key();
        if (!key.equals(pod.key()) && nomination.pod().priority() >= pod.priority()) {
          cache.node(nomination.node()).filter(info -> !info.has(key)).ifPresent(info -> {
            info.add(nomination.pod());
            undo.add(() -> info.remove(key));
          });
        }
      }
      try {
        return decide.get();
      } finally {
        undo.forEach(Runnable::run);
      }
    }

    /**
     * Kubernetes' PostFilter for a pod no node takes: evicts the lower-priority pods of the node
     * {@link Preemption} picks and nominates that node for the pod; answers the nominated node
     * (null if none). A pod whose earlier victims are still leaving waits for them.
     */
    private String preempt(PodInfo pod, List<NodeInfo> nodes) {
      Nomination earlier = nominated.get(pod.key());
      if (earlier != null && cache.node(earlier.node()).map(info -> earlier.victims().stream().anyMatch(info::has)).orElse(false)) {
        return earlier.node();
      }
      var candidate = withNominationsOf(pod, () -> preemption.find(pod, nodes));
      if (candidate.isEmpty()) {
        nominated.remove(pod.key());
        return null;
      }
      String node = candidate.get().node();
      List<String> victims = candidate.get().victims().stream().map(PodInfo::key).toList();
      nominated.put(pod.key(), new Nomination(node, pod, victims));
      context.getLog().info("pod preempts pod={} priority={} node={} victims={}", pod.key(), pod.priority(), node, victims);
      for (PodInfo victim : candidate.get().victims()) {
        if (recorder != null) {
          recorder.record(victim.pod(), null, EventRecorder.NORMAL, "Preempted", "Preempted by pod %s on node %s".formatted(pod.uid(), node));
        }
        Pod marked = KubeJson.toTyped(KubeJson.toTree(victim.pod()), Pod.class);
        marked.getMetadata().setResourceVersion(null);
        PodStatus status = marked.getStatus() == null ? new PodStatus() : marked.getStatus();
        List<PodCondition> conditions = new ArrayList<>(status.getConditions() == null ? List.of() : status.getConditions());
        conditions.removeIf(condition -> condition.getType().equals("DisruptionTarget"));
        conditions.add(new PodConditionBuilder().withType("DisruptionTarget").withStatus(PodConditions.TRUE).withReason("PreemptionByScheduler")
            .withMessage(NAME + ": preempting to accommodate a higher priority pod").withLastTransitionTime(KubeJson.timestamp(clock.instant())).build());
        status.setConditions(conditions);
        marked.setStatus(status);
        ObjectKey key = ObjectKey.fromIndexKey(PODS, victim.key());
        // The condition is best effort (the pod may be changing); the delete is what frees the room.
        store.updateStatus(marked).handle((written, failure) -> null)
            .thenCompose(done -> store.delete(Pod.class, key.namespace(), key.name(), io.dirigent.core.store.DeleteOptions.defaults()))
            .whenComplete((deleted, failure) -> {
              if (failure != null && !StoreException.is(failure, StoreError.Reason.NOT_FOUND)) {
                log.warn("preemption victim not deleted pod={} error={}", key, StoreException.cause(failure).getMessage());
              }
            });
      }
      return node;
    }

    private void markUnschedulable(PodInfo pod, String message, String nominatedNode) {
      queue.unschedulable(pod, clock.instant());
      String report = nominatedNode == null ? message : message + " nominated=" + nominatedNode;
      if (report.equals(reported.get(pod.key()))) {
        return;
      }
      reported.put(pod.key(), report);
      context.getLog().info("pod unschedulable pod={} reason=\"{}\"", pod.key(), message);
      if (recorder != null) {
        recorder.record(pod.pod(), null, EventRecorder.WARNING, "FailedScheduling", message);
      }
      Pod update = KubeJson.toTyped(KubeJson.toTree(pod.pod()), Pod.class);
      update.getMetadata().setResourceVersion(null);
      PodStatus status = update.getStatus() == null ? new PodStatus() : update.getStatus();
      List<PodCondition> conditions = new ArrayList<>(status.getConditions() == null ? List.of() : status.getConditions());
      conditions.removeIf(condition -> condition.getType().equals(PodConditions.SCHEDULED));
      conditions.add(new PodConditionBuilder().withType(PodConditions.SCHEDULED).withStatus(PodConditions.FALSE).withReason(PodConditions.UNSCHEDULABLE)
          .withMessage(message).withLastTransitionTime(KubeJson.timestamp(clock.instant())).build());
      status.setConditions(conditions);
      if (status.getPhase() == null) {
        status.setPhase(PodPhase.PENDING.value());
      }
      status.setNominatedNodeName(nominatedNode);
      update.setStatus(status);
      store.updateStatus(update);
    }

    private static String key(ObjectNode object) {
      return KubeJson.namespace(object) + "/" + KubeJson.name(object);
    }
  }
}
