package io.dirigent.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.core.testing.Await;
import io.dirigent.node.testing.DockerEngine;
import io.dirigent.node.testing.NodeTesting;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node's pool of started sandboxes on the real engine: what a restarted agent finds of an
 * earlier pool is adopted when it can serve, removed when it cannot, and another server's is left
 * alone; closing the runtime removes the free ones.
 */
class SandboxPoolIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @BeforeAll
  static void engine() {
    DockerEngine.ensure();
  }

  /** A pool sandbox as an earlier run of a server would have left it. */
  private static String left(String name, String node, String instance, String network, boolean running) {
    var run = DockerEngine.docker(running ? "run" : "create", running ? "-d" : "--init", "--name", name,
        "--label", "io.dirigent.node=" + node, "--label", DockerRuntime.INSTANCE + "=" + instance, "--label", SandboxPool.POOL + "=" + network,
        "dirigent/pause:1");
    assertThat(run.exit()).as(run.output()).isZero();
    return name;
  }

  private static boolean exists(String name) {
    return DockerEngine.docker("inspect", name).exit() == 0;
  }

  @Test
  void aRestartedPoolAdoptsWhatServesRemovesWhatCannotAndLeavesOthersAlone() {
    String node = NodeTesting.unique("pool-node");
    String instance = NodeTesting.unique("instance");
    String adoptable = left("dirigent_pool_" + NodeTesting.unique("a"), node, instance, SandboxPool.DEFAULT_NETWORK, true);
    String otherNetwork = left("dirigent_pool_" + NodeTesting.unique("b"), node, instance, "dirigent-10.244.99.0-24", true);
    String stopped = left("dirigent_pool_" + NodeTesting.unique("c"), node, instance, SandboxPool.DEFAULT_NETWORK, false);
    String otherServer = left("dirigent_pool_" + NodeTesting.unique("d"), node, "someone-else", SandboxPool.DEFAULT_NETWORK, true);
    try {
      DockerRuntime runtime = new DockerRuntime("unix:///var/run/docker.sock", "dirigent/pause:1", 4, instance);
      try {
        runtime.poolSandboxes(node, 3, "/bin/busybox");
        Await.until("the pool full", WAIT, () -> runtime.pooledSandboxes() == 3);
        assertThat(exists(adoptable)).as("a free sandbox on the pod network is adopted, not made again").isTrue();
        assertThat(exists(otherNetwork)).as("one on another network is removed").isFalse();
        assertThat(exists(stopped)).as("a stopped one is removed").isFalse();
        assertThat(exists(otherServer)).as("another server's is left alone").isTrue();
      } finally {
        runtime.close();
      }
      assertThat(exists(adoptable)).as("closing the runtime removes the free sandboxes").isFalse();
      List<String> left = List.of(DockerEngine.docker("ps", "-aq", "--filter", "label=" + DockerRuntime.INSTANCE + "=" + instance).output().split("\\s+"));
      assertThat(left.stream().filter(id -> !id.isBlank())).as("nothing of this server's pool is left").isEmpty();
      assertThat(exists(otherServer)).isTrue();
    } finally {
      DockerEngine.docker("rm", "-f", adoptable, otherNetwork, stopped, otherServer);
    }
  }
}
