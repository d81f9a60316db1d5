package io.dirigent.api;

import io.dirigent.core.store.StoreError;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/** Finds a service of a node's agent, wherever in the cluster the agent runs, through the receptionist. */
final class AgentLookup {

  private AgentLookup() {}

  /** The agent's service under {@code key}; 503 when no member runs it, saying what cannot be done ({@code purpose}). */
  static <T> CompletionStage<ActorRef<T>> find(ActorSystem<?> system, ServiceKey<T> key, String node, String purpose, Duration timeout) {
    return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
            replyTo -> Receptionist.find(key, replyTo), timeout, system.scheduler())
        .thenApply(listing -> listing.getServiceInstances(key).stream().findFirst().orElseThrow(() -> StoreError.of(
            StoreError.Reason.UNAVAILABLE,
            "the agent of node %s is not reachable, so it cannot %s; is the node up?".formatted(node, purpose)).toException()));
  }
}
