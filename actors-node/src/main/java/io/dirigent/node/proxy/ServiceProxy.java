package io.dirigent.node.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import io.dirigent.core.LocalOnly;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.events.EventRecorder;
import io.dirigent.core.informer.Informer;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.Store;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The host's service proxy — kube-proxy's role. It follows every Service and Endpoints object,
 * and whenever either changes (coalesced over {@code minSyncInterval}) hands the full desired
 * rule set to its {@link Proxier}, one sync at a time, off the actor's thread. A failed sync is
 * retried. Asked to {@link Stop}, it lets a sync under way finish and has the proxier remove its
 * rules (kube-proxy's {@code --cleanup}), then stops; an actor system that terminates without
 * asking it removes them as it goes.
 */
public final class ServiceProxy {

  /**
   * When the proxy acts, from {@code dirigent.proxy} (and the node's relist delay).
   *
   * @param minSyncInterval changes within this long are applied in one sync
   * @param retryInterval a sync that failed is tried again after this
   * @param relistDelay the pause before its informers list again after their watch ended
   */
  public record Timing(Duration minSyncInterval, Duration retryInterval, Duration relistDelay) {
    public static Timing from(Config config) {
      return new Timing(config.getDuration("dirigent.proxy.min-sync-interval"), config.getDuration("dirigent.proxy.retry-interval"),
          config.getDuration("dirigent.node.relist-delay"));
    }
  }

  /** Local: it works on its own host, told by its informers, its own rule syncs and its own member. */
  public sealed interface Command extends LocalOnly {}

  private record ServiceEvent(Informer.Event event) implements Command {}

  private record EndpointsEvent(Informer.Event event) implements Command {}

  private record Sync() implements Command {}

  private record Synced(int rules, Throwable failure) implements Command {}

  /**
   * Stops the proxy: a sync under way is let finish, then the proxier removes the rules from the
   * host, off the actor's thread; {@code replyTo} hears once they are gone (or failed to go).
   */
  public record Stop(ActorRef<Done> replyTo) implements Command {}

  private record RulesRemoved(Throwable failure) implements Command {}

  private ServiceProxy() {}

  /** @param recorder where objects the proxy cannot read are reported, or null */
  public static Behavior<Command> create(Store store, Proxier proxier, Executor blocking, Timing timing, EventRecorder recorder) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new Running(context, timers, store, proxier, blocking, timing, recorder).start()));
  }

  private static final class Running {
    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final Proxier proxier;
    private final Executor blocking;
    private final Timing timing;
    private final Store store;
    private final Map<String, ObjectNode> services = new HashMap<>();
    private final Map<String, ObjectNode> endpoints = new HashMap<>();
    private boolean syncing;
    private boolean dirty;
    private final EventRecorder recorder;
    /** The versions of unreadable objects reported already: each is reported once, not at every sync. */
    private final java.util.Set<String> reported = new java.util.HashSet<>();
    private boolean servicesSynced;
    private boolean endpointsSynced;

    Running(ActorContext<Command> context, TimerScheduler<Command> timers, Store store, Proxier proxier, Executor blocking,
        Timing timing, EventRecorder recorder) {
      this.context = context;
      this.recorder = recorder;
      this.timers = timers;
      this.store = store;
      this.proxier = proxier;
      this.blocking = blocking;
      this.timing = timing;
    }

    Behavior<Command> start() {
      // Two informers of the same event class: a message adapter per class would serve only one.
      ActorRef<Command> self = context.getSelf();
      ActorRef<Informer.Event> serviceEvents = context.spawn(Informer.relay(self, ServiceEvent::new), "service-events");
      ActorRef<Informer.Event> endpointEvents = context.spawn(Informer.relay(self, EndpointsEvent::new), "endpoints-events");
      context.spawn(Informer.create(store, store.registry().of(Service.class), ObjectFilter.ALL, serviceEvents, timing.relistDelay()), "services");
      context.spawn(Informer.create(store, store.registry().of(Endpoints.class), ObjectFilter.ALL, endpointEvents, timing.relistDelay()), "endpoints");
      return Behaviors.receive(Command.class)
          .onMessage(ServiceEvent.class, event -> {
            servicesSynced |= apply(services, event.event());
            return changed();
          })
          .onMessage(EndpointsEvent.class, event -> {
            endpointsSynced |= apply(endpoints, event.event());
            return changed();
          })
          .onMessage(Sync.class, sync -> sync())
          .onMessage(Synced.class, this::onSynced)
          .onMessage(Stop.class, this::onStop)
          .onSignal(PostStop.class, this::onPostStop)
          .build();
    }

    private boolean rulesRemoved;

    private Behavior<Command> onStop(Stop stop) {
      timers.cancelAll();
      List<ActorRef<Done>> waiting = new ArrayList<>(List.of(stop.replyTo()));
      if (!syncing) {
        removeRules();
      }
      // A sync under way finishes first: removing the rules beside it could leave half of them.
      return Behaviors.receive(Command.class)
          .onMessage(Stop.class, again -> {
            waiting.add(again.replyTo());
            return Behaviors.same();
          })
          .onMessage(Synced.class, synced -> {
            syncing = false;
            removeRules();
            return Behaviors.same();
          })
          .onMessage(RulesRemoved.class, removed -> {
            rulesRemoved = true;
            if (removed.failure() != null) {
              context.getLog().warn("service proxy: its rules could not all be removed: {}", removed.failure().toString());
            }
            waiting.forEach(replyTo -> replyTo.tell(Done.getInstance()));
            return Behaviors.stopped();
          })
          .onSignal(PostStop.class, this::onPostStop)
          .build();
    }

    private void removeRules() {
      CompletableFuture<Void> removal;
      try {
        removal = CompletableFuture.runAsync(proxier::close, blocking);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        removal = CompletableFuture.failedFuture(e);
      }
      context.pipeToSelf(removal, (done, failure) -> new RulesRemoved(failure));
    }

    /**
     * Stopped without {@link Stop} (its actor system terminating): the rules go all the same, here,
     * since no message will come back any more; the actor is ending, so this blocks no one else.
     */
    private Behavior<Command> onPostStop(PostStop stopped) {
      if (!rulesRemoved) {
        rulesRemoved = true;
        proxier.close();
      }
      return Behaviors.same();
    }

    /** Applies an informer event to {@code objects}; answers whether it was a (re)list. */
    private static boolean apply(Map<String, ObjectNode> objects, Informer.Event event) {
      if (event instanceof Informer.Upserted upserted) {
        objects.put(key(upserted.object()), upserted.object());
      } else if (event instanceof Informer.Deleted deleted) {
        objects.remove(key(deleted.object()));
      } else if (event instanceof Informer.Synced synced) {
        objects.clear();
        synced.objects().forEach(object -> objects.put(key(object), object));
        return true;
      }
      return false;
    }

    private Behavior<Command> changed() {
      // Until both lists arrived, a sync would remove the rules of services not heard of yet.
      if (servicesSynced && endpointsSynced && !timers.isTimerActive("sync")) {
        timers.startSingleTimer("sync", new Sync(), syncing ? timing.minSyncInterval() : Duration.ZERO);
      }
      dirty = true;
      return Behaviors.same();
    }

    private Behavior<Command> sync() {
      if (syncing) {
        timers.startSingleTimer("sync", new Sync(), timing.minSyncInterval());
        return Behaviors.same();
      }
      syncing = true;
      dirty = false;
      List<ServiceRule> rules = ServiceRules.of(readable(services.values(), Service.class), readable(endpoints.values(), Endpoints.class),
          problem -> context.getLog().warn("service proxy: {}", problem));
      context.pipeToSelf(CompletableFuture.runAsync(() -> {
        try {
          proxier.sync(rules);
        } catch (Exception e) {
          throw new java.util.concurrent.CompletionException(e);
        }
      }, blocking), (done, failure) -> new Synced(rules.size(), failure));
      return Behaviors.same();
    }

    /** The objects that can be read as {@code type}; one that cannot is reported and left out, not the sync. */
    private <T> List<T> readable(java.util.Collection<ObjectNode> objects, Class<T> type) {
      List<T> typed = new java.util.ArrayList<>();
      for (ObjectNode object : objects) {
        try {
          typed.add(KubeJson.toTyped(object, type));
        } catch (IllegalArgumentException e) {
          String version = key(object) + "@" + object.path("metadata").path("resourceVersion").asText();
          if (reported.size() > 10_000) {
            reported.clear();
          }
          if (reported.add(version)) {
            context.getLog().warn("service proxy: {} {} skipped: {}", type.getSimpleName(), key(object), e.getMessage());
            if (recorder != null) {
              recorder.unreadable(object, "the service proxy cannot read this %s and leaves it out of the host's rules"
                  .formatted(type.getSimpleName()), e.getMessage());
            }
          }
        }
      }
      return typed;
    }

    private Behavior<Command> onSynced(Synced synced) {
      syncing = false;
      if (synced.failure() != null) {
        Throwable cause = synced.failure().getCause() != null ? synced.failure().getCause() : synced.failure();
        context.getLog().warn("service proxy sync failed rules={} error={}; retrying", synced.rules(), cause.getMessage());
        timers.startSingleTimer("sync", new Sync(), timing.retryInterval());
      } else {
        context.getLog().debug("service proxy synced rules={}", synced.rules());
        if (dirty && !timers.isTimerActive("sync")) {
          timers.startSingleTimer("sync", new Sync(), timing.minSyncInterval());
        }
      }
      return Behaviors.same();
    }

    private static String key(ObjectNode object) {
      return KubeJson.namespace(object) + "/" + KubeJson.name(object);
    }
  }
}
