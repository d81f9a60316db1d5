package io.dirigent.cli;

import static io.dirigent.cli.testing.BinDirigent.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.cli.testing.BinDirigent;
import io.dirigent.cli.testing.Kubectl;
import io.dirigent.cli.testing.Leftovers;
import io.dirigent.core.api.KubeJson;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kubernetes' official Python client (Debian's python3-kubernetes) streaming into a real
 * container: {@code bin/dirigent up} on the real Docker engine, and the client's
 * {@code kubernetes.stream.stream} (interactive exec and attach, stdin written as WebSocket text) and
 * {@code kubernetes.stream.portforward} (the plain channel protocol, {@code v4.channel.k8s.io}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PythonStreamsIT {

  private static final Path PYTHON = Path.of("/usr/bin/python3");

  @TempDir static Path dataDir;
  @TempDir static Path home;
  private Kubectl kubectl;
  private Path script;
  private final String node = "py-streams-" + Long.toString(System.nanoTime() % 1_000_000, 36);

  @BeforeAll
  void up() throws Exception {
    Path root = BinDirigent.SCRIPT.getParent().getParent();
    Run ensure = python(List.of(root.resolve("bin/python-client").toString(), "ensure"), 600);
    assertThat(ensure.exit()).as("bin/python-client ensure: " + ensure.output()).isZero();
    BinDirigent.Run up = run("up", "--data-dir", dataDir.toString(), "--port", "0", "--api-port", "0", "--node-name", node);
    assertThat(up.exit()).as(up.output()).isZero();
    kubectl = new Kubectl(home, dataDir.resolve("kubeconfig").toString());
    script = home.resolve("streams_check.py");
    try (InputStream in = PythonStreamsIT.class.getResourceAsStream("/python/streams_check.py")) {
      Files.write(script, in.readAllBytes());
    }
  }

  @AfterAll
  void down() throws Exception {
    BinDirigent.Run down = Leftovers.downAndRemove(dataDir);
    assertThat(down.exit()).as(down.output()).isZero();
    assertThat(Leftovers.containersOf(dataDir)).as("containers of this class's server").isEmpty();
  }

  record Run(int exit, String output) {}

  private static Run python(List<String> command, int timeoutSeconds) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s");
    }
    return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }

  private void ok(String... args) throws Exception {
    Kubectl.Run run = kubectl.run(args);
    assertThat(run.exit()).as("kubectl %s: %s", String.join(" ", args), run.all()).isZero();
  }

  @Test
  void execWithTextStdinAndPortForwardingWorkFromThePythonClient() throws Exception {
    ok("run", "site", "--image=dirigent/busybox:1", "--", "sh", "-c", "mkdir /www && echo pong > /www/sum && httpd -f -p 8080 -h /www");
    ok("run", "listener", "--image=dirigent/busybox:1", "--stdin", "--leave-stdin-open", "--attach=false",
        "--", "sh", "-c", "read line; echo \"heard $line\"; sleep 3600");
    ok("wait", "--for=condition=Ready", "pod/site", "pod/listener", "--timeout=120s");

    Run checked = python(List.of(PYTHON.toString(), script.toString(), dataDir.resolve("kubeconfig").toString(), "default", "site", "listener"),
        180);
    assertThat(checked.exit()).as(checked.output()).isZero();
    JsonNode result = KubeJson.MAPPER.readTree(checked.output().lines().reduce((first, last) -> last).orElse("{}"));
    // v4: what the client typed (as text) reached the shell, both output channels came back, and its exit status.
    assertThat(result.path("exec_stdout").asText()).isEqualTo("hello from stdin\n");
    assertThat(result.path("exec_stderr").asText()).isEqualTo("to stderr\n");
    assertThat(result.path("exec_returncode").asInt()).isEqualTo(7);
    assertThat(result.path("exec_echo").asText()).isEqualTo("plain\n");
    // v5: text stdin counted as its UTF-8 bytes, ended by the close signal; a resize reached the terminal.
    assertThat(result.path("v5_counted").asText()).isEqualTo("7");
    assertThat(result.path("v5_returncode").asInt()).isZero();
    assertThat(result.path("tty_size").asText()).isEqualTo("45 123");
    // Attach: the line typed reached the container's own shell, which answered.
    assertThat(result.path("attach_heard").asText()).isEqualTo("heard hi there\n");
    // Port forwarding: an HTTP exchange through the socket, and a refused port reported on the error channel.
    assertThat(result.path("forward_status").asText()).isEqualTo("HTTP/1.1 200 OK");
    assertThat(result.path("forward_response").asText()).isEqualTo("pong\n");
    assertThat(result.path("forward_refused_error").asText()).startsWith("error forwarding port 9999 to pod site: dial tcp ")
        .endsWith(":9999: connection refused");
    ok("delete", "pod", "site", "listener", "--grace-period=1");
  }
}
