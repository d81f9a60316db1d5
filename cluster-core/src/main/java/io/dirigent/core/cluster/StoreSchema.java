package io.dirigent.core.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;

/**
 * Creates the journal's tables when they are missing. The Cassandra plugin creates its keyspace
 * and tables itself ({@code keyspace-autocreate}); the JDBC plugin leaves it to us.
 */
final class StoreSchema {

  private StoreSchema() {}

  static CompletionStage<Void> ensure(ActorSystem<?> system) {
    String plugin = system.settings().config().getString("dirigent.store.plugin");
    if (!plugin.equals("h2")) {
      return CompletableFuture.completedFuture(null);
    }
    // The schema scripts are the plugin's own, for the H2 profile; "if not exists" throughout.
    return SchemaUtils.createIfNotExists(system).thenApply(done -> null);
  }
}
