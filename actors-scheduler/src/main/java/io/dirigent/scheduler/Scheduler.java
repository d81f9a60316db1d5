package io.dirigent.scheduler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.auth.Caller;
import io.dirigent.core.auth.Callers;
import io.dirigent.core.events.EventRecorder;
import io.dirigent.core.informer.Informer;
import io.dirigent.core.store.ObjectFilter;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
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
 * keeps unbound pods in a queue (higher {@code spec.priority} first, then oldest), and for each
 * picks a node ({@link SchedulingAlgorithm}) and binds the pod to it: an update of the version it
 * saw, so of two binds only one can win. A pod is <em>assumed</em> on its node from the decision
 * until the binding is seen (or fails), so the next decisions already count it and no node is
 * over-committed. A pod that fits nowhere gets PodScheduled=False and a FailedScheduling event
 * with the per-reason counts, and is retried with back-off — at once when a node or pod change
 * could make it fit.
 */
public final class Scheduler {

  public static final String NAME = "default-scheduler";

  public sealed interface Command {}

  private record PodEvent(Informer.Event event) implements Command {}

  private record NodeEvent(Informer.Event event) implements Command {}

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
                .onFailure(SupervisorStrategy.restartWithBackoff(
                Duration.ofMillis(200), Duration.ofSeconds(5), 0.2)),
            "scheduler")
        .withSettings(ClusterSingletonSettings.create(system).withRole(settings.role())));
  }

  /** The scheduler's settings, from {@code dirigent.scheduler}. */
  public record SchedulerSettings(String role, int batch, int maxBindsInFlight, Duration initialBackoff, Duration maxBackoff, boolean events) {
    static SchedulerSettings from(Config config) {
      Config c = config.getConfig("dirigent.scheduler");
      return new SchedulerSettings(c.getString("role"), c.getInt("batch"), c.getInt("max-binds-in-flight"),
          c.getDuration("initial-backoff"), c.getDuration("max-backoff"), c.getBoolean("events"));
    }
  }

  static Behavior<Command> create(Store store, SchedulerSettings settings, Clock clock) {
    return Behaviors.setup(context -> {
      // Who schedules, as kube-scheduler says it: the Lease kube-system/kube-scheduler.
      context.spawn(HolderLease.create(store, HolderLease.leader(context.getSystem(), "kube-scheduler"), clock), "leader-lease");
      return Behaviors.withTimers(timers -> new Running(context, timers, store, settings, clock).start());
    });
  }

  /** A pod waiting to be scheduled; {@code order} keeps equal priorities first come, first served. */
  private record Queued(PodInfo pod, long order) {}


  private static final class Running {
    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final Store store;
    private final ResourceType podType;
    private final SchedulerSettings settings;
    private final Clock clock;
    private final EventRecorder recorder;
    private final SchedulingAlgorithm algorithm = SchedulingAlgorithm.defaults();
    private final Map<String, NodeInfo> nodes = new HashMap<>();
    private final List<NodeInfo> nodeList = new ArrayList<>();
    /** Where each bound or assumed pod is, and what it takes there. */
    private final Map<String, String> placed = new HashMap<>();
    private final Map<String, PodInfo> placedPods = new HashMap<>();
    /** The back-off each pod that did not fit has reached; forgotten once it is placed. */
    private final Map<String, Duration> backoffs = new HashMap<>();
    private final Map<String, PodInfo> waiting = new HashMap<>();
    private final PriorityQueue<Queued> active = new PriorityQueue<>(
        Comparator.comparingInt((Queued q) -> -q.pod().priority()).thenComparingLong(Queued::order));
    /** Pods that fit nowhere, with when to try them again. */
    private final Map<String, Instant> unschedulable = new HashMap<>();
    /** The FailedScheduling message last written for a pod, so an unchanged one is not written again. */
    private final Map<String, String> reported = new HashMap<>();
    private int inFlight;
    private long order;
    private int rotation;
    private boolean podsSynced;
    private boolean nodesSynced;

    Running(ActorContext<Command> context, TimerScheduler<Command> timers, Store store, SchedulerSettings settings, Clock clock) {
      this.context = context;
      this.timers = timers;
      this.store = store;
      this.podType = store.registry().of(Pod.class);
      this.settings = settings;
      this.clock = clock;
      this.recorder = settings.events() ? new EventRecorder(store, NAME, null, clock) : null;
    }

    Behavior<Command> start() {
      ActorRef<Command> self = context.getSelf();
      ActorRef<Informer.Event> pods = context.spawn(Informer.relay(self, PodEvent::new), "pod-events");
      ActorRef<Informer.Event> nodeEvents = context.spawn(Informer.relay(self, NodeEvent::new), "node-events");
      context.spawn(Informer.create(store, store.registry().of(Pod.class), ObjectFilter.ALL, pods, Duration.ofSeconds(1)), "pods");
      context.spawn(Informer.create(store, store.registry().of(Node.class), ObjectFilter.ALL, nodeEvents, Duration.ofSeconds(1)), "nodes");
      timers.startTimerWithFixedDelay(new RetryUnschedulable(), Duration.ofMillis(500));
      context.getLog().info("scheduler started");
      return Behaviors.receive(Command.class)
          .onMessage(PodEvent.class, event -> onPodEvent(event.event()))
          .onMessage(NodeEvent.class, event -> onNodeEvent(event.event()))
          .onMessage(ScheduleSome.class, some -> scheduleSome())
          .onMessage(Bound.class, this::onBound)
          .onMessage(RetryUnschedulable.class, retry -> retryDue())
          .build();
    }

    // ---- the cluster as seen ----

    private Behavior<Command> onPodEvent(Informer.Event event) {
      if (event instanceof Informer.Upserted upserted) {
        readable("pod", upserted.object(), this::podChanged);
      } else if (event instanceof Informer.Deleted deleted) {
        podGone(key(deleted.object()));
        // Room was freed: what did not fit may fit now.
        moveAllToActive();
      } else if (event instanceof Informer.Synced synced) {
        podsSynced = true;
        synced.objects().forEach(object -> readable("pod", object, this::podChanged));
      }
      return wake();
    }

    private void podChanged(ObjectNode object) {
      String key = key(object);
      String nodeName = object.path("spec").path("nodeName").asText("");
      String phase = object.path("status").path("phase").asText("");
      boolean finished = phase.equals("Succeeded") || phase.equals("Failed");
      if (!nodeName.isEmpty()) {
        waiting.remove(key);
        unschedulable.remove(key);
        reported.remove(key);
        if (finished) {
          podGone(key);
          moveAllToActive();
          return;
        }
        String before = placed.get(key);
        if (nodeName.equals(before) && placedPods.containsKey(key)) {
          // Already counted there (assumed, or seen bound): a status write changes nothing it takes.
          return;
        }
        if (before != null && !before.equals(nodeName)) {
          nodeOf(before).ifPresent(node -> node.remove(key));
        }
        placed.put(key, nodeName);
        backoffs.remove(key);
        PodInfo pod = PodInfo.of(object);
        placedPods.put(key, pod);
        NodeInfo node = nodes.get(nodeName);
        if (node != null) {
          node.add(pod);
        }
        return;
      }
      String scheduler = object.path("spec").path("schedulerName").asText(NAME);
      if (finished || object.path("metadata").hasNonNull("deletionTimestamp") || !scheduler.equals(NAME) || placed.containsKey(key)) {
        if (!placed.containsKey(key)) {
          waiting.remove(key);
          unschedulable.remove(key);
        }
        return;
      }
      PodInfo pod = PodInfo.of(object);
      boolean known = waiting.containsKey(key);
      waiting.put(key, pod);
      // A pod waiting out its back-off keeps it; the changed version is what is tried next.
      if (!known && !unschedulable.containsKey(key)) {
        active.add(new Queued(pod, order++));
      }
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
      waiting.remove(key);
      unschedulable.remove(key);
      reported.remove(key);
      backoffs.remove(key);
      placedPods.remove(key);
      String node = placed.remove(key);
      if (node != null) {
        nodeOf(node).ifPresent(info -> info.remove(key));
      }
    }

    private Behavior<Command> onNodeEvent(Informer.Event event) {
      if (event instanceof Informer.Upserted upserted) {
        readable("node", upserted.object(), object -> nodeChanged(KubeJson.toTyped(object, Node.class)));
      } else if (event instanceof Informer.Deleted deleted) {
        NodeInfo gone = nodes.remove(KubeJson.name(deleted.object()));
        nodeList.remove(gone);
      } else if (event instanceof Informer.Synced synced) {
        nodesSynced = true;
        synced.objects().forEach(each -> readable("node", each, object -> nodeChanged(KubeJson.toTyped(object, Node.class))));
      }
      return wake();
    }

    private void nodeChanged(Node node) {
      NodeInfo info = nodes.get(node.getMetadata().getName());
      if (info == null) {
        info = new NodeInfo(node);
        nodes.put(info.name(), info);
        nodeList.add(info);
        // Pods bound to it before it was seen count on it from now on.
        for (var entry : placed.entrySet()) {
          if (entry.getValue().equals(info.name()) && placedPods.containsKey(entry.getKey())) {
            info.add(placedPods.get(entry.getKey()));
          }
        }
        moveAllToActive();
        return;
      }
      boolean couldHelp = becameFriendlier(info.node(), node);
      info.update(node);
      if (couldHelp) {
        moveAllToActive();
      }
    }

    /** Whether a node change could let a pod fit that did not: more room, fewer taints, Ready, uncordoned, new labels. */
    private static boolean becameFriendlier(Node before, Node after) {
      return !java.util.Objects.equals(before.getMetadata().getLabels(), after.getMetadata().getLabels())
          || !java.util.Objects.equals(before.getSpec(), after.getSpec())
          || !java.util.Objects.equals(before.getStatus() == null ? null : before.getStatus().getAllocatable(),
              after.getStatus() == null ? null : after.getStatus().getAllocatable())
          || ready(before) != ready(after);
    }

    private static boolean ready(Node node) {
      return node.getStatus() != null && node.getStatus().getConditions() != null && node.getStatus().getConditions().stream()
          .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
    }

    private java.util.Optional<NodeInfo> nodeOf(String name) {
      return java.util.Optional.ofNullable(nodes.get(name));
    }

    // ---- scheduling ----

    private Behavior<Command> wake() {
      if (podsSynced && nodesSynced && !active.isEmpty() && !timers.isTimerActive("schedule")) {
        timers.startSingleTimer("schedule", new ScheduleSome(), Duration.ZERO);
      }
      return Behaviors.same();
    }

    /** Schedules up to a batch of pods, then lets other messages in before the next batch. */
    private Behavior<Command> scheduleSome() {
      int done = 0;
      while (done < settings.batch() && inFlight < settings.maxBindsInFlight() && !active.isEmpty()) {
        Queued next = active.poll();
        PodInfo pod = waiting.get(next.pod().key());
        if (pod == null || placed.containsKey(pod.key()) || unschedulable.containsKey(pod.key())) {
          continue;
        }
        scheduleOne(pod);
        done++;
      }
      return wake();
    }

    private void scheduleOne(PodInfo pod) {
      if (nodeList.isEmpty()) {
        markUnschedulable(pod, "0/0 nodes are available: no nodes registered.");
        return;
      }
      SchedulingAlgorithm.Decision decision = algorithm.schedule(pod, nodeList, rotation);
      rotation = (rotation + decision.evaluated()) % nodeList.size();
      if (decision.node() == null) {
        markUnschedulable(pod, decision.message());
        return;
      }
      NodeInfo node = nodes.get(decision.node());
      node.add(pod);
      placed.put(pod.key(), node.name());
      placedPods.put(pod.key(), pod);
      waiting.remove(pod.key());
      inFlight++;
      ObjectNode bound = pod.object().deepCopy();
      ((ObjectNode) bound.path("spec")).put("nodeName", node.name());
      // The version the decision was made on is a precondition: a pod changed meanwhile is not bound blindly.
      context.pipeToSelf(store.update(podType, KubeJson.namespace(bound), bound, WriteOptions.DEFAULT),
          (written, failure) -> new Bound(pod.key(), node.name(), failure));
      if (recorder != null) {
        recorder.record(pod.pod(), null, EventRecorder.NORMAL, "Scheduled",
            "Successfully assigned %s to %s".formatted(pod.key(), node.name()));
      }
    }

    private Behavior<Command> onBound(Bound bound) {
      inFlight--;
      if (bound.failure() != null) {
        Throwable cause = StoreException.cause(bound.failure());
        String assumed = placed.get(bound.podKey());
        if (bound.node().equals(assumed)) {
          placed.remove(bound.podKey());
          placedPods.remove(bound.podKey());
          nodeOf(bound.node()).ifPresent(node -> node.remove(bound.podKey()));
        }
        boolean gone = cause instanceof StoreException e && e.reason() == StoreError.Reason.NOT_FOUND;
        context.getLog().info("binding failed pod={} node={} error={}", bound.podKey(), bound.node(), cause.getMessage());
        if (!gone) {
          // Ask for the pod as it is now; the informer's next event requeues it if still unbound.
          store.get(Pod.class, namespaceOf(bound.podKey()), nameOf(bound.podKey()))
              .thenAccept(pod -> context.getSelf().tell(new PodEvent(new Informer.Upserted(KubeJson.toTree(pod)))));
        }
      }
      return wake();
    }

    private void markUnschedulable(PodInfo pod, String message) {
      Duration last = backoffs.get(pod.key());
      Duration backoff = last == null ? settings.initialBackoff() : min(last.multipliedBy(2), settings.maxBackoff());
      backoffs.put(pod.key(), backoff);
      unschedulable.put(pod.key(), clock.instant().plus(backoff));
      if (message.equals(reported.get(pod.key()))) {
        return;
      }
      reported.put(pod.key(), message);
      context.getLog().info("pod unschedulable pod={} reason=\"{}\"", pod.key(), message);
      if (recorder != null) {
        recorder.record(pod.pod(), null, EventRecorder.WARNING, "FailedScheduling", message);
      }
      Pod update = KubeJson.toTyped(KubeJson.toTree(pod.pod()), Pod.class);
      update.getMetadata().setResourceVersion(null);
      PodStatus status = update.getStatus() == null ? new PodStatus() : update.getStatus();
      List<PodCondition> conditions = new ArrayList<>(status.getConditions() == null ? List.of() : status.getConditions());
      conditions.removeIf(condition -> condition.getType().equals("PodScheduled"));
      conditions.add(new PodConditionBuilder().withType("PodScheduled").withStatus("False").withReason("Unschedulable")
          .withMessage(message).withLastTransitionTime(KubeJson.timestamp(clock.instant())).build());
      status.setConditions(conditions);
      if (status.getPhase() == null) {
        status.setPhase("Pending");
      }
      update.setStatus(status);
      store.updateStatus(update);
    }

    private static Duration min(Duration a, Duration b) {
      return a.compareTo(b) <= 0 ? a : b;
    }

    /** Unschedulable pods whose back-off has passed go back to the queue. */
    private Behavior<Command> retryDue() {
      Instant now = clock.instant();
      for (var entry : new ArrayList<>(unschedulable.entrySet())) {
        if (!entry.getValue().isAfter(now)) {
          activate(entry.getKey());
        }
      }
      return wake();
    }

    private void moveAllToActive() {
      for (String key : new ArrayList<>(unschedulable.keySet())) {
        activate(key);
      }
    }

    /** Back to the queue; the back-off it has earned stays for if it does not fit again. */
    private void activate(String key) {
      unschedulable.remove(key);
      PodInfo pod = waiting.get(key);
      if (pod != null) {
        active.add(new Queued(pod, order++));
      }
    }

    private static String key(ObjectNode object) {
      return KubeJson.namespace(object) + "/" + KubeJson.name(object);
    }

    private static String namespaceOf(String key) {
      return key.substring(0, key.indexOf('/'));
    }

    private static String nameOf(String key) {
      return key.substring(key.indexOf('/') + 1);
    }
  }
}
