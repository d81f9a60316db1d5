package io.dirigent.core.store;

import io.dirigent.core.CborSerializable;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Keeps one watch's lifecycle between a {@link ResourceIndex} and its watcher (the index sends
 * the events to the watcher itself). It ends the watch when either side goes away: when the
 * watcher stops it unsubscribes; when the index stops (its member left, so it restarts elsewhere
 * and rebuilds) the watcher gets a 410 error, as a Kubernetes client does when its watch cache is
 * gone, and lists again. It also delivers what it is sent to deliver, such as its own timeout.
 */
public final class WatchRelay {

  public sealed interface Command extends CborSerializable {}

  /** The index accepted the watch; sent before any event. */
  public record Started(ActorRef<ResourceIndex.Command> index) implements Command {}

  public record Deliver(WatchEvent event) implements Command {}

  /** Ends the watch from the watcher's side. */
  public record Stop() implements Command {}

  private WatchRelay() {}

  /** The index did not accept the watch in time. */
  private record StartTimedOut() implements Command {}

  /**
   * A relay that delivers to {@code target} and, once an ERROR event went out, stops. The
   * caller sends the {@link ResourceIndex.Watch} naming the relay; if the index has not accepted
   * it within {@code startTimeout}, the watcher gets a TIMEOUT error instead of waiting forever.
   */
  public static Behavior<Command> create(ActorRef<WatchEvent> target, Duration startTimeout) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      context.watch(target);
      timers.startSingleTimer(new StartTimedOut(), startTimeout);
      return waiting(target, startTimeout);
    }));
  }

  private static Behavior<Command> waiting(ActorRef<WatchEvent> target, Duration startTimeout) {
    return Behaviors.receive(Command.class)
        .onMessage(Started.class, started -> relaying(target, started.index()))
        .onMessage(Deliver.class, deliver -> deliver(target, deliver.event()))
        .onMessage(Stop.class, stop -> Behaviors.stopped())
        .onMessage(StartTimedOut.class, timedOut -> deliver(target, WatchEvent.error(StoreError.of(StoreError.Reason.TIMEOUT,
            "the store did not start the watch within " + startTimeout + "; try again"))))
        .onSignal(Terminated.class, terminated -> Behaviors.stopped())
        .build();
  }

  private static Behavior<Command> relaying(ActorRef<WatchEvent> target, ActorRef<ResourceIndex.Command> index) {
    return Behaviors.setup(context -> {
      context.watch(index);
      return Behaviors.receive(Command.class)
          .onMessage(Deliver.class, deliver -> deliver(target, deliver.event()))
          .onMessage(Stop.class, stop -> {
            index.tell(new ResourceIndex.Unwatch(context.getSelf()));
            return Behaviors.stopped();
          })
          .onMessage(Started.class, started -> Behaviors.same())
          .onMessage(StartTimedOut.class, timedOut -> Behaviors.same())
          .onSignal(Terminated.class, terminated -> {
            if (terminated.getRef().equals(index)) {
              target.tell(WatchEvent.error(StoreError.of(StoreError.Reason.GONE,
                  "the watch ended because the store's index for this resource moved; list again")));
            } else {
              index.tell(new ResourceIndex.Unwatch(context.getSelf()));
            }
            return Behaviors.stopped();
          })
          .build();
    });
  }

  private static Behavior<Command> deliver(ActorRef<WatchEvent> target, WatchEvent event) {
    target.tell(event);
    return event.type() == WatchEvent.Type.ERROR ? Behaviors.stopped() : Behaviors.same();
  }
}
