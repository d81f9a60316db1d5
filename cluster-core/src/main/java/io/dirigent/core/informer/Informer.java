package io.dirigent.core.informer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.LocalOnly;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ListResult;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.WatchEvent;
import io.dirigent.core.store.WatchOptions;
import io.dirigent.core.store.WatchRelay;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * List, then watch from the list's resourceVersion, keeping a local copy of the matching objects
 * and telling a subscriber what changed — Kubernetes' informer, as an actor. When the watch ends
 * (410 Gone, the index moved, a timeout) it lists again after a short pause; the subscriber then
 * gets a {@link Synced} with everything that exists, and a {@link Deleted} for every object that
 * vanished meanwhile, so a level-triggered subscriber never misses a change for good.
 *
 * <p>The subscriber is an actor of the caller's; the informer is its child and stops with it.
 */
public final class Informer {

  /** What the subscriber hears. Local: an informer is a member's own cache, heard by actors of its member only. */
  public sealed interface Event extends LocalOnly {}

  /** The object was created or changed (or is there after a relist). */
  public record Upserted(ObjectNode object) implements Event {}

  /** The object is gone; {@code object} is its last known version. */
  public record Deleted(ObjectNode object) implements Event {}

  /** A (re)list completed: these are all the matching objects now. Sent after their upserts. */
  public record Synced(Collection<ObjectNode> objects) implements Event {}

  /** The informer's own messages; it takes none from outside. */
  public sealed interface Command extends LocalOnly {}

  private record Listed(ListResult result) implements Command {}

  private record ListFailed(Throwable failure) implements Command {}

  private record Watched(WatchEvent event) implements Command {}

  private record Relist() implements Command {}

  private Informer() {}

  /**
   * A child that wraps every event for {@code to}: how an actor follows several informers of
   * the same event class (one message adapter per class would serve only one of them).
   */
  public static <T> Behavior<Event> relay(ActorRef<T> to, java.util.function.Function<Event, T> wrap) {
    return Behaviors.receive(Event.class).onAnyMessage(event -> {
      to.tell(wrap.apply(event));
      return Behaviors.same();
    }).build();
  }

  /**
   * An informer on {@code type} objects matching {@code filter}, telling {@code subscriber};
   * {@code relistDelay} is the pause before listing again after a watch ended.
   */
  public static Behavior<Command> create(Store store, ResourceType type, ObjectFilter filter, ActorRef<Event> subscriber, Duration relistDelay) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new Informer.Running(context, timers, store, type, filter, subscriber, relistDelay).list()));
  }

  private static final class Running {
    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final Store store;
    private final ResourceType type;
    private final ObjectFilter filter;
    private final ActorRef<Event> subscriber;
    private final Duration relistDelay;
    private final ActorRef<WatchEvent> watchTarget;
    private final Map<String, ObjectNode> objects = new HashMap<>();
    private ActorRef<WatchRelay.Command> relay;

    Running(ActorContext<Command> context, TimerScheduler<Command> timers, Store store, ResourceType type, ObjectFilter filter,
        ActorRef<Event> subscriber, Duration relistDelay) {
      this.context = context;
      this.timers = timers;
      this.store = store;
      this.type = type;
      this.filter = filter;
      this.subscriber = subscriber;
      this.relistDelay = relistDelay;
      this.watchTarget = context.messageAdapter(WatchEvent.class, Watched::new);
    }

    Behavior<Command> list() {
      context.pipeToSelf(store.list(type, ListOptions.of(filter)), (result, failure) -> failure == null ? new Listed(result) : new ListFailed(failure));
      return behavior();
    }

    private Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessage(Listed.class, this::onListed)
          .onMessage(ListFailed.class, failed -> {
            context.getLog().info("informer list failed resource={} error={}; retrying", type.resource(), failed.failure().getMessage());
            timers.startSingleTimer(new Relist(), relistDelay);
            return Behaviors.same();
          })
          .onMessage(Watched.class, watched -> onWatched(watched.event()))
          .onMessage(Relist.class, relist -> list())
          .onSignal(Terminated.class, terminated -> {
            if (terminated.getRef().equals(relay)) {
              relay = null;
              timers.startSingleTimer(new Relist(), relistDelay);
            }
            return Behaviors.same();
          })
          .onSignal(PostStop.class, stopped -> {
            stopWatch();
            return Behaviors.same();
          })
          .build();
    }

    private Behavior<Command> onListed(Listed listed) {
      stopWatch();
      Map<String, ObjectNode> now = new HashMap<>();
      for (ObjectNode item : listed.result().items()) {
        now.put(key(item), item);
      }
      for (var previous : List.copyOf(objects.entrySet())) {
        if (!now.containsKey(previous.getKey())) {
          objects.remove(previous.getKey());
          subscriber.tell(new Deleted(previous.getValue()));
        }
      }
      for (var entry : now.entrySet()) {
        ObjectNode known = objects.put(entry.getKey(), entry.getValue());
        if (known == null || KubeJson.resourceVersion(known) != KubeJson.resourceVersion(entry.getValue())) {
          subscriber.tell(new Upserted(entry.getValue()));
        }
      }
      subscriber.tell(new Synced(List.copyOf(objects.values())));
      relay = store.watch(type, WatchOptions.from(filter, listed.result().resourceVersion()), watchTarget);
      context.watch(relay);
      return Behaviors.same();
    }

    private Behavior<Command> onWatched(WatchEvent event) {
      // An event older than what is known comes from a watch this informer already replaced.
      ObjectNode known = event.type() == WatchEvent.Type.ERROR || event.type() == WatchEvent.Type.BOOKMARK ? null : objects.get(key(event.object()));
      if (known != null && KubeJson.resourceVersion(known) >= event.resourceVersion()) {
        return Behaviors.same();
      }
      switch (event.type()) {
        case ADDED, MODIFIED -> {
          objects.put(key(event.object()), event.object());
          subscriber.tell(new Upserted(event.object()));
        }
        case DELETED -> {
          if (known != null) {
            objects.remove(key(event.object()));
            subscriber.tell(new Deleted(event.object()));
          }
        }
        case BOOKMARK -> { }
        case ERROR -> {
          context.getLog().debug("informer watch ended resource={} status={}", type.resource(), event.object().path("message").asText());
          stopWatch();
          timers.startSingleTimer(new Relist(), relistDelay);
        }
      }
      return Behaviors.same();
    }

    private void stopWatch() {
      if (relay != null) {
        context.unwatch(relay);
        relay.tell(new WatchRelay.Stop());
        relay = null;
      }
    }

    private static String key(ObjectNode object) {
      return KubeJson.namespace(object) + "/" + KubeJson.name(object);
    }
  }
}
