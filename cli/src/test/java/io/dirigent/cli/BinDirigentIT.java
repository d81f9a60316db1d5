package io.dirigent.cli;

import static io.dirigent.cli.testing.BinDirigent.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.cli.testing.BinDirigent.Run;
import io.dirigent.cli.testing.Leftovers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main command, for real: bin/dirigent up, status, down on the packaged build. */
class BinDirigentIT {

  /** The pod network the servers' nodes made stays after down, for pods; the tests are done with it. */
  @AfterAll
  static void removePodNetwork() {
    Leftovers.removePodNetworkIfUnused();
  }

  @Test
  void upStartsAReadyServerInTheBackgroundAndDownStopsIt(@TempDir Path dataDir) throws Exception {
    Run up = run("up", "--data-dir", dataDir.toString(), "--port", "0", "--api-port", "0");
    try {
      assertThat(up.exit()).as(up.output()).isZero();
      assertThat(up.output()).contains("Dirigent is up.").contains("store:          h2").contains("API server:     https://127.0.0.1:");
      assertTheApiServesTheStore(dataDir);
      Run get = run("get", "namespaces", "--kubeconfig", dataDir.resolve("kubeconfig").toString());
      assertThat(get.exit()).as(get.output()).isZero();
      assertThat(get.output()).containsPattern("NAME\\s+STATUS\\s+AGE").containsPattern("kube-system\\s+Active");
      long pid = Long.parseLong(Files.readString(dataDir.resolve("server.pid")).strip());
      assertThat(ProcessHandle.of(pid)).isPresent();
      // The member talks to its cluster over TLS, with a member certificate of the cluster's authority for the roles it takes.
      assertThat(io.dirigent.core.pki.ClusterPki.identityOf(io.dirigent.core.pki.ClusterPki.readCertificate(dataDir.resolve("pki/member.crt"))).groups())
          .containsExactly(io.dirigent.core.pki.ClusterPki.MEMBERS, "dirigent:role:control-plane", "dirigent:role:worker");

      Run again = run("up", "--data-dir", dataDir.toString(), "--port", "0");
      assertThat(again.exit()).isZero();
      assertThat(again.output()).contains("already running (pid " + pid + ")");

      Run status = run("status", "--data-dir", dataDir.toString());
      assertThat(status.exit()).isZero();
      assertThat(status.output()).contains("Dirigent is up.");
      awaitPoolSandboxes(dataDir);
    } finally {
      Run down = run("down", "--data-dir", dataDir.toString());
      assertThat(down.exit()).as(down.output()).isZero();
      assertThat(down.output()).contains("stopped");
    }
    assertThat(poolSandboxes(dataDir)).as("the node's free pool sandboxes are gone with the server").isEmpty();
    Run status = run("status", "--data-dir", dataDir.toString());
    assertThat(status.exit()).isEqualTo(1);
    assertThat(status.output()).contains("not running");
  }

  /**
   * {@code down} stops the server by SIGTERM alone, in seconds: its coordinated shutdown takes each
   * step in order (docs/operations.md), nothing waits out a timeout, so the SIGKILL fallback —
   * which comes only after the server's whole stop-timeout — is never reached. The pods keep
   * running, as a restarted server adopts them; the test removes them itself.
   */
  @Test
  void downStopsTheServerBySigtermInOrderAndLeavesItsPodsRunning(@TempDir Path dataDir) throws Exception {
    Run up = run("up", "--data-dir", dataDir.toString(), "--port", "0", "--api-port", "0", "--node-name", "down-" + Long.toString(System.nanoTime() % 1_000_000, 36));
    try {
      assertThat(up.exit()).as(up.output()).isZero();
      String kubeconfig = dataDir.resolve("kubeconfig").toString();
      Path manifest = dataDir.resolve("web.yaml");
      Files.writeString(manifest, """
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: web}
          spec:
            replicas: 2
            selector: {matchLabels: {app: web}}
            template:
              metadata: {labels: {app: web}}
              spec:
                containers: [{name: web, image: "dirigent/httpenv:1", ports: [{containerPort: 8888}]}]
          ---
          apiVersion: v1
          kind: Service
          metadata: {name: web}
          spec: {type: NodePort, selector: {app: web}, ports: [{port: 80, targetPort: 8888}]}
          """);
      Run applied = run("apply", "-f", manifest.toString(), "--kubeconfig", kubeconfig);
      assertThat(applied.exit()).as(applied.output()).isZero();
      io.dirigent.core.testing.Await.until("two pods running", java.time.Duration.ofSeconds(120), () -> {
        try {
          return run("get", "pods", "--kubeconfig", kubeconfig).output().lines().filter(line -> line.contains(" Running ")).count() == 2;
        } catch (Exception e) {
          return false;
        }
      });
      long stopTimeout = Long.parseLong(Files.readString(dataDir.resolve("server.ready")).lines()
          .filter(line -> line.startsWith("stop-timeout=")).findFirst().orElseThrow().substring("stop-timeout=".length()));
      assertThat(stopTimeout).as("the longest the server's shutdown may take, which down waits before SIGKILL").isPositive();
      long pid = Long.parseLong(Files.readString(dataDir.resolve("server.pid")).strip());

      long began = System.nanoTime();
      Run down = run("down", "--data-dir", dataDir.toString());
      java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - began);

      assertThat(down.exit()).as(down.output()).isZero();
      assertThat(down.output()).as("ended by SIGTERM, not by the fallback")
          .containsPattern("dirigent: stopped \\(pid " + pid + "\\): exited \\d+\\.\\d s after SIGTERM").doesNotContain("SIGKILL");
      // Generous for a busy 2-core host: a stop normally takes 2-3 s, and the fallback would need stopTimeout + 5 s.
      assertThat(took).as("how long down took").isLessThan(java.time.Duration.ofSeconds(Math.min(30, stopTimeout)));
      assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
      // Tasks of one phase run side by side; the phases one after the other. Pekko logs its own
      // lines ("Exiting completed": the member left the cluster) a moment late, never early.
      assertLoggedInOrder(Files.readAllLines(dataDir.resolve("server.log")), java.util.List.of(
          java.util.List.of("shutdown step=not-ready reason=JvmExitReason", "shutdown step=node-agents-retired"),
          java.util.List.of("shutdown step=api-unbound"),
          java.util.List.of("shutdown step=service-proxy-rules-removed", "shutdown step=sandbox-pool-removed"),
          java.util.List.of("Exiting completed")));
      assertLoggedInOrder(Files.readAllLines(dataDir.resolve("server.log")), java.util.List.of(
          java.util.List.of("shutdown step=service-proxy-rules-removed", "shutdown step=sandbox-pool-removed"),
          java.util.List.of("shutdown step=runtimes-closed")));
      // Nothing waited out a timeout: the agents' last writes reached a store still open (H2's own
      // shutdown hook once closed it under them, and every stop took 16 s).
      assertThat(Files.readAllLines(dataDir.resolve("server.log")))
          .noneMatch(line -> line.contains("did not retire within") || line.contains("Database is already closed")
              || line.contains("did not remove its rules within"));
      assertThat(Leftovers.containersOf(dataDir)).as("the pods' sandboxes and containers keep running, for the next server to adopt")
          .hasSize(4);
      assertThat(poolSandboxes(dataDir)).isEmpty();
    } finally {
      run("down", "--data-dir", dataDir.toString());
      Leftovers.removeContainersOf(dataDir);
    }
    assertThat(Leftovers.containersOf(dataDir)).isEmpty();
  }

  /** Every line of each group is in {@code log}, after every line of the groups before it. */
  private static void assertLoggedInOrder(java.util.List<String> log, java.util.List<java.util.List<String>> groups) {
    int previousLast = -1;
    String previous = "the start";
    for (java.util.List<String> group : groups) {
      int first = Integer.MAX_VALUE;
      int last = -1;
      for (String marker : group) {
        int at = indexOf(log, marker);
        assertThat(at).as("'%s' in the server's log", marker).isNotNegative();
        first = Math.min(first, at);
        last = Math.max(last, at);
      }
      assertThat(first).as("%s logged after %s", group, previous).isGreaterThan(previousLast);
      previousLast = last;
      previous = group.toString();
    }
  }

  private static int indexOf(java.util.List<String> log, String marker) {
    for (int i = 0; i < log.size(); i++) {
      if (log.get(i).contains(marker)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void afterKillMinusNineEveryIdentityAndSecretIsStillGood(@TempDir Path dataDir, @TempDir Path home) throws Exception {
    Run up = run("up", "--data-dir", dataDir.toString(), "--port", "0", "--api-port", "0");
    try {
      assertThat(up.exit()).as(up.output()).isZero();
      String kubeconfig = dataDir.resolve("kubeconfig").toString();
      io.dirigent.cli.testing.Kubectl admin = new io.dirigent.cli.testing.Kubectl(home, kubeconfig);
      for (String[] command : new String[][] {
          {"create", "serviceaccount", "robot"},
          {"create", "rolebinding", "robot", "--clusterrole=view", "--serviceaccount=default:robot"},
          {"create", "secret", "generic", "db", "--from-literal=password=hunter2"}}) {
        var done = admin.run(command);
        assertThat(done.exit()).as(done.all()).isZero();
      }
      var token = admin.run("create", "token", "robot", "--duration=1h");
      assertThat(token.exit()).as(token.all()).isZero();
      String caBefore = Files.readString(dataDir.resolve("pki/ca.crt"));

      java.util.List<String> pool = awaitPoolSandboxes(dataDir);
      long pid = Long.parseLong(Files.readString(dataDir.resolve("server.pid")).strip());
      ProcessHandle server = ProcessHandle.of(pid).orElseThrow();
      new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
      server.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
      Run again = run("up", "--data-dir", dataDir.toString(), "--port", "0", "--api-port", "0");
      assertThat(again.exit()).as(again.output()).isZero();
      // Adopted, not removed: the full pool (64 by default) is the old sandboxes and new ones.
      io.dirigent.core.testing.Await.until("the killed server's pool sandboxes adopted", java.time.Duration.ofSeconds(90), () -> {
        java.util.List<String> now = poolSandboxes(dataDir);
        return now.size() >= 64 && now.containsAll(pool);
      });

      // The same authority, so the old kubeconfig's administrator and the old token are still who they were.
      assertThat(Files.readString(dataDir.resolve("pki/ca.crt"))).isEqualTo(caBefore);
      var whoami = admin.run("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}");
      assertThat(whoami.out()).as(whoami.all()).isEqualTo("admin");
      var secret = admin.run("get", "secret", "db", "-o", "jsonpath={.data.password}");
      assertThat(new String(java.util.Base64.getDecoder().decode(secret.out().strip()))).as(secret.all()).isEqualTo("hunter2");
      String server2 = Files.readString(dataDir.resolve("server.ready")).lines().filter(line -> line.startsWith("api=")).findFirst().orElseThrow().substring(4);
      Path robotConfig = io.dirigent.cli.testing.Kubeconfigs.withToken(home.resolve("robot"), server2,
          Files.readString(dataDir.resolve("pki/ca.crt")), token.out().strip());
      io.dirigent.cli.testing.Kubectl robot = new io.dirigent.cli.testing.Kubectl(home, robotConfig.toString());
      var robotWho = robot.run("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}");
      assertThat(robotWho.out()).as(robotWho.all()).isEqualTo("system:serviceaccount:default:robot");
      var robotSecrets = robot.run("get", "secrets");
      assertThat(robotSecrets.all()).contains("cannot list resource \"secrets\"");

      // A new encryption key for new writes; what the old one encrypted stays readable.
      Run rotated = run("encryption-key", "rotate", "--data-dir", dataDir.toString());
      assertThat(rotated.exit()).as(rotated.output()).isZero();
      assertThat(Files.readAllLines(dataDir.resolve("pki/encryption.keys")).stream().filter(line -> line.startsWith("key-"))).hasSize(2);
      assertThat(run("down", "--data-dir", dataDir.toString()).exit()).isZero();
      assertThat(run("up", "--data-dir", dataDir.toString(), "--port", "0", "--api-port", "0").exit()).isZero();
      assertThat(admin.run("create", "secret", "generic", "db2", "--from-literal=password=swordfish").exit()).isZero();
      for (String[] expected : new String[][] {{"db", "hunter2"}, {"db2", "swordfish"}}) {
        var read = admin.run("get", "secret", expected[0], "-o", "jsonpath={.data.password}");
        assertThat(new String(java.util.Base64.getDecoder().decode(read.out().strip()))).as(read.all()).isEqualTo(expected[1]);
      }
    } finally {
      run("down", "--data-dir", dataDir.toString());
    }
    assertThat(poolSandboxes(dataDir)).isEmpty();
  }

  /** Waits for the server of {@code dataDir} to have started pool sandboxes on the engine; answers them. */
  private static java.util.List<String> awaitPoolSandboxes(Path dataDir) {
    io.dirigent.core.testing.Await.until("pool sandboxes on the engine", java.time.Duration.ofSeconds(60), () -> !poolSandboxes(dataDir).isEmpty());
    return poolSandboxes(dataDir);
  }

  /** The free pool sandboxes on the engine of the server of {@code dataDir} (its instance label comes from the directory). */
  private static java.util.List<String> poolSandboxes(Path dataDir) {
    try {
      String instance = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(dataDir.toAbsolutePath().normalize().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0, 6);
      Process docker = new ProcessBuilder("docker", "ps", "-aq", "--no-trunc", "--filter", "label=io.dirigent.pool",
          "--filter", "label=io.dirigent.instance=" + instance, "--filter", "name=^dirigent_pool_").redirectErrorStream(true).start();
      String out = new String(docker.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (docker.waitFor() != 0) {
        throw new IllegalStateException("docker ps failed: " + out);
      }
      return out.lines().filter(line -> !line.isBlank()).toList();
    } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * A member the cluster let go whose actor system could not stop (a connection into a partition
   * holds its ports) exits with code 3 for its supervisor: {@code up} is that supervisor. A
   * {@code java} ahead of the real one on the PATH makes the first server exit so; the next is the
   * real server, which {@code down} stops for good.
   */
  @Test
  void aServerThatExitsForItsSupervisorIsStartedAgain(@TempDir Path dataDir, @TempDir Path bin) throws Exception {
    Path realJava = Path.of(ProcessHandle.current().info().command().orElseThrow());
    Path exitedOnce = bin.resolve("exited-once");
    Path java = bin.resolve("java");
    Files.writeString(java, "#!/bin/sh\n"
        + "if [ ! -e '" + exitedOnce + "' ]; then touch '" + exitedOnce + "'; echo 'stand-in server: exits with code 3'; exit 3; fi\n"
        + "exec '" + realJava + "' \"$@\"\n");
    assertThat(java.toFile().setExecutable(true)).isTrue();
    Map<String, String> path = Map.of("PATH", bin + ":" + System.getenv("PATH"));

    Run up = run(path, "up", "--data-dir", dataDir.toString(), "--port", "0", "--api-port", "0", "--runtime", "simulated");
    long pid;
    try {
      assertThat(up.exit()).as(up.output()).isZero();
      assertThat(up.output()).contains("Dirigent is up.");
      assertThat(Files.readString(dataDir.resolve("server.log")))
          .contains("stand-in server: exits with code 3")
          .contains("the server exited with code 3 (its member could not start again in the same process); starting it again");
      pid = Long.parseLong(Files.readString(dataDir.resolve("server.pid")).strip());
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::info).flatMap(ProcessHandle.Info::command)).hasValue(realJava.toString());
      Run status = run("status", "--data-dir", dataDir.toString());
      assertThat(status.exit()).as(status.output()).isZero();
    } finally {
      Run down = run("down", "--data-dir", dataDir.toString());
      assertThat(down.exit()).as(down.output()).isZero();
    }
    // Stopped on purpose, so not started again: no server and no supervisor left.
    assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
    Thread.sleep(1_500);
    assertThat(dataDir.resolve("server.supervisor")).doesNotExist();
    assertThat(ProcessHandle.allProcesses().filter(process -> process.info().arguments()
        .map(arguments -> String.join(" ", arguments).contains(dataDir.toString())).orElse(false))).isEmpty();
    Run status = run("status", "--data-dir", dataDir.toString());
    assertThat(status.exit()).isEqualTo(1);
    assertThat(status.output()).contains("not running");
  }

  @Test
  void aServerThatCannotStartIsReportedWithItsLog(@TempDir Path dataDir) throws Exception {
    Run up = run("up", "--data-dir", dataDir.toString(), "--store", "etcd", "--port", "0");
    assertThat(up.exit()).isEqualTo(1);
    assertThat(up.output()).contains("unknown store plugin 'etcd'").contains("the server exited before it was ready");
    assertThat(dataDir.resolve("server.pid")).doesNotExist();
  }

  /**
   * Over HTTPS with the kubeconfig {@code up} wrote (the cluster's authority, the administrator's
   * certificate), against the real server on its H2 store: ready, the system namespaces, a write.
   */
  private static void assertTheApiServesTheStore(Path dataDir) throws Exception {
    String api = Files.readString(dataDir.resolve("server.ready")).lines().filter(line -> line.startsWith("api=")).findFirst().orElseThrow().substring(4);
    HttpClient http = HttpClient.newBuilder().sslContext(io.dirigent.cli.client.ClientTls.context(
        io.dirigent.cli.client.Kubeconfig.read(dataDir.resolve("kubeconfig")).tls()).orElseThrow()).build();
    assertThat(http.send(HttpRequest.newBuilder(URI.create(api + "/readyz")).build(), BodyHandlers.ofString()).statusCode())
        .isEqualTo(200);
    String namespaces = http.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/namespaces")).build(), BodyHandlers.ofString()).body();
    assertThat(namespaces).contains("\"name\":\"default\"").contains("\"name\":\"kube-system\"");
    HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/namespaces/default/configmaps"))
        .header("Content-Type", "application/yaml")
        .POST(HttpRequest.BodyPublishers.ofString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: hello}\ndata: {greeting: hi}\n"))
        .build(), BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(http.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/namespaces/default/configmaps/hello")).build(),
        BodyHandlers.ofString()).body()).contains("\"greeting\":\"hi\"");
  }
}
