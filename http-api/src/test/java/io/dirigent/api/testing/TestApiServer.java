package io.dirigent.api.testing;

import com.typesafe.config.ConfigFactory;
import io.dirigent.api.ApiServer;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.testing.TestNodes;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A member on the in-memory journal with its API server on a free loopback port, for tests. */
public final class TestApiServer implements AutoCloseable {

  private final ClusterNode node;
  private final ApiServer server;

  private TestApiServer(ClusterNode node, ApiServer server) {
    this.node = node;
    this.server = server;
  }

  /** Starts one with {@code settings} on top of the test defaults. */
  public static TestApiServer start(Map<String, Object> settings) throws Exception {
    Map<String, Object> config = new HashMap<>(settings);
    config.put("dirigent.store.plugin", "memory");
    config.put("dirigent.api.port", 0);
    ClusterNode node = TestNodes.start(ConfigFactory.parseMap(config));
    try {
      return new TestApiServer(node, ApiServer.start(node).toCompletableFuture().get(30, TimeUnit.SECONDS));
    } catch (Exception e) {
      node.close();
      throw e;
    }
  }

  public String url() {
    return server.url();
  }

  public ClusterNode node() {
    return node;
  }

  @Override
  public void close() {
    server.close();
    node.close();
  }
}
