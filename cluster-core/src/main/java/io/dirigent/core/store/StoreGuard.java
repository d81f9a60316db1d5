package io.dirigent.core.store;

import io.dirigent.core.auth.Caller;
import io.dirigent.core.auth.Callers;
import java.util.Objects;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.RecipientRef;

/**
 * What the store's entities and indexes need to check who sends them commands: their own member's
 * caller (for what they send each other), which callers are genuine, and the pods' index (where a
 * node's right to read a Secret is looked up).
 */
public record StoreGuard(Caller self, Predicate<Caller> genuine, RecipientRef<ResourceIndex.Command> pods) {

  public StoreGuard {
    Objects.requireNonNull(self, "self");
    Objects.requireNonNull(genuine, "genuine");
    Objects.requireNonNull(pods, "pods");
  }

  /** The guard of a member of {@code system}, from its {@link Callers}; once sharding runs both the entities and the indexes. */
  public static StoreGuard of(ActorSystem<?> system) {
    Callers callers = Callers.get(system);
    return new StoreGuard(callers.member(), callers::verify, ResourceIndex.entityRef(system, "pods"));
  }

  /** Whether {@code caller} is genuine and one of the store's own members. */
  boolean isMaster(Caller caller) {
    return caller != null && caller.isMaster() && genuine.test(caller);
  }
}
