package io.dirigent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.cli.client.Kubeconfig;
import io.dirigent.core.testing.Await;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServerCommandTest {

  @Test
  void theServerWritesItsReadyFileOnceTheMemberIsUpAndTheStoreAnswers(@TempDir Path dataDir) throws Exception {
    ServerCommand server = new ServerCommand();
    CommandLine command = new CommandLine(server);
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() ->
        command.execute("--data-dir", dataDir.toString(), "--port", "0", "--api-port", "0", "--ready-timeout", "60",
            "--runtime", "simulated", "--node-name", "server-test"));
    Path ready = dataDir.resolve(ServerCommand.READY_FILE);
    Await.until("the ready file", Duration.ofSeconds(90), () -> Files.exists(ready) || exit.isDone());

    String content = Files.readString(ready);
    assertThat(content).contains("pid=" + ProcessHandle.current().pid())
        .containsPattern("member=pekko://dirigent@127\\.0\\.0\\.1:\\d+")
        .contains("roles=control-plane,worker")
        .contains("store=h2")
        .containsPattern("api=https://127\\.0\\.0\\.1:\\d+");
    assertThat(dataDir.resolve("store")).isDirectory();
    String api = content.lines().filter(line -> line.startsWith("api=")).findFirst().orElseThrow().substring(4);
    Kubeconfig kubeconfig = Kubeconfig.read(dataDir.resolve(ServerCommand.KUBECONFIG_FILE));
    assertThat(kubeconfig.server()).isEqualTo(api);
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve(ServerCommand.KUBECONFIG_FILE))))
        .as("the kubeconfig holds a key").isEqualTo("rw-------");
    // The kubeconfig's authority verifies the server, and its certificate is the cluster's administrator.
    HttpClient client = HttpClient.newBuilder().sslContext(io.dirigent.cli.client.ClientTls.context(kubeconfig.tls()).orElseThrow()).build();
    HttpResponse<String> readyz = client.send(HttpRequest.newBuilder(URI.create(api + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(readyz.statusCode()).isEqualTo(200);
    HttpResponse<String> whoami = client.send(HttpRequest.newBuilder(URI.create(api + "/apis/authentication.k8s.io/v1/selfsubjectreviews"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(whoami.body()).contains("\"username\":\"admin\"").contains("system:masters");

    server.stop();
    assertThat(exit.get()).isZero();
    assertThat(ready).doesNotExist();
  }

  @Test
  void plainHttpIsServedOnlyOnLoopbackAndOnlyWhenAskedFor(@TempDir Path dataDir) throws Exception {
    ServerCommand server = new ServerCommand();
    CommandLine command = new CommandLine(server);
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() ->
        command.execute("--data-dir", dataDir.toString(), "--port", "0", "--api-port", "0", "--ready-timeout", "60",
            "--runtime", "none", "--node-name", "plain-test", "--insecure-http"));
    Path ready = dataDir.resolve(ServerCommand.READY_FILE);
    Await.until("the ready file", Duration.ofSeconds(90), () -> Files.exists(ready) || exit.isDone());
    assertThat(Files.readString(ready)).containsPattern("api=http://127\\.0\\.0\\.1:\\d+");
    assertThat(Kubeconfig.read(dataDir.resolve(ServerCommand.KUBECONFIG_FILE)).tls()).isEqualTo(Kubeconfig.Tls.NONE);
    server.stop();
    assertThat(exit.get()).isZero();
  }

  @Test
  void anUnknownOptionIsOneClearLineAndANonZeroExit() {
    StringWriter err = new StringWriter();
    int exit = Dirigent.commandLine().setErr(new PrintWriter(err)).execute("server", "--no-such-option");
    assertThat(exit).isNotZero();
    assertThat(err.toString()).isEqualTo("error: unknown flag: --no-such-option (see 'dirigent server --help')\n");
  }

  @Test
  void anUnknownStorePluginIsRefusedWithTheChoices(@TempDir Path dataDir) {
    StringWriter err = new StringWriter();
    int exit = Dirigent.commandLine().setErr(new PrintWriter(err))
        .execute("server", "--data-dir", dataDir.toString(), "--store", "etcd", "--port", "0");
    assertThat(exit).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("error: unknown store plugin 'etcd': use h2 or cassandra");
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "server {0}")
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "--insecure-http --host 10.1.2.3 | --insecure-http runs members without TLS too: only on a loopback --host",
      "--join https://127.0.0.1:6443 --token abcdef.0123456789abcdef --ca-cert-hash sha256:00 | --join joins a worker (--roles worker)",
      "--join https://127.0.0.1:6443 --roles worker | --join, --token and --ca-cert-hash go together",
      "--join http://127.0.0.1:6443 --token abcdef.0123456789abcdef --ca-cert-hash sha256:00 --roles worker | --join needs the API server's https:// address"})
  void membersThatWouldTalkPlainTcpOnANetworkOrJoinWrongAreRefused(String arguments, String message, @TempDir Path dataDir) {
    StringWriter err = new StringWriter();
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("server", "--data-dir", dataDir.toString(), "--port", "0"));
    args.addAll(java.util.List.of(arguments.split(" ")));
    int exit = Dirigent.commandLine().setErr(new PrintWriter(err)).execute(args.toArray(String[]::new));
    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).startsWith("error: " + message);
    assertThat(dataDir.resolve("pki/ca.crt")).doesNotExist();
  }
}
