package io.dirigent.core.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.auth.Caller;
import io.dirigent.core.auth.Callers;
import io.dirigent.core.auth.StoreAccess;
import io.dirigent.core.cluster.Quorum;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.RecipientRef;

/**
 * What the store's entities and indexes need to check who sends them commands: their own member's
 * caller (for what they send each other), which callers are genuine, and the pods' index (where a
 * node's right to read a Secret is looked up), and whether their member may take writes now
 * ({@code quorum}: why not — no majority of the control plane, or no journal — or empty).
 */
public record StoreGuard(Caller self, Predicate<Caller> genuine, RecipientRef<ResourceIndex.Command> pods, Quorum quorum) {

  public StoreGuard {
    Objects.requireNonNull(self, "self");
    Objects.requireNonNull(genuine, "genuine");
    Objects.requireNonNull(pods, "pods");
    Objects.requireNonNull(quorum, "quorum");
  }

  /** A guard whose member always has the quorum (a single member, a test). */
  public StoreGuard(Caller self, Predicate<Caller> genuine, RecipientRef<ResourceIndex.Command> pods) {
    this(self, genuine, pods, Quorum.ALWAYS);
  }

  /** The guard of a member of {@code system}, from its {@link Callers}; once sharding runs both the entities and the indexes. */
  public static StoreGuard of(ActorSystem<?> system) {
    Callers callers = Callers.get(system);
    String role = system.settings().config().getString("dirigent.store.role");
    Quorum quorum = Quorum.of(system, role);
    JournalProbe journal = JournalProbe.get(system);
    return new StoreGuard(callers.member(), callers::verify, ResourceIndex.entityRef(system, "pods"),
        quorum.and(journal::problem));
  }

  /**
   * The refusal of a write on a member without the quorum — it may be the side of a partition the
   * others are about to take its objects from, and a write it acknowledged could be lost — or
   * whose journal does not answer (the write would time out). Clients retry (503 with
   * Retry-After), reaching a member that can take it, or this one once the store is back.
   */
  Optional<StoreError> withoutQuorum() {
    return quorum.lacking().map(why -> StoreError.of(StoreError.Reason.UNAVAILABLE,
        "the store cannot take writes on this member now: " + why + "; retry"));
  }

  /** Whether {@code caller} is genuine and one of the store's own members. */
  public boolean isMaster(Caller caller) {
    return caller != null && caller.isMaster() && genuine.test(caller);
  }

  /**
   * What {@link StoreAccess} says of {@code caller} doing {@code verb} on the object {@code name}
   * of {@code resource} (empty name: the collection); a caller that is not genuine is denied.
   */
  StoreAccess.Decision decide(Caller caller, StoreAccess.Verb verb, String resource, String namespace, String name,
      ObjectNode current, ObjectNode proposed) {
    if (caller == null || !genuine.test(caller)) {
      return new StoreAccess.Denied("the store does not know " + (caller == null ? "an anonymous caller" : caller.user())
          + ": a member acts only with the credential the cluster issued it");
    }
    return StoreAccess.decide(caller, verb, resource, namespace, name, current, proposed);
  }

  /** The 403 of a refusal: {@code secrets "db" is forbidden: User ... cannot ...}, or of the collection when {@code name} is empty. */
  static StoreError forbidden(String resource, String name, StoreAccess.Denied denied) {
    String subject = name.isEmpty() ? resource : "%s \"%s\"".formatted(resource, name);
    return StoreError.of(StoreError.Reason.FORBIDDEN, subject + " is forbidden: " + denied.message());
  }
}
