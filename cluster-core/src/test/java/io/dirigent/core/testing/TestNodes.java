package io.dirigent.core.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.dirigent.core.cluster.ClusterNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Starts cluster members for tests: one store plugin, its own data, tight timeouts. */
public final class TestNodes {

  private static final AtomicInteger COUNTER = new AtomicInteger();

  private TestNodes() {}

  /**
   * Settings every test member shares: short timeouts, a small watch window to reach 410, and every
   * message between actors serialized and read back before delivery ({@code serialize-messages}),
   * as it would be between members — a message that could not cross fails the test. An actor's
   * messages to itself ({@code LocalOnly}) are exempt.
   */
  public static Config testSettings() {
    return ConfigFactory.parseMap(Map.of(
        "dirigent.cluster.port", 0,
        "dirigent.store.ask-timeout", "5s",
        "dirigent.store.resolve-after", "1s",
        "dirigent.store.tick-interval", "200ms",
        "dirigent.store.watch-window", 1000,
        "dirigent.store.snapshot-every", 20,
        "dirigent.store.index-snapshot-every", 20,
        "pekko.coordinated-shutdown.terminate-actor-system", "on",
        "pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on",
        "pekko.actor.serialize-messages", "on"));
  }

  public static ClusterNode memory() {
    return start(ConfigFactory.parseMap(Map.of("dirigent.store.plugin", "memory")));
  }

  public static ClusterNode h2(Path dataDir) {
    return start(ConfigFactory.parseMap(Map.of(
        "dirigent.store.plugin", "h2",
        "dirigent.data-dir", dataDir.toString())));
  }

  public static ClusterNode cassandra(String keyspace) {
    return start(ConfigFactory.parseMap(Map.of(
        "dirigent.store.plugin", "cassandra",
        "dirigent.cassandra.keyspace", keyspace)));
  }

  /** A single-member cluster with {@code overrides} on top of the test settings, once ready. */
  public static ClusterNode start(Config overrides) {
    ClusterNode node = ClusterNode.start("dirigent-test-" + COUNTER.incrementAndGet(), overrides.withFallback(testSettings()));
    try {
      node.ready().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      node.close();
      throw new IllegalStateException("test member did not become ready", e);
    }
    return node;
  }

  public static Duration timeout() {
    return Duration.ofSeconds(30);
  }
}
