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

  /** Long enough for any object's persistence id; names are at most 253 characters. */
  static final int PERSISTENCE_ID_LENGTH = 1024;

  private static final String WIDEN_PERSISTENCE_IDS = """
      ALTER TABLE PUBLIC."event_journal" ALTER COLUMN "persistence_id" SET DATA TYPE VARCHAR(%1$d);
      ALTER TABLE PUBLIC."snapshot" ALTER COLUMN "persistence_id" SET DATA TYPE VARCHAR(%1$d);
      ALTER TABLE PUBLIC."durable_state" ALTER COLUMN "persistence_id" SET DATA TYPE VARCHAR(%1$d)
      """.formatted(PERSISTENCE_ID_LENGTH);

  private StoreSchema() {}

  static CompletionStage<Void> ensure(ActorSystem<?> system) {
    String plugin = system.settings().config().getString("dirigent.store.plugin");
    if (!plugin.equals("h2")) {
      return CompletableFuture.completedFuture(null);
    }
    java.nio.file.Path store = java.nio.file.Path.of(system.settings().config().getString("dirigent.data-dir"), "store");
    ownerOnly(store);
    // The schema scripts are the plugin's own, for the H2 profile; "if not exists" throughout.
    // Their persistence ids hold 255 characters, less than an object's key ("ObjectEntity|",
    // resource, namespace, a 253-character name); widening is a no-op once done.
    return SchemaUtils.createIfNotExists(system)
        .thenCompose(done -> SchemaUtils.applyScript(WIDEN_PERSISTENCE_IDS, system))
        .thenApply(done -> {
          ownerOnly(store);
          return null;
        });
  }

  /**
   * The journal's directory and files, readable by their owner only: they hold every object and
   * its history, Secrets among them. The directory alone already keeps others out of files H2
   * makes later.
   */
  static void ownerOnly(java.nio.file.Path store) {
    try {
      java.nio.file.Files.createDirectories(store);
      java.nio.file.Files.setPosixFilePermissions(store, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
      try (var files = java.nio.file.Files.list(store)) {
        for (java.nio.file.Path file : (Iterable<java.nio.file.Path>) files::iterator) {
          if (java.nio.file.Files.isRegularFile(file)) {
            java.nio.file.Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
          }
        }
      }
    } catch (java.io.IOException | UnsupportedOperationException e) {
      throw new IllegalStateException("cannot make the store directory " + store + " private: " + e.getMessage(), e);
    }
  }
}
