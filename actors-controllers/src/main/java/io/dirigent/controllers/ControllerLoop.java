package io.dirigent.controllers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.events.EventRecorder;
import io.dirigent.core.informer.Informer;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.Store;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Runs one {@link Controller}: an informer per followed kind feeding the cache, a work queue of
 * keys (a key waiting is queued once, however many changes concern it; a key is never reconciled
 * twice at once), up to {@code workers} reconciles at a time, per-key back-off on failure
 * (client-go's: 5 ms doubling to 30 s), and a periodic resync of every primary key.
 */
public final class ControllerLoop {

  public sealed interface Command {}

  private record Changed(int watch, Informer.Event event) implements Command {}

  private record Reconciled(String key, Object result, Throwable failure) implements Command {}

  private record Retry(String key) implements Command {}

  private record Resync() implements Command {}

  private record Work() implements Command {}

  private ControllerLoop() {}

  public static Behavior<Command> create(Store store, Controller controller, int workers, Duration resync) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> new Running(context, timers, store, controller, workers, resync).start()));
  }

  private static final class Running {
    private static final Duration FIRST_RETRY = Duration.ofMillis(5);
    private static final Duration LAST_RETRY = Duration.ofSeconds(30);

    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final Store store;
    private final Controller controller;
    private final int workers;
    private final Duration resync;
    private final Cache cache;
    private final LinkedHashSet<String> queue = new LinkedHashSet<>();
    private final Set<String> running = new HashSet<>();
    private final Set<String> dirty = new HashSet<>();
    private final Map<String, Duration> failures = new HashMap<>();
    private final boolean[] synced;

    Running(ActorContext<Command> context, TimerScheduler<Command> timers, Store store, Controller controller, int workers, Duration resync) {
      this.context = context;
      this.timers = timers;
      this.store = store;
      this.controller = controller;
      this.workers = workers;
      this.resync = resync;
      this.synced = new boolean[controller.watches().size()];
      // An object no controller can read is reported on itself, once per version, and left out.
      EventRecorder recorder = new EventRecorder(store, "controller-manager", null, java.time.Clock.systemUTC());
      this.cache = new Cache((object, why) -> recorder.unreadable(object, "the controllers cannot read this object and leave it out", why));
    }

    Behavior<Command> start() {
      ActorRef<Command> self = context.getSelf();
      for (int i = 0; i < controller.watches().size(); i++) {
        int watch = i;
        Class<? extends HasMetadata> kind = controller.watches().get(i).kind();
        ActorRef<Informer.Event> relay = context.spawn(Informer.relay(self, event -> (Command) new Changed(watch, event)), "events-" + i);
        context.spawn(Informer.create(store, store.registry().of(kind), ObjectFilter.ALL, relay, Duration.ofSeconds(1)), "informer-" + i);
      }
      timers.startTimerWithFixedDelay(new Resync(), resync);
      return Behaviors.receive(Command.class)
          .onMessage(Changed.class, this::onChanged)
          .onMessage(Work.class, work -> work())
          .onMessage(Reconciled.class, this::onReconciled)
          .onMessage(Retry.class, retry -> enqueue(retry.key()))
          .onMessage(Resync.class, tick -> {
            controller.allKeys(cache).forEach(this::enqueue);
            return Behaviors.same();
          })
          .build();
    }

    private Behavior<Command> onChanged(Changed changed) {
      Controller.Watch watch = controller.watches().get(changed.watch());
      Class<? extends HasMetadata> kind = watch.kind();
      Informer.Event event = changed.event();
      if (event instanceof Informer.Upserted upserted) {
        ObjectNode previous = cache.tree(kind, Cache.key(upserted.object())).orElse(null);
        cache.put(kind, upserted.object());
        mapped(watch, new Controller.Change(upserted.object(), previous, false));
      } else if (event instanceof Informer.Deleted deleted) {
        cache.remove(kind, deleted.object());
        mapped(watch, new Controller.Change(deleted.object(), null, true));
      } else if (event instanceof Informer.Synced all) {
        cache.replace(kind, all.objects());
        synced[changed.watch()] = true;
        boolean allSynced = true;
        for (boolean ready : synced) {
          allSynced &= ready;
        }
        if (allSynced) {
          controller.allKeys(cache).forEach(this::enqueue);
        }
      }
      return work();
    }

    private void mapped(Controller.Watch watch, Controller.Change change) {
      for (String key : watch.keys().keys(change, cache)) {
        enqueue(key);
      }
    }

    private Behavior<Command> enqueue(String key) {
      if (running.contains(key)) {
        dirty.add(key);
      } else {
        queue.add(key);
      }
      if (!timers.isTimerActive("work")) {
        timers.startSingleTimer("work", new Work(), Duration.ZERO);
      }
      return Behaviors.same();
    }

    private Behavior<Command> work() {
      for (boolean ready : synced) {
        if (!ready) {
          return Behaviors.same();
        }
      }
      var keys = queue.iterator();
      while (running.size() < workers && keys.hasNext()) {
        String key = keys.next();
        keys.remove();
        running.add(key);
        CompletableFuture<?> done;
        try {
          done = controller.reconcile(key, cache).toCompletableFuture();
        } catch (RuntimeException e) {
          done = CompletableFuture.failedFuture(e);
        }
        context.pipeToSelf(done, (result, failure) -> new Reconciled(key, result, failure));
      }
      return Behaviors.same();
    }

    private Behavior<Command> onReconciled(Reconciled done) {
      running.remove(done.key());
      if (done.failure() != null) {
        Duration next = failures.merge(done.key(), FIRST_RETRY, (last, first) -> last.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : last.multipliedBy(2));
        Throwable cause = done.failure().getCause() != null ? done.failure().getCause() : done.failure();
        context.getLog().info("reconcile failed controller={} key={} retryIn={} error={}", controller.name(), done.key(), next, cause.getMessage());
        timers.startSingleTimer("retry-" + done.key(), new Retry(done.key()), next);
      } else {
        failures.remove(done.key());
        if (done.result() instanceof Duration again && !again.isNegative()) {
          timers.startSingleTimer("requeue-" + done.key(), new Retry(done.key()), again);
        }
      }
      if (dirty.remove(done.key())) {
        enqueue(done.key());
      }
      return work();
    }
  }
}
