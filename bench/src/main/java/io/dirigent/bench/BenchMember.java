package io.dirigent.bench;

import com.typesafe.config.ConfigFactory;
import io.dirigent.core.cluster.ClusterNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

/** A member for a benchmark: its journal, a fresh data directory of its own, any free cluster port. */
final class BenchMember {

  private BenchMember() {}

  /**
   * Starts member {@code dirigent-<name>} on {@code plugin} (h2 or cassandra), with {@code settings}
   * on top; the caller waits for it to be ready.
   */
  static ClusterNode start(String name, String plugin, Map<String, Object> settings) throws IOException {
    Map<String, Object> config = new HashMap<>(settings);
    config.put("dirigent.store.plugin", plugin);
    config.put("dirigent.data-dir", Files.createTempDirectory("dirigent-" + name + "-").toString());
    config.put("dirigent.cluster.port", 0);
    return ClusterNode.start("dirigent-" + name, ConfigFactory.parseMap(config));
  }
}
