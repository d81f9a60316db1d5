package io.dirigent.cli;

import static io.dirigent.cli.testing.BinDirigent.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.cli.testing.BinDirigent;
import io.dirigent.cli.testing.BinDirigent.Run;
import io.dirigent.cli.testing.Leftovers;
import io.dirigent.core.testing.Await;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pod through the whole product, as a user drives it: {@code bin/dirigent up} (with its node
 * agent on the real Docker engine), the CLI and plain HTTP. The pod runs as real containers; its
 * status, events and logs come back through the API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PodsEndToEndIT {

  @TempDir static Path dataDir;
  private String kubeconfig;
  private String api;
  private final String node = "e2e-" + Long.toString(System.nanoTime() % 1_000_000, 36);

  @BeforeAll
  void up() throws Exception {
    Run up = run("up", "--data-dir", dataDir.toString(), "--port", "0", "--api-port", "0", "--node-name", node);
    assertThat(up.exit()).as(up.output()).isZero();
    kubeconfig = dataDir.resolve("kubeconfig").toString();
    api = Files.readString(dataDir.resolve("server.ready")).lines().filter(l -> l.startsWith("api=")).findFirst().orElseThrow().substring(4);
  }

  @AfterAll
  void down() throws Exception {
    run("delete", "pods", "-l", "app=e2e", "--kubeconfig", kubeconfig);
    Run down = Leftovers.downAndRemove(dataDir);
    assertThat(down.exit()).as(down.output()).isZero();
    assertThat(Leftovers.containersOf(dataDir)).as("containers of this class's server").isEmpty();
  }

  /** The CLI with the kubeconfig {@code up} wrote (given first, so that what follows a {@code --} stays the container's). */
  private Run cli(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--kubeconfig", kubeconfig));
    all.addAll(List.of(args));
    return run(all.toArray(String[]::new));
  }

  /** Runs the CLI command until its output satisfies {@code condition}, for up to a minute. */
  private void awaitOutput(String what, java.util.function.Predicate<String> condition, String... args) {
    Await.until(what, Duration.ofSeconds(60), () -> {
      try {
        return condition.test(cli(args).output());
      } catch (Exception e) {
        return false;
      }
    });
  }

  private Path manifest(String name, String yaml) throws Exception {
    Path file = dataDir.resolve(name + ".yaml");
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void theNodeRegistersItself() throws Exception {
    awaitOutput("node " + node + " Ready", out -> out.lines().anyMatch(line -> line.matches(node + "\\s+Ready\\s+.*")), "get", "nodes");
  }

  @Test
  void aPodRunsItsStatusEventsAndLogsComeBackAndDeletingItStopsIt() throws Exception {
    Path file = manifest("ticker", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: ticker
          labels: {app: e2e}
        spec:
          terminationGracePeriodSeconds: 2
          containers:
          - name: app
            image: dirigent/busybox:1
            command: ["sh", "-c", "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.3; done"]
        """);
    Run applied = cli("apply", "-f", file.toString());
    assertThat(applied.exit()).as(applied.output()).isZero();

    awaitOutput("ticker Running", out -> out.lines().anyMatch(line -> line.matches("ticker\\s+1/1\\s+Running\\s+0\\s+.*")), "get", "pods");
    Run wide = cli("get", "pods", "-o", "wide");
    assertThat(wide.output()).containsPattern("ticker\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+\\d+\\.\\d+\\.\\d+\\.\\d+\\s+" + node);

    awaitOutput("three ticks logged", out -> out.contains("tick 3\n"), "logs", "ticker");
    Run tail = cli("logs", "ticker", "--tail", "1");
    assertThat(tail.output().lines().toList()).hasSize(1).allMatch(line -> line.matches("tick \\d+"));

    // Over HTTP (the kubeconfig's TLS), with timestamps.
    String logs = http().send(HttpRequest.newBuilder(
        URI.create(api + "/api/v1/namespaces/default/pods/ticker/log?timestamps=true&tailLines=2")).build(), BodyHandlers.ofString()).body();
    assertThat(logs.lines().toList()).hasSize(2).allMatch(line -> line.matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z tick \\d+"));

    // logs -f keeps printing lines written after it started.
    Process follow = BinDirigent.start("logs", "ticker", "-f", "--tail", "1", "--kubeconfig", kubeconfig);
    try {
      LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
      Thread reader = new Thread(() -> {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(follow.getInputStream(), StandardCharsets.UTF_8))) {
          out.lines().forEach(lines::add);
        } catch (Exception ignored) {
          // the process was stopped
        }
      });
      reader.setDaemon(true);
      reader.start();
      String first = lines.poll(60, TimeUnit.SECONDS);
      assertThat(first).as("the first followed line").isNotNull().matches("tick \\d+");
      int start = Integer.parseInt(first.substring(5));
      for (int expected = start + 1; expected <= start + 5; expected++) {
        assertThat(lines.poll(30, TimeUnit.SECONDS)).isEqualTo("tick " + expected);
      }
    } finally {
      follow.destroy();
    }

    Run described = cli("describe", "pod", "ticker");
    assertThat(described.output()).contains("Started container app").contains("Pulled");

    Run deleted = cli("delete", "pod", "ticker");
    assertThat(deleted.exit()).as(deleted.output()).isZero();
    awaitOutput("ticker gone", out -> !out.contains("ticker"), "get", "pods");
  }

  @Test
  void aTerminalExecIsSizedAsTheClientSaysAndRunsWhatItIsSent() throws Exception {
    Path file = manifest("terminal", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: terminal
          labels: {app: e2e}
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: app
            image: dirigent/busybox:1
            command: ["sleep", "3600"]
        """);
    assertThat(cli("apply", "-f", file.toString()).exit()).isZero();
    awaitOutput("the pod running", out -> out.contains("Running"), "get", "pod", "terminal");

    // kubectl only asks for a TTY from a terminal, so its protocol is spoken here directly.
    URI exec = URI.create(api.replace("https://", "wss://").replace("http://", "ws://") + "/api/v1/namespaces/default/pods/terminal/exec?command=sh&stdin=true&stdout=true&tty=true");
    StringBuilder output = new StringBuilder();
    StringBuilder status = new StringBuilder();
    java.util.concurrent.CompletableFuture<Void> closed = new java.util.concurrent.CompletableFuture<>();
    java.net.http.WebSocket socket = http().newWebSocketBuilder().subprotocols("v5.channel.k8s.io")
        .buildAsync(exec, new java.net.http.WebSocket.Listener() {
          private final java.io.ByteArrayOutputStream message = new java.io.ByteArrayOutputStream();

          @Override
          public java.util.concurrent.CompletionStage<?> onBinary(java.net.http.WebSocket webSocket, java.nio.ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            message.writeBytes(bytes);
            if (last) {
              byte[] whole = message.toByteArray();
              message.reset();
              String text = new String(whole, 1, whole.length - 1, StandardCharsets.UTF_8);
              synchronized (output) {
                (whole[0] == 3 ? status : output).append(text);
              }
            }
            webSocket.request(1);
            return null;
          }

          @Override
          public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket webSocket, int code, String reason) {
            closed.complete(null);
            return null;
          }
        }).get(30, TimeUnit.SECONDS);
    socket.sendBinary(frame(4, "{\"Width\":120,\"Height\":40}"), true).join();
    socket.sendBinary(frame(0, "stty size; exit 0\n"), true).join();
    closed.get(30, TimeUnit.SECONDS);

    synchronized (output) {
      // A terminal echoes what it is sent, then the command's answer: rows and columns.
      assertThat(output.toString()).contains("stty size").contains("40 120");
      assertThat(status.toString()).contains("\"status\":\"Success\"");
    }
    assertThat(cli("delete", "pod", "terminal").exit()).isZero();
  }

  private static java.nio.ByteBuffer frame(int channel, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(bytes.length + 1);
    buffer.put((byte) channel).put(bytes).flip();
    return buffer;
  }

  @Test
  void aCrashingPodShowsCrashLoopBackOffAndItsPreviousLog() throws Exception {
    Path file = manifest("crasher", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: crasher
          labels: {app: e2e}
        spec:
          nodeName: %s
          containers:
          - name: app
            image: dirigent/busybox:1
            command: ["sh", "-c", "echo about to fail; exit 2"]
        """.formatted(node));
    assertThat(cli("apply", "-f", file.toString()).exit()).isZero();
    awaitOutput("crasher in CrashLoopBackOff",
        out -> out.lines().anyMatch(line -> line.matches("crasher\\s+0/1\\s+CrashLoopBackOff\\s+[1-9]\\d*\\s+.*")), "get", "pods");
    Run previous = cli("logs", "crasher", "--previous");
    assertThat(previous.exit()).as(previous.output()).isZero();
    assertThat(previous.output()).isEqualTo("about to fail\n");
  }

  @Test
  void aPodCarriesItsAccountsTokenWhichListsOnlyWhatItsRoleAllowsAndDiesWithThePod() throws Exception {
    Path file = manifest("token-reader", """
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: reader}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: configmap-reader}
        rules:
        - {apiGroups: [""], resources: [configmaps], verbs: [list]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: reader}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: configmap-reader}
        subjects: [{kind: ServiceAccount, name: reader}]
        """);
    Run applied = cli("apply", "-f", file.toString());
    assertThat(applied.exit()).as(applied.output()).isZero();
    Path pod = manifest("token-pod", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: token-pod
          labels: {app: e2e}
        spec:
          serviceAccountName: reader
          terminationGracePeriodSeconds: 1
          containers:
          - name: app
            image: dirigent/busybox:1
            command: ["sleep", "3600"]
        """);
    Run created = cli("apply", "-f", pod.toString());
    assertThat(created.exit()).as(created.output()).isZero();
    awaitOutput("token-pod Running", out -> out.lines().anyMatch(line -> line.matches("token-pod\\s+1/1\\s+Running\\s+.*")), "get", "pods");

    String dir = "/var/run/secrets/kubernetes.io/serviceaccount/";
    Run token = cli("exec", "token-pod", "--", "cat", dir + "token");
    assertThat(token.exit()).as(token.output()).isZero();
    assertThat(cli("exec", "token-pod", "--", "cat", dir + "namespace").output()).isEqualTo("default");
    assertThat(cli("exec", "token-pod", "--", "cat", dir + "ca.crt").output()).isEqualTo(Files.readString(dataDir.resolve("pki/ca.crt")));
    Run written = cli("exec", "token-pod", "--", "sh", "-c", "echo x > " + dir + "token");
    assertThat(written.exit()).as("the token volume is read-only").isNotZero();

    String bearer = "Bearer " + token.output().strip();
    HttpResponse<String> configMaps = tokenOnly().send(HttpRequest.newBuilder(URI.create(api + "/api/v1/namespaces/default/configmaps"))
        .header("Authorization", bearer).build(), BodyHandlers.ofString());
    assertThat(configMaps.statusCode()).as(configMaps.body()).isEqualTo(200);
    HttpResponse<String> secrets = tokenOnly().send(HttpRequest.newBuilder(URI.create(api + "/api/v1/namespaces/default/secrets"))
        .header("Authorization", bearer).build(), BodyHandlers.ofString());
    assertThat(secrets.statusCode()).isEqualTo(403);
    assertThat(secrets.body()).contains("User \\\"system:serviceaccount:default:reader\\\" cannot list resource \\\"secrets\\\"");

    Run deleted = cli("delete", "pod", "token-pod");
    assertThat(deleted.exit()).as(deleted.output()).isZero();
    Await.until("the token dies with its pod", Duration.ofSeconds(60), () -> {
      try {
        return tokenOnly().send(HttpRequest.newBuilder(URI.create(api + "/api/v1/namespaces/default/configmaps"))
            .header("Authorization", bearer).build(), BodyHandlers.ofString()).statusCode() == 401;
      } catch (Exception e) {
        return false;
      }
    });
  }

  /** A client that trusts the cluster's authority and presents no certificate: a token's sender is who the token says. */
  private HttpClient tokenOnly() {
    var tls = io.dirigent.cli.client.Kubeconfig.read(Path.of(kubeconfig)).tls();
    return HttpClient.newBuilder().sslContext(io.dirigent.cli.client.ClientTls.context(
        new io.dirigent.cli.client.Kubeconfig.Tls(tls.authority(), null, null)).orElseThrow()).build();
  }

  /** A client with the TLS of the kubeconfig {@code up} wrote. */
  private HttpClient http() {
    return HttpClient.newBuilder().sslContext(io.dirigent.cli.client.ClientTls.context(
        io.dirigent.cli.client.Kubeconfig.read(Path.of(kubeconfig)).tls()).orElseThrow()).build();
  }
}
