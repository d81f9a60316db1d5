package io.dirigent.node.network;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import io.dirigent.core.LocalOnly;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.informer.Informer;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.Store;
import io.fabric8.kubernetes.api.model.Node;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * A host's part of the cluster's pod network — flanneld's role. It follows every Node and,
 * whenever one changes (coalesced over {@code minSyncInterval}), plans on its own thread
 * ({@link NetworkPlan}) and applies the plan off it ({@link HostNetwork}), one apply at a time; a
 * failed apply is retried, and the whole is applied again every {@code resyncInterval} (the
 * engine may have rewritten the packet filter). {@code ready} is told the engine network's name
 * after each apply (on the actor's thread), for the node's pod sandboxes to join.
 */
public final class PodNetwork {

  /** Local: it works on its own host, told by its informer, its timer and its own member. */
  public sealed interface Command extends LocalOnly {}

  private record NodeEvent(Informer.Event event) implements Command {}

  private record Sync() implements Command {}

  private record Applied(NetworkPlan plan, HostNetwork.Outcome outcome, Throwable failure) implements Command {}

  public record Stop() implements Command {}

  private PodNetwork() {}

  /**
   * When the pod network acts, from {@code dirigent.network} (and the proxy's min-sync-interval,
   * the node's relist delay).
   *
   * @param minSyncInterval changes within this long are applied in one go
   * @param resyncInterval the whole is applied again this often
   * @param retryInterval an apply that failed is tried again after this
   * @param partialRetryInterval an apply that left something out (one peer's route, say) is tried again after this
   * @param relistDelay the pause before its Node informer lists again after its watch ended
   */
  public record Timing(Duration minSyncInterval, Duration resyncInterval, Duration retryInterval, Duration partialRetryInterval,
      Duration relistDelay) {
    public static Timing from(Config config) {
      Config network = config.getConfig("dirigent.network");
      return new Timing(config.getDuration("dirigent.proxy.min-sync-interval"), network.getDuration("resync-interval"),
          network.getDuration("retry-interval"), network.getDuration("partial-retry-interval"), config.getDuration("dirigent.node.relist-delay"));
    }
  }

  /**
   * @param store read as the node: it may list and watch Nodes
   * @param node this node's name
   * @param address this node's InternalIP
   */
  public static Behavior<Command> create(Store store, String node, String address, NetworkSettings settings, HostNetwork host,
      Executor blocking, Timing timing, java.util.function.Consumer<String> ready) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new Running(context, timers, store, node, address, settings, host, blocking, timing, ready).start()));
  }

  private static final class Running {
    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final Store store;
    private final String node;
    private final String address;
    private final NetworkSettings settings;
    private final HostNetwork host;
    private final Executor blocking;
    private final Timing timing;
    private final java.util.function.Consumer<String> ready;
    private final Map<String, Node> nodes = new HashMap<>();
    /** What was said about unusable nodes: each problem is logged once, not at every sync. */
    private final Set<String> reported = new HashSet<>();
    private boolean listed;
    private boolean applying;
    private boolean dirty;
    private NetworkPlan applied;
    /** The last plan the log told of. */
    private NetworkPlan logged;

    Running(ActorContext<Command> context, TimerScheduler<Command> timers, Store store, String node, String address, NetworkSettings settings,
        HostNetwork host, Executor blocking, Timing timing, java.util.function.Consumer<String> ready) {
      this.context = context;
      this.timers = timers;
      this.store = store;
      this.node = node;
      this.address = address;
      this.settings = settings;
      this.host = host;
      this.blocking = blocking;
      this.timing = timing;
      this.ready = ready;
    }

    Behavior<Command> start() {
      ActorRef<Informer.Event> events = context.messageAdapter(Informer.Event.class, NodeEvent::new);
      context.spawn(Informer.create(store, store.registry().of(Node.class), ObjectFilter.ALL, events, timing.relistDelay()), "nodes");
      timers.startTimerWithFixedDelay("resync", new Sync(), timing.resyncInterval());
      return Behaviors.receive(Command.class)
          .onMessage(NodeEvent.class, this::onNodeEvent)
          .onMessage(Sync.class, sync -> sync(true))
          .onMessage(Applied.class, this::onApplied)
          .onMessage(Stop.class, stop -> Behaviors.stopped())
          .build();
    }

    private Behavior<Command> onNodeEvent(NodeEvent message) {
      Informer.Event event = message.event();
      if (event instanceof Informer.Upserted upserted) {
        put(upserted.object());
      } else if (event instanceof Informer.Deleted deleted) {
        nodes.remove(KubeJson.name(deleted.object()));
      } else if (event instanceof Informer.Synced synced) {
        nodes.clear();
        synced.objects().forEach(this::put);
        listed = true;
      }
      return sync(false);
    }

    /** Keeps the Node if it can be read as one; one that cannot is left out (and said so once). */
    private void put(ObjectNode object) {
      try {
        nodes.put(KubeJson.name(object), KubeJson.toTyped(object, Node.class));
      } catch (IllegalArgumentException e) {
        nodes.remove(KubeJson.name(object));
        report("node %s cannot be read and is left out of the pod network: %s".formatted(KubeJson.name(object), e.getMessage()));
      }
    }

    private void report(String problem) {
      if (reported.size() > 1_000) {
        reported.clear();
      }
      if (reported.add(problem)) {
        context.getLog().warn("pod network: {}", problem);
      }
    }

    /** Applies the plan now or soon: at once when idle, after {@code minSyncInterval} while an apply runs. */
    private Behavior<Command> sync(boolean always) {
      if (!listed) {
        return Behaviors.same();
      }
      dirty = true;
      if (applying) {
        if (!timers.isTimerActive("sync")) {
          timers.startSingleTimer("sync", new Sync(), timing.minSyncInterval());
        }
        return Behaviors.same();
      }
      List<String> problems = new ArrayList<>();
      NetworkPlan plan = NetworkPlan.of(node, address, settings.cluster(), List.copyOf(nodes.values()), problems::add);
      problems.forEach(this::report);
      if (plan.own().isEmpty() || !always && plan.equals(applied)) {
        dirty = false;
        return Behaviors.same();
      }
      applying = true;
      dirty = false;
      context.pipeToSelf(CompletableFuture.supplyAsync(() -> {
        try {
          return host.apply(plan);
        } catch (Exception e) {
          throw new CompletionException(e);
        }
      }, blocking), (outcome, failure) -> new Applied(plan, outcome, failure));
      return Behaviors.same();
    }

    private Behavior<Command> onApplied(Applied done) {
      applying = false;
      if (done.failure() != null) {
        Throwable cause = done.failure() instanceof CompletionException && done.failure().getCause() != null ? done.failure().getCause() : done.failure();
        context.getLog().warn("pod network not applied range={} peers={} error={}; retrying", done.plan().own().orElse(null),
            done.plan().peers().size(), cause.getMessage());
        applied = null;
        timers.startSingleTimer("sync", new Sync(), timing.retryInterval());
        return Behaviors.same();
      }
      if (!done.plan().equals(logged)) {
        logged = done.plan();
        context.getLog().info("pod network applied node={} range={} mode={} peers={}", node, done.plan().own().orElseThrow(),
            settings.mode(), done.plan().peers().stream().map(peer -> peer.node() + "=" + peer.range() + "@" + peer.address()).toList());
      }
      // The node's own network is in place: its pods may start, whatever else did not work out.
      ready.accept(done.outcome().network());
      done.outcome().problems().forEach(problem -> report("not applied: " + problem));
      if (done.outcome().problems().isEmpty()) {
        applied = done.plan();
      } else {
        applied = null;
        if (!timers.isTimerActive("sync")) {
          timers.startSingleTimer("sync", new Sync(), dirty ? timing.minSyncInterval() : timing.partialRetryInterval());
        }
        return Behaviors.same();
      }
      if (dirty && !timers.isTimerActive("sync")) {
        timers.startSingleTimer("sync", new Sync(), timing.minSyncInterval());
      }
      return Behaviors.same();
    }
  }
}
