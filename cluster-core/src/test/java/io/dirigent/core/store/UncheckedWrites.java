package io.dirigent.core.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.auth.Callers;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Writes an object straight to its entity, past the store's decoding, validation and admission:
 * what a store written by an earlier version may hold. Tests use it to show that readers survive
 * objects that would be refused today.
 */
public final class UncheckedWrites {

  private UncheckedWrites() {}

  /** Creates {@code object} (with its namespace and name set) as is. */
  public static void create(ActorSystem<?> system, ResourceType type, ObjectNode object) {
    ObjectKey key = new ObjectKey(type.resource(), type.namespaced() ? KubeJson.namespace(object) : "", KubeJson.name(object));
    ObjectEntity.Reply reply = ClusterSharding.get(system).entityRefFor(ObjectEntity.TYPE_KEY, key.entityId())
        .<ObjectEntity.Reply>ask(replyTo -> new ObjectEntity.Create(object, "test", false, Callers.get(system).member(), replyTo), Duration.ofSeconds(10))
        .toCompletableFuture().join();
    if (reply instanceof ObjectEntity.Rejected rejected) {
      throw rejected.error().toException();
    }
  }
}
