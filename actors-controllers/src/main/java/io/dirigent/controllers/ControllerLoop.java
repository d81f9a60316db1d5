package io.dirigent.controllers;

import io.dirigent.core.LocalOnly;
import io.dirigent.core.events.EventRecorder;
import io.dirigent.core.informer.InformerStore;
import io.dirigent.core.informer.SharedInformer;
import io.dirigent.core.store.Store;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Runs one {@link Controller}: it subscribes to the shared informer of each followed kind (the
 * controller manager's, {@link io.dirigent.core.informer.SharedInformers}) and reads their stores
 * as its {@link Cache}; a work queue of keys (a key waiting is queued once, however many changes
 * concern it; a key is never reconciled twice at once), up to {@code workers} reconciles at a
 * time, per-key back-off on failure (retry-backoff: from 5 ms, doubling, as client-go's), and a periodic resync
 * of every primary key. It starts reconciling once every informer it follows has synced; after a
 * restart it subscribes again and starts over from what the stores hold.
 */
public final class ControllerLoop {

  /** Local: its informers' events, its reconciles' results and its timers; a loop takes nothing from outside. */
  public sealed interface Command extends LocalOnly {}

  private record Changed(int watch, SharedInformer.Event event) implements Command {}

  private record Reconciled(String key, Object result, Throwable failure) implements Command {}

  private record Retry(String key) implements Command {}

  private record Resync() implements Command {}

  private record Work() implements Command {}

  private ControllerLoop() {}

  /**
   * The loop of {@code controller}, following {@code informers} — one for each of its watches, in
   * their order; {@code store} is where it reports objects it cannot read; a key whose reconcile
   * failed is tried again after {@code retry}'s back-off.
   */
  static Behavior<Command> create(Store store, Controller controller, List<SharedInformer.Handle> informers, int workers, Duration resync,
      ControllerSettings.Backoff retry) {
    if (informers.size() != controller.watches().size()) {
      throw new IllegalArgumentException(controller.name() + " follows " + controller.watches().size() + " kinds but was given " + informers.size() + " informers");
    }
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> new Running(context, timers, store, controller, informers, workers, resync, retry)
        .start()));
  }

  private static final class Running {
    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final Controller controller;
    private final List<SharedInformer.Handle> informers;
    private final int workers;
    private final Duration resync;
    private final ControllerSettings.Backoff retry;
    private final Cache cache;
    private final LinkedHashSet<String> queue = new LinkedHashSet<>();
    private final Set<String> running = new HashSet<>();
    private final Set<String> dirty = new HashSet<>();
    private final Map<String, Duration> failures = new HashMap<>();
    private final boolean[] synced;

    Running(ActorContext<Command> context, TimerScheduler<Command> timers, Store store, Controller controller, List<SharedInformer.Handle> informers,
        int workers, Duration resync, ControllerSettings.Backoff retry) {
      this.context = context;
      this.timers = timers;
      this.controller = controller;
      this.informers = List.copyOf(informers);
      this.workers = workers;
      this.resync = resync;
      this.retry = retry;
      this.synced = new boolean[controller.watches().size()];
      Map<Class<? extends HasMetadata>, InformerStore> stores = new HashMap<>();
      for (int i = 0; i < informers.size(); i++) {
        stores.put(controller.watches().get(i).kind(), informers.get(i).store());
      }
      // An object no controller can read is reported on itself, once per version, and left out.
      EventRecorder recorder = new EventRecorder(store, "controller-manager", null, java.time.Clock.systemUTC());
      this.cache = new Cache(Map.copyOf(stores), (object, why) -> recorder.unreadable(object, "the controllers cannot read this object and leave it out", why));
    }

    Behavior<Command> start() {
      ActorRef<Command> self = context.getSelf();
      for (int i = 0; i < informers.size(); i++) {
        int watch = i;
        ActorRef<SharedInformer.Event> relay = context.spawn(SharedInformer.relay(self, event -> (Command) new Changed(watch, event)), "events-" + i);
        informers.get(i).informer().tell(new SharedInformer.Subscribe(relay));
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

    /** The shared store already holds the change: only the keys it concerns are queued. */
    private Behavior<Command> onChanged(Changed changed) {
      Controller.Watch watch = controller.watches().get(changed.watch());
      SharedInformer.Event event = changed.event();
      if (event instanceof SharedInformer.Changed upserted) {
        mapped(watch, new Controller.Change(upserted.object(), upserted.previous(), false));
      } else if (event instanceof SharedInformer.Deleted deleted) {
        mapped(watch, new Controller.Change(deleted.object(), null, true));
      } else if (event instanceof SharedInformer.Synced) {
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
        Duration next = retry.next(failures.get(done.key()));
        failures.put(done.key(), next);
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
