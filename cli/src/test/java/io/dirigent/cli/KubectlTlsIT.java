package io.dirigent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.api.testing.TestApiServer;
import io.dirigent.cli.testing.Kubectl;
import io.dirigent.core.pki.ClusterPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real kubectl over TLS with the cluster's authority: a kubeconfig carrying the CA and a
 * client certificate it issued, as k3s writes one. kubectl verifies the server, and the server
 * knows who kubectl is ({@code kubectl auth whoami}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubectlTlsIT {

  @TempDir
  Path home;
  private Path pkiDir;
  private TestApiServer server;

  @BeforeAll
  void start() throws Exception {
    pkiDir = Files.createTempDirectory("dirigent-kubectl-pki-");
    server = TestApiServer.start(Map.of("dirigent.api.tls.enabled", true, "dirigent.api.tls.pki-dir", pkiDir.toString()));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void kubectlVerifiesTheServerAndIsKnownByItsCertificate() throws Exception {
    ClusterPki pki = ClusterPki.loadOrCreate(pkiDir, "dirigent", Clock.systemUTC());
    ClusterPki.Issued admin = pki.issueClient("admin", List.of("system:masters"));
    Path kubeconfig = home.resolve("kubeconfig");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: dirigent
          cluster: {server: "%s", certificate-authority-data: %s}
        users:
        - name: admin
          user: {client-certificate-data: %s, client-key-data: %s}
        contexts:
        - name: dirigent
          context: {cluster: dirigent, user: admin}
        current-context: dirigent
        """.formatted(server.url(), base64(pki.caPem()), base64(ClusterPki.pem(admin.certificate())), base64(ClusterPki.pem(admin.key()))));
    Kubectl kubectl = new Kubectl(home, kubeconfig.toString());

    Kubectl.Run whoami = kubectl.run("auth", "whoami", "-o", "jsonpath={.status.userInfo.username} {.status.userInfo.groups}");
    assertThat(whoami.exit()).as(whoami.all()).isZero();
    assertThat(whoami.out()).isEqualTo("admin [\"system:masters\",\"system:authenticated\"]");
    Kubectl.Run namespaces = kubectl.run("get", "namespaces", "-o", "name");
    assertThat(namespaces.exit()).as(namespaces.all()).isZero();
    assertThat(namespaces.out()).contains("namespace/kube-system");

    // A kubeconfig without the authority: kubectl refuses the server's certificate.
    Path untrusting = home.resolve("untrusting");
    Files.writeString(untrusting, Files.readString(kubeconfig).replaceAll("certificate-authority-data: [A-Za-z0-9+/=]+", "insecure-skip-tls-verify: false"));
    Kubectl.Run refused = new Kubectl(home, untrusting.toString()).run("get", "namespaces");
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.all()).contains("certificate");
  }

  private static String base64(String pem) {
    return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
  }
}
