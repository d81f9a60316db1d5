package io.dirigent.cli;

import static io.dirigent.cli.testing.BinDirigent.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.cli.testing.BinDirigent.Run;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main command, for real: bin/dirigent up, status, down on the packaged build. */
class BinDirigentIT {

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

      Run again = run("up", "--data-dir", dataDir.toString(), "--port", "0");
      assertThat(again.exit()).isZero();
      assertThat(again.output()).contains("already running (pid " + pid + ")");

      Run status = run("status", "--data-dir", dataDir.toString());
      assertThat(status.exit()).isZero();
      assertThat(status.output()).contains("Dirigent is up.");
    } finally {
      Run down = run("down", "--data-dir", dataDir.toString());
      assertThat(down.exit()).as(down.output()).isZero();
      assertThat(down.output()).contains("stopped");
    }
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
