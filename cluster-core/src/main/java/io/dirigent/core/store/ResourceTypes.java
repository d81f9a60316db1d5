package io.dirigent.core.store;

import io.dirigent.core.LocalOnly;
import io.dirigent.core.api.ResourceRegistry;
import io.dirigent.core.api.ResourceType;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The resource type a store actor (an object's entity, a resource's index) serves, found when it
 * starts. A custom resource's definition may have been written on another member a moment ago:
 * then the actor keeps what it is sent until this member's registry serves the resource, and
 * stops if it does not within {@code wait} (its callers see a timeout, as for any store outage).
 */
final class ResourceTypes {

  private static final Duration POLL = Duration.ofMillis(20);
  private static final int STASH = 10_000;

  /** Its own timer's message, which never leaves the member. */
  private enum Poll implements LocalOnly { TICK }

  private ResourceTypes() {}

  /** The behaviour {@code serve} makes for {@code resource}'s type, once the registry has it. */
  static <T> Behavior<T> awaiting(String resource, ResourceRegistry registry, Duration wait, Function<ResourceType, Behavior<T>> serve) {
    Optional<ResourceType> known = registry.byResource(resource);
    if (known.isPresent()) {
      return serve.apply(known.get());
    }
    if (!registry.isExtensible()) {
      throw new IllegalArgumentException("not a served resource: " + resource);
    }
    Behavior<Object> waiting = Behaviors.withStash(STASH, stash -> Behaviors.withTimers(timers -> Behaviors.setup(context -> {
      long deadline = System.nanoTime() + wait.toNanos();
      timers.startTimerWithFixedDelay(Poll.TICK, POLL);
      return Behaviors.<Object>receiveMessage(message -> {
        if (message != Poll.TICK) {
          if (!stash.isFull()) {
            stash.stash(message);
          }
          return Behaviors.same();
        }
        Optional<ResourceType> type = registry.byResource(resource);
        if (type.isPresent()) {
          timers.cancelAll();
          return stash.unstashAll(serve.apply(type.get()).unsafeCast());
        }
        if (System.nanoTime() > deadline) {
          context.getLog().warn("resource={} is served by no definition this member knows after {} ms; the actor for it stops", resource, wait.toMillis());
          return Behaviors.stopped();
        }
        return Behaviors.same();
      });
    })));
    return waiting.unsafeCast();
  }
}
