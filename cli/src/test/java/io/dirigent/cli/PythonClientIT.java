package io.dirigent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.api.testing.TestApiServer;
import io.dirigent.cli.testing.Kubeconfigs;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.pki.ClusterPki;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Kubernetes' official Python client (Debian's python3-kubernetes, installed by
 * bin/python-client) against the server over TLS with a kubeconfig as Dirigent writes it: it
 * verifies the server, creates, reads, lists, patches, watches and deletes, and asks can-i.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PythonClientIT {

  private static final Path PYTHON = Path.of("/usr/bin/python3");

  private Path home;
  private Path pkiDir;
  private TestApiServer server;
  private Path script;

  @BeforeAll
  void start() throws Exception {
    Path root = Path.of("").toAbsolutePath();
    while (!Files.exists(root.resolve("bin/python-client"))) {
      root = root.getParent();
    }
    Run ensure = run(List.of(root.resolve("bin/python-client").toString(), "ensure"), 600);
    assertThat(ensure.exit()).as("bin/python-client ensure: " + ensure.output()).isZero();
    pkiDir = Files.createTempDirectory("dirigent-python-pki-");
    home = Files.createTempDirectory("dirigent-python-");
    server = TestApiServer.start(Map.of("dirigent.api.tls.enabled", true, "dirigent.api.tls.pki-dir", pkiDir.toString()));
    script = home.resolve("client_check.py");
    try (InputStream in = PythonClientIT.class.getResourceAsStream("/python/client_check.py")) {
      Files.write(script, in.readAllBytes());
    }
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  record Run(int exit, String output) {}

  private static Run run(List<String> command, int timeoutSeconds) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s");
    }
    return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }

  @Test
  void theOfficialPythonClientWorksWithTheKubeconfigAsAdmin() throws Exception {
    ClusterPki pki = ClusterPki.loadOrCreate(pkiDir, "dirigent", Clock.systemUTC());
    Path kubeconfig = Kubeconfigs.withCertificate(home.resolve("admin"), server.url(), pki, pki.issueClient("admin", List.of("system:masters")));
    Run checked = run(List.of(PYTHON.toString(), script.toString(), kubeconfig.toString(), "python-admin"), 120);
    assertThat(checked.exit()).as(checked.output()).isZero();
    JsonNode result = KubeJson.MAPPER.readTree(checked.output().lines().reduce((first, last) -> last).orElse("{}"));
    assertThat(result.path("read").asText()).isEqualTo("blue");
    assertThat(result.path("listed")).extracting(JsonNode::asText).containsExactly("settings");
    assertThat(result.path("patched").asText()).isEqualTo("green");
    assertThat(result.path("secret_keys")).extracting(JsonNode::asText).containsExactly("password");
    assertThat(result.path("deployment_replicas").asInt()).isEqualTo(2);
    assertThat(result.path("watched")).extracting(JsonNode::asText).containsExactly("MODIFIED settings", "DELETED settings");
    assertThat(result.path("can_list_secrets").asBoolean()).isTrue();
    assertThat(result.path("after_delete").asInt()).isEqualTo(404);
  }

  @Test
  void aUserWithoutRightsIsRefusedAndAnUntrustedServerIsNotSpokenTo() throws Exception {
    ClusterPki pki = ClusterPki.loadOrCreate(pkiDir, "dirigent", Clock.systemUTC());
    Path nobody = Kubeconfigs.withCertificate(home.resolve("nobody"), server.url(), pki, pki.issueClient("nobody", List.of()));
    Run refused = run(List.of(PYTHON.toString(), script.toString(), nobody.toString(), "python-nobody"), 120);
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.output()).contains("(403)").contains("User \\\"nobody\\\" cannot create resource \\\"namespaces\\\"");

    ClusterPki other = ClusterPki.loadOrCreate(Files.createTempDirectory("other-pki-"), "dirigent", Clock.systemUTC());
    Path untrusting = Kubeconfigs.withCertificate(home.resolve("untrusting"), server.url(), other, pki.issueClient("admin", List.of("system:masters")));
    Run unverified = run(List.of(PYTHON.toString(), script.toString(), untrusting.toString(), "python-untrusting"), 120);
    assertThat(unverified.exit()).isNotZero();
    assertThat(unverified.output()).containsIgnoringCase("certificate verify failed");
  }
}
