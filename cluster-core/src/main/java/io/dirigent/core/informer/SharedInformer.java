package io.dirigent.core.informer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.LocalOnly;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.Store;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One informer on a resource for every consumer that follows it — client-go's shared informer.
 * Its {@link Informer} child lists and watches the store once; this actor keeps what it hears in
 * an {@link InformerStore} that every consumer reads, and then tells each subscriber what
 * changed. So a subscriber hears of a change only once the store holds it.
 *
 * <p>A subscriber gets a {@link Synced} when the informer has listed — at once if it subscribes
 * later — and again after each relist, whose vanished objects it has heard of as {@link Deleted}.
 * A subscriber that stops is forgotten; one that subscribes again (a restarted consumer) is
 * treated as new.
 */
public final class SharedInformer {

  /** What a subscriber hears. Local: an informer is a member's own cache, heard by actors of its member only. */
  public sealed interface Event extends LocalOnly {}

  /** The object was created or changed (or is there after a relist); {@code previous} is the version the store held before it, null if none. */
  public record Changed(ObjectNode object, ObjectNode previous) implements Event {}

  /** The object is gone; {@code object} is its last known version. */
  public record Deleted(ObjectNode object) implements Event {}

  /** The store holds every object there is, as of a (re)list and the changes since. */
  public record Synced() implements Event {}

  /** Local: subscribers are actors of the informer's own member. */
  public sealed interface Command extends LocalOnly {}

  /** From now on, tell {@code subscriber} of every change. */
  public record Subscribe(ActorRef<Event> subscriber) implements Command {}

  /** How many subscribers there are, and whether the informer has listed. */
  public record Describe(ActorRef<Description> replyTo) implements Command {}

  public record Description(ResourceType type, int subscribers, boolean synced, int objects) implements LocalOnly {}

  private record Heard(Informer.Event event) implements Command {}

  /** What a consumer is handed: whom to subscribe to, and the store to read. */
  public record Handle(ResourceType type, ActorRef<Command> informer, InformerStore store) {}

  private SharedInformer() {}

  /**
   * The informer on every {@code type} object, keeping {@code objects} — which no one else
   * writes; {@code relistDelay} is the pause before listing again after its watch ended.
   */
  public static Behavior<Command> create(Store store, ResourceType type, InformerStore objects, Duration relistDelay) {
    return create(type, objects, heard -> Informer.create(store, type, ObjectFilter.ALL, heard, relistDelay));
  }

  /** The informer keeping {@code objects} from what its child tells it, made by {@code listWatchOf}: an {@link Informer}, or a test's fake. */
  static Behavior<Command> create(ResourceType type, InformerStore objects, Function<ActorRef<Informer.Event>, Behavior<Informer.Command>> listWatchOf) {
    return Behaviors.setup(context -> {
      ActorRef<Informer.Event> heard = context.messageAdapter(Informer.Event.class, Heard::new);
      ActorRef<Informer.Command> listWatch = context.spawn(listWatchOf.apply(heard), "list-watch");
      // Without it no subscriber would hear anything again: stop, for the owner to start afresh.
      context.watch(listWatch);
      return new Running(context, type, objects, listWatch).behavior();
    });
  }

  /**
   * A child that wraps every event for {@code to}: how an actor follows several shared informers
   * (one message adapter per event class would serve only one of them).
   */
  public static <T> Behavior<Event> relay(ActorRef<T> to, Function<Event, T> wrap) {
    return Behaviors.receive(Event.class).onAnyMessage(event -> {
      to.tell(wrap.apply(event));
      return Behaviors.same();
    }).build();
  }

  private static final class Running {
    private final ActorContext<Command> context;
    private final ResourceType type;
    private final InformerStore objects;
    private final ActorRef<Informer.Command> listWatch;
    private final Set<ActorRef<Event>> subscribers = new LinkedHashSet<>();
    private boolean synced;

    Running(ActorContext<Command> context, ResourceType type, InformerStore objects, ActorRef<Informer.Command> listWatch) {
      this.context = context;
      this.type = type;
      this.objects = objects;
      this.listWatch = listWatch;
    }

    Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessage(Subscribe.class, this::onSubscribe)
          .onMessage(Heard.class, heard -> onHeard(heard.event()))
          .onMessage(Describe.class, describe -> {
            describe.replyTo().tell(new Description(type, subscribers.size(), synced, objects.size()));
            return Behaviors.same();
          })
          .onSignal(Terminated.class, terminated -> {
            if (terminated.getRef().equals(listWatch)) {
              throw new IllegalStateException("the informer on " + type.resource() + " stopped");
            }
            subscribers.remove(terminated.getRef());
            return Behaviors.same();
          })
          .build();
    }

    private Behavior<Command> onSubscribe(Subscribe subscribe) {
      if (subscribers.add(subscribe.subscriber())) {
        context.watch(subscribe.subscriber());
      }
      if (synced) {
        // A late subscriber starts from the store as it is; it hears of every change from here.
        subscribe.subscriber().tell(new Synced());
      }
      return Behaviors.same();
    }

    private Behavior<Command> onHeard(Informer.Event event) {
      Event told;
      if (event instanceof Informer.Upserted upserted) {
        ObjectNode previous = objects.put(upserted.object()).map(InformerStore.Item::tree).orElse(null);
        told = new Changed(upserted.object(), previous);
      } else if (event instanceof Informer.Deleted deleted) {
        objects.remove(deleted.object());
        told = new Deleted(deleted.object());
      } else {
        // The informer sent every upsert and deletion of the (re)list before this: the store is the list.
        synced = true;
        told = new Synced();
      }
      subscribers.forEach(subscriber -> subscriber.tell(told));
      return Behaviors.same();
    }
  }
}
