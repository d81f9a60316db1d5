package io.dirigent.cli;

import static io.dirigent.cli.testing.BinDirigent.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.cli.testing.BinDirigent;
import io.dirigent.cli.testing.Kubectl;
import io.dirigent.cli.testing.Leftovers;
import io.dirigent.cli.testing.SecondHost;
import io.dirigent.core.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/operations.md's multi-host set-up, with the worker on a host of its own (a network
 * namespace joined to this one by a veth pair, {@link SecondHost}): the control plane listens and
 * advertises on the link's address, the worker joins with the one command `dirigent token create`
 * prints, and everything between them — the join, the cluster's membership, the node's status,
 * a pod's life, its logs fetched by the API server from the worker's agent — goes over the
 * addresses each side advertises, since nothing else reaches the second host.
 */
class MultiHostIT {

  @Test
  void aWorkerOnAnotherHostJoinsWithOneCommandAndRunsAPodWhoseLogsTheApiServerFetches(
      @TempDir Path dataDir, @TempDir Path workerDir, @TempDir Path home) throws Exception {
    Process worker = null;
    try (SecondHost host = SecondHost.create()) {
      BinDirigent.Run up = run("up", "--data-dir", dataDir.toString(), "--host", SecondHost.HERE, "--port", "0", "--api-port", "0",
          "--node-name", "control", "--runtime", "simulated");
      assertThat(up.exit()).as(up.output()).isZero();
      String kubeconfig = dataDir.resolve("kubeconfig").toString();
      BinDirigent.Run created = run("token", "create", "--ttl", "1h", "--kubeconfig", kubeconfig);
      assertThat(created.exit()).as(created.output()).isZero();
      String joinLine = created.output().lines().toList().get(1);
      assertThat(joinLine).as("the join command names the API server by the address it advertises").contains("https://" + SecondHost.HERE + ":");
      List<String> join = new ArrayList<>(List.of(joinLine.substring(joinLine.indexOf("dirigent server ") + "dirigent server ".length()).split(" ")));

      List<String> command = new ArrayList<>(List.of(BinDirigent.SCRIPT.toString(), "server"));
      command.addAll(join);
      command.addAll(List.of("--host", SecondHost.THERE, "--port", "2551", "--node-name", "far", "--data-dir", workerDir.toString(),
          "--runtime", "simulated"));
      ProcessBuilder builder = new ProcessBuilder(host.on(command)).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(workerDir.resolve("server.log").toFile()));
      builder.environment().put("DIRIGENT_SKIP_BUILD", "1");
      builder.environment().put("JAVA_TOOL_OPTIONS", "-Ddirigent.proxy.mode=none");
      builder.environment().remove("KUBECONFIG");
      worker = builder.start();

      Kubectl kubectl = new Kubectl(home, kubeconfig);
      Await.untilQuietly("the worker on the second host Ready", Duration.ofSeconds(120), () ->
          kubectl.run("get", "nodes").out().lines().anyMatch(line -> line.matches("far\\s+Ready\\s+.*")));
      assertThat(kubectl.run("get", "node", "far", "-o", "jsonpath={.status.addresses[?(@.type==\"InternalIP\")].address}").out().strip())
          .as("the node's address is the second host's").isEqualTo(SecondHost.THERE);

      var pod = kubectl.run("run", "far-away", "--image=dirigent/busybox:1", "--restart=Never",
          "--overrides={\"apiVersion\":\"v1\",\"spec\":{\"nodeName\":\"far\"}}", "--", "sleep", "3600");
      assertThat(pod.exit()).as(pod.all()).isZero();
      Await.untilQuietly("the pod on the second host Running", Duration.ofSeconds(60), () ->
          kubectl.run("get", "pod", "far-away", "-o", "jsonpath={.status.phase}").out().strip().equals("Running"));
      var logs = kubectl.run("logs", "far-away");
      assertThat(logs.exit()).as(logs.all()).isZero();
      assertThat(logs.out()).as("the pod's log, fetched from the worker on the second host").contains("simulated container far-away started");
    } finally {
      if (worker != null) {
        worker.destroy();
        worker.waitFor(60, TimeUnit.SECONDS);
      }
      Leftovers.downAndRemove(dataDir);
    }
  }
}
