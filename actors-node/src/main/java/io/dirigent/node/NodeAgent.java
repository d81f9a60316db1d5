package io.dirigent.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.LocalOnly;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.informer.Informer;
import io.dirigent.core.node.PodLogs;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import io.dirigent.node.runtime.ContainerRuntime;
import io.dirigent.node.runtime.LogOptions;
import io.dirigent.node.runtime.RuntimeContainer;
import io.dirigent.node.runtime.RuntimeInfo;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.stream.javadsl.StreamRefs;
import org.apache.pekko.util.ByteString;

/**
 * The node agent of one node — the kubelet's role. It registers the Node with its capacity,
 * addresses and runtime, renews the node's Lease, reports the Node's conditions, hears of the
 * pods bound to it and runs one {@link PodWorker} per pod uid. On start it adopts the
 * containers it made before (their workers find them running) and, once it knows which pods
 * are bound to it, removes the containers of pods that are gone. It serves container logs to the
 * API server through {@link PodLogs}, and exec and port forwarding through {@link PodStreamsService}.
 *
 * <p>Pods reach the agent as {@link Informer} events: from an informer of its own on pods with
 * {@code spec.nodeName} = its name, or, for simulated nodes, from the one informer their host
 * shares ({@link SimulatedNodes}).
 */
public final class NodeAgent {

  /**
   * Local: its informer, its runtime and its own member tell it; other members reach it through
   * {@code PodLogs}, whose requests are serializable and adapted to {@code Logs} here.
   */
  public sealed interface Command extends LocalOnly {}

  /** A pod bound to this node changed, appeared or vanished. */
  public record PodEvent(Informer.Event event) implements Command {}

  private record Registered(Node node, RuntimeInfo runtime, Throwable failure) implements Command {}

  private record RenewLease() implements Command {}

  private record LeaseRenewed(Lease written, Throwable failure) implements Command {}

  private record ReportStatus() implements Command {}

  private record StatusReported(Node node, Throwable failure) implements Command {}

  private record Exited(ContainerRuntime.Exited exited) implements Command {}

  private record Orphans(List<RuntimeContainer> containers, Set<String> pods) implements Command {}

  private record WorkerStopped(String uid) implements Command {}

  private record Logs(PodLogs.Request request) implements Command {}

  private record LogsReady(PodLogs.Request request, PodLogs.Reply reply) implements Command {}

  /** Stops the agent and its pod workers; the pods' containers keep running, to be adopted. */
  public record Stop() implements Command {}

  /**
   * Stops the agent as a restart does: its Lease first says that it stopped on purpose, so the
   * node lifecycle controller expects it back and leaves its pods where they are for the restart
   * grace period. {@code replyTo} hears once the agent has stopped (the Lease written or not).
   */
  public record Retire(ActorRef<Done> replyTo) implements Command {}

  private record Retired(ActorRef<Done> replyTo, Throwable failure) implements Command {}

  private NodeAgent() {}

  /**
   * @param ownInformer whether the agent watches its pods itself; false when a host feeds it
   *     {@link PodEvent}s
   * @param simulated whether the node is simulated (its capacity is made up, not the host's)
   */
  static Behavior<Command> create(NodeAgentContext node, boolean ownInformer, boolean simulated) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> new Running(context, timers, node, ownInformer, simulated).start()));
  }

  private static final class Running {
    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final NodeAgentContext node;
    private final boolean ownInformer;
    private final boolean simulated;
    private final Map<String, ActorRef<PodWorker.Command>> workers = new HashMap<>();
    private RuntimeInfo runtimeInfo;
    private NodeStatus lastStatus;
    private Lease lease;
    private AutoCloseable exits;
    private boolean cleanedUp;
    /** Pod events a host fed in before the node was registered; handled once it is. */
    private final List<PodEvent> early = new java.util.ArrayList<>();

    Running(ActorContext<Command> context, TimerScheduler<Command> timers, NodeAgentContext node, boolean ownInformer, boolean simulated) {
      this.context = context;
      this.timers = timers;
      this.node = node;
      this.ownInformer = ownInformer;
      this.simulated = simulated;
    }

    private String name() {
      return node.settings().name();
    }

    // ---- registration ----

    /**
     * Registers at once, or — for simulated nodes, which start by the hundred — after a random
     * delay within the register spread, so their writes spread out rather than arrive together.
     */
    Behavior<Command> start() {
      if (!simulated) {
        return register();
      }
      long spread = node.settings().registerSpread().toMillis();
      timers.startSingleTimer("register", new RenewLease(), Duration.ofMillis(java.util.concurrent.ThreadLocalRandom.current().nextLong(spread + 1)));
      return waitingToRegister();
    }

    /** Before the Node is registered: registration's answer or its retry; pod events are kept for after. */
    private Behavior<Command> waitingToRegister() {
      return Behaviors.receive(Command.class)
          .onMessage(Registered.class, this::onRegistered)
          .onMessage(RenewLease.class, retry -> register())
          .onMessage(Stop.class, stop -> Behaviors.stopped())
          .onMessage(Retire.class, retire -> {
            // Never registered, so nothing to say: it just stops.
            retire.replyTo().tell(Done.getInstance());
            return Behaviors.stopped();
          })
          .onMessage(PodEvent.class, event -> {
            early.add(event);
            return Behaviors.same();
          })
          .onMessage(Logs.class, logs -> {
            logs.request().replyTo().tell(new PodLogs.Failed(503, "node %s is starting".formatted(name())));
            return Behaviors.same();
          })
          .onAnyMessage(other -> Behaviors.same())
          .build();
    }

    Behavior<Command> register() {
      // Off this actor's thread: nothing of it is read there (the host is read on the blocking executor).
      NodeAgentContext node = this.node;
      boolean simulated = this.simulated;
      CompletionStage<Host> host = CompletableFuture.supplyAsync(() -> Host.read(node, simulated), node.blocking());
      CompletionStage<Registered> registered = host.thenCombine(node.runtime().info(), Map::entry).thenCompose(found -> {
        RuntimeInfo info = found.getValue();
        Host now = found.getKey();
        Node wanted = NodeObjects.node(node.settings(), info, now.capacity(), now.health(), simulated, null, node.clock().instant());
        return node.store().create(wanted).handle((created, failure) -> {
          if (failure == null) {
            return CompletableFuture.completedFuture(created);
          }
          Throwable cause = Failures.cause(failure);
          if (cause instanceof StoreException e && e.reason() == StoreError.Reason.ALREADY_EXISTS) {
            // Registered before (this agent restarted): keep the spec (cordon, taints), report anew.
            return node.store().get(Node.class, null, name()).thenCompose(existing -> {
              existing.getMetadata().setResourceVersion(null);
              existing.setStatus(NodeObjects.status(node.settings(), info, now.capacity(), now.health(), existing.getStatus(), node.clock().instant()));
              return node.store().updateStatus(existing);
            });
          }
          return CompletableFuture.<Node>failedFuture(cause);
        }).thenCompose(stage -> stage).thenApply(done -> new Registered(done, info, null));
      });
      context.pipeToSelf(registered, (done, failure) -> failure == null ? done : new Registered(null, null, failure));
      return waitingToRegister();
    }

    private Behavior<Command> onRegistered(Registered registered) {
      if (registered.failure() != null) {
        context.getLog().warn("node registration failed node={} error={}; retrying", name(), Failures.cause(registered.failure()).getMessage());
        timers.startSingleTimer("register", new RenewLease(), node.settings().registerRetryInterval());
        return waitingToRegister();
      }
      runtimeInfo = registered.runtime();
      lastStatus = registered.node().getStatus();
      context.getLog().info("node registered node={} runtime={}", name(), runtimeInfo.runtimeVersion());
      timers.startTimerWithFixedDelay("lease", new RenewLease(), Duration.ZERO, node.settings().leaseRenewInterval());
      timers.startTimerWithFixedDelay("status", new ReportStatus(), node.settings().statusUpdateInterval(), node.settings().statusUpdateInterval());
      ActorRef<Command> self = context.getSelf();
      exits = node.runtime().watchExits(name(), exited -> self.tell(new Exited(exited)));
      if (ownInformer) {
        ActorRef<Informer.Event> events = context.messageAdapter(Informer.Event.class, PodEvent::new);
        context.spawn(Informer.create(node.store(), node.store().registry().byResource("pods").orElseThrow(),
            new ObjectFilter(null, "", "spec.nodeName=" + name()), events, node.settings().relistDelay()), "pods");
      }
      if (node.settings().volumesDir() != null) {
        context.spawn(LocalVolumeReclaimer.create(node.store(), name(), node.settings().volumesDir(), node.blocking(), node.settings().relistDelay(),
            node.settings().writeRetryInterval()), "local-volumes");
      }
      ActorRef<PodLogs.Request> logs = context.messageAdapter(PodLogs.Request.class, Logs::new);
      context.getSystem().receptionist().tell(Receptionist.register(PodLogs.serviceKey(name()), logs));
      // A failure while opening one stream must not end the service for every later one.
      context.spawn(Behaviors.supervise(PodStreamsService.create(name(), node.runtime())).onFailure(SupervisorStrategy.restart()), "streams");
      early.forEach(this::onPodEvent);
      early.clear();
      return running();
    }

    private Behavior<Command> running() {
      return Behaviors.receive(Command.class)
          .onMessage(PodEvent.class, this::onPodEvent)
          .onMessage(RenewLease.class, this::onRenewLease)
          .onMessage(LeaseRenewed.class, this::onLeaseRenewed)
          .onMessage(ReportStatus.class, this::onReportStatus)
          .onMessage(StatusReported.class, this::onStatusReported)
          .onMessage(Exited.class, this::onExited)
          .onMessage(Orphans.class, this::onOrphans)
          .onMessage(WorkerStopped.class, stopped -> {
            workers.remove(stopped.uid());
            return Behaviors.same();
          })
          .onMessage(Logs.class, this::onLogs)
          .onMessage(LogsReady.class, ready -> {
            ready.request().replyTo().tell(ready.reply());
            return Behaviors.same();
          })
          .onMessage(Registered.class, ignored -> Behaviors.same())
          .onMessage(Stop.class, stop -> Behaviors.stopped())
          .onMessage(Retire.class, this::onRetire)
          .onSignal(PostStop.class, stopped -> {
            closeExits();
            return Behaviors.same();
          })
          .build();
    }

    // ---- pods ----

    private Behavior<Command> onPodEvent(PodEvent message) {
      Informer.Event event = message.event();
      if (event instanceof Informer.Upserted upserted) {
        upsert(upserted.object());
      } else if (event instanceof Informer.Deleted deleted) {
        ActorRef<PodWorker.Command> worker = workers.get(KubeJson.uid(deleted.object()));
        if (worker != null) {
          worker.tell(new PodWorker.Removed());
        }
      } else if (event instanceof Informer.Synced synced) {
        for (ObjectNode pod : synced.objects()) {
          upsert(pod);
        }
        if (!cleanedUp) {
          cleanedUp = true;
          Set<String> known = new HashSet<>();
          synced.objects().forEach(pod -> known.add(KubeJson.uid(pod)));
          context.pipeToSelf(node.runtime().containers(name()),
              (containers, failure) -> new Orphans(failure == null ? containers : List.of(), known));
        }
      }
      return Behaviors.same();
    }

    private void upsert(ObjectNode pod) {
      if (!name().equals(pod.path("spec").path("nodeName").asText())) {
        return;
      }
      String uid = KubeJson.uid(pod);
      ActorRef<PodWorker.Command> worker = workers.get(uid);
      if (worker == null) {
        worker = context.spawn(PodWorker.create(node, pod), "pod-" + uid);
        context.watchWith(worker, new WorkerStopped(uid));
        workers.put(uid, worker);
      } else {
        worker.tell(new PodWorker.Update(pod));
      }
    }

    private Behavior<Command> onExited(Exited exited) {
      ActorRef<PodWorker.Command> worker = workers.get(exited.exited().podUid());
      if (worker != null) {
        worker.tell(new PodWorker.ContainerExited(exited.exited().containerId()));
      }
      return Behaviors.same();
    }

    /**
     * Removes the containers of pods that are neither bound here nor being worked on: pods
     * deleted or moved while the agent was down. Only this node's containers are listed.
     */
    private Behavior<Command> onOrphans(Orphans orphans) {
      List<RuntimeContainer> stale = orphans.containers().stream()
          .filter(container -> !orphans.pods().contains(container.pod().podUid()) && !workers.containsKey(container.pod().podUid()))
          .toList();
      if (!stale.isEmpty()) {
        context.getLog().info("removing containers of pods no longer on this node node={} containers={}", name(), stale.size());
      }
      for (RuntimeContainer container : stale) {
        node.runtime().removeContainer(container.id());
        node.specs().removePodDirLater(container.pod().podUid(), node.blocking());
      }
      return Behaviors.same();
    }

    // ---- lease and status ----

    private Behavior<Command> onRenewLease(RenewLease renew) {
      context.pipeToSelf(writeLease(NodeObjects.lease(node.settings(), node.member(), node.clock().instant(), false)), LeaseRenewed::new);
      return Behaviors.same();
    }

    /** Writes the node's Lease: created when the agent has not written it yet (it may exist from before). */
    private CompletionStage<Lease> writeLease(Lease next) {
      return lease != null ? node.store().update(next) : node.store().create(next).exceptionallyCompose(failure -> {
        Throwable cause = Failures.cause(failure);
        if (cause instanceof StoreException e && e.reason() == StoreError.Reason.ALREADY_EXISTS) {
          return node.store().update(next);
        }
        return CompletableFuture.failedFuture(cause);
      });
    }

    private Behavior<Command> onLeaseRenewed(LeaseRenewed renewed) {
      if (renewed.failure() == null) {
        lease = renewed.written();
      } else {
        Throwable cause = Failures.cause(renewed.failure());
        if (cause instanceof StoreException e && e.reason() == StoreError.Reason.NOT_FOUND) {
          lease = null;
        }
        context.getLog().warn("lease not renewed node={} error={}", name(), cause.getMessage());
      }
      return Behaviors.same();
    }

    /** Says in the Lease that the agent stops on purpose, then stops; nothing else is taken on meanwhile. */
    private Behavior<Command> onRetire(Retire retire) {
      timers.cancelAll();
      CompletionStage<Lease> write = writeLease(NodeObjects.lease(node.settings(), node.member(), node.clock().instant(), true));
      context.pipeToSelf(write, (written, failure) -> new Retired(retire.replyTo(), failure));
      return Behaviors.receive(Command.class)
          .onMessage(Retired.class, retired -> {
            if (retired.failure() != null) {
              context.getLog().warn("node {} could not say it stops on purpose: {}", name(), Failures.cause(retired.failure()).getMessage());
            }
            retired.replyTo().tell(Done.getInstance());
            return Behaviors.stopped();
          })
          .onMessage(Stop.class, stop -> Behaviors.stopped())
          .onMessage(Logs.class, logs -> {
            logs.request().replyTo().tell(new PodLogs.Failed(503, "node %s is stopping".formatted(name())));
            return Behaviors.same();
          })
          .onAnyMessage(other -> Behaviors.same())
          .onSignal(PostStop.class, stopped -> {
            closeExits();
            return Behaviors.same();
          })
          .build();
    }

    private Behavior<Command> onReportStatus(ReportStatus report) {
      // Copied here, on this actor's thread; the host is read on the blocking executor.
      NodeAgentContext node = this.node;
      boolean simulated = this.simulated;
      RuntimeInfo info = runtimeInfo;
      NodeStatus previous = lastStatus;
      String name = name();
      CompletionStage<Node> write = CompletableFuture.supplyAsync(() -> Host.read(node, simulated), node.blocking())
          .thenCompose(now -> node.store().get(Node.class, null, name).thenCompose(current -> {
            current.getMetadata().setResourceVersion(null);
            current.setStatus(NodeObjects.status(node.settings(), info, now.capacity(), now.health(), previous, node.clock().instant()));
            return node.store().updateStatus(current);
          }));
      context.pipeToSelf(write, StatusReported::new);
      return Behaviors.same();
    }

    private Behavior<Command> onStatusReported(StatusReported reported) {
      if (reported.failure() == null) {
        lastStatus = reported.node().getStatus();
        return Behaviors.same();
      }
      Throwable cause = Failures.cause(reported.failure());
      if (cause instanceof StoreException e && e.reason() == StoreError.Reason.NOT_FOUND) {
        // Someone deleted the Node: register it again, as the kubelet does.
        context.getLog().info("node object was deleted; registering again node={}", name());
        timers.cancel("lease");
        timers.cancel("status");
        closeExits();
        return register();
      }
      context.getLog().warn("node status not reported node={} error={}", name(), cause.getMessage());
      return Behaviors.same();
    }


    // ---- logs ----

    private Behavior<Command> onLogs(Logs logs) {
      PodLogs.Request request = logs.request();
      CompletionStage<PodLogs.Reply> reply = node.runtime().podContainers(name(), request.uid()).thenApply(containers -> {
        PodObservation observed = new PodObservation(containers);
        String container = request.options().container();
        Optional<RuntimeContainer> instance = request.options().previous() ? observed.previous(container) : observed.latest(container);
        if (instance.isEmpty()) {
          return request.options().previous()
              ? new PodLogs.Failed(400, "previous terminated container \"%s\" in pod \"%s\" not found".formatted(container, request.pod()))
              : new PodLogs.Failed(400, "container \"%s\" in pod \"%s\" is waiting to start: ContainerCreating".formatted(container, request.pod()));
        }
        Long since = request.options().sinceSeconds() == null ? null : node.clock().instant().getEpochSecond() - request.options().sinceSeconds();
        var source = node.runtime().logs(instance.get().id(), new LogOptions(request.options().follow(), request.options().tailLines(), since,
            request.options().timestamps()));
        if (request.options().limitBytes() != null) {
          source = source.via(limitBytes(request.options().limitBytes()));
        }
        return new PodLogs.Streaming(source.runWith(StreamRefs.sourceRef(), context.getSystem()));
      });
      context.pipeToSelf(reply, (answer, failure) -> new LogsReady(request,
          failure == null ? answer : new PodLogs.Failed(500, "reading the log failed: " + Failures.cause(failure).getMessage())));
      return Behaviors.same();
    }

    private static org.apache.pekko.stream.javadsl.Flow<ByteString, ByteString, org.apache.pekko.NotUsed> limitBytes(long limit) {
      return org.apache.pekko.stream.javadsl.Flow.<ByteString>create()
          .statefulMap(() -> new long[] {0}, (sent, bytes) -> {
            long room = limit - sent[0];
            ByteString part = bytes.size() <= room ? bytes : bytes.take((int) Math.max(0, room));
            sent[0] += part.size();
            return org.apache.pekko.japi.Pair.create(sent, part);
          }, sent -> Optional.empty())
          .takeWhile(part -> !part.isEmpty());
    }

    private void closeExits() {
      if (exits != null) {
        try {
          exits.close();
        } catch (Exception ignored) {
          // the subscription is going away with the agent
        }
        exits = null;
      }
    }
  }

  /** What the node reports of its host: capacity and pressure, read from /proc and the data directory's disk (blocking). */
  private record Host(NodeObjects.Capacity capacity, NodeObjects.Health health) {
    static Host read(NodeAgentContext node, boolean simulated) {
      if (simulated) {
        return new Host(NodeObjects.Capacity.simulated(node.settings().maxPods()), NodeObjects.Health.GOOD);
      }
      HostResources host = HostResources.read(node.settings().podsDir());
      return new Host(NodeObjects.Capacity.of(host, node.settings().maxPods()), NodeObjects.Health.of(host));
    }
  }
}
