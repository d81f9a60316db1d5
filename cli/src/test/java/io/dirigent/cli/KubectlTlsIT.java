package io.dirigent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.api.testing.TestApiServer;
import io.dirigent.cli.testing.Kubeconfigs;
import io.dirigent.cli.testing.Kubectl;
import io.dirigent.core.pki.ClusterPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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
    Path kubeconfig = Kubeconfigs.withCertificate(home.resolve("kubeconfig"), server.url(), pki, admin);
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

  @Test
  void kubectlAuthCanIAnswersAndRbacLimitsAUserAndAServiceAccountToken() throws Exception {
    ClusterPki pki = ClusterPki.loadOrCreate(pkiDir, "dirigent", Clock.systemUTC());
    Kubectl admin = new Kubectl(home, Kubeconfigs.withCertificate(home.resolve("admin-config"), server.url(), pki,
        pki.issueClient("admin", List.of("system:masters"))).toString());
    Kubectl alice = new Kubectl(home, Kubeconfigs.withCertificate(home.resolve("alice-config"), server.url(), pki,
        pki.issueClient("alice", List.of("developers"))).toString());
    for (String[] command : new String[][] {
        {"create", "namespace", "rbac-kubectl"},
        {"create", "role", "pod-reader", "--verb=get,list,watch", "--resource=pods", "-n", "rbac-kubectl"},
        {"create", "rolebinding", "developers", "--role=pod-reader", "--group=developers", "-n", "rbac-kubectl"},
        {"create", "serviceaccount", "robot", "-n", "rbac-kubectl"},
        {"create", "rolebinding", "robot", "--role=pod-reader", "--serviceaccount=rbac-kubectl:robot", "-n", "rbac-kubectl"}}) {
      Kubectl.Run run = admin.run(command);
      assertThat(run.exit()).as(run.all()).isZero();
    }
    Kubectl.Run yes = awaitYes(alice, "auth", "can-i", "list", "pods", "-n", "rbac-kubectl");
    assertThat(yes.out().strip()).isEqualTo("yes");
    Kubectl.Run no = alice.run("auth", "can-i", "delete", "pods", "-n", "rbac-kubectl");
    assertThat(no.exit()).isEqualTo(1);
    assertThat(no.out().strip()).isEqualTo("no");
    assertThat(alice.run("auth", "can-i", "list", "pods", "-n", "default").out().strip()).isEqualTo("no");
    Kubectl.Run list = alice.run("auth", "can-i", "--list", "-n", "rbac-kubectl");
    assertThat(list.exit()).as(list.all()).isZero();
    assertThat(list.out()).contains("pods").contains("selfsubjectaccessreviews.authorization.k8s.io");
    Kubectl.Run pods = alice.run("get", "pods", "-n", "rbac-kubectl");
    assertThat(pods.exit()).as(pods.all()).isZero();
    Kubectl.Run secrets = alice.run("get", "secrets", "-n", "rbac-kubectl");
    assertThat(secrets.exit()).isNotZero();
    assertThat(secrets.all()).contains("Error from server (Forbidden): secrets is forbidden: "
        + "User \"alice\" cannot list resource \"secrets\" in API group \"\" in the namespace \"rbac-kubectl\"");
    // Impersonation: the administrator may act as alice (and gets alice's answers); alice may not act as anyone.
    assertThat(admin.run("auth", "can-i", "get", "pods", "-n", "rbac-kubectl", "--as", "alice", "--as-group", "developers").out().strip())
        .isEqualTo("yes");
    assertThat(admin.run("auth", "can-i", "get", "secrets", "-n", "rbac-kubectl", "--as", "alice", "--as-group", "developers").out().strip())
        .isEqualTo("no");
    Kubectl.Run asAdmin = alice.run("get", "secrets", "-n", "rbac-kubectl", "--as", "admin", "--as-group", "system:masters");
    assertThat(asAdmin.exit()).isNotZero();
    assertThat(asAdmin.all()).contains("users \"admin\" is forbidden: User \"alice\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope");

    Kubectl.Run token = admin.run("create", "token", "robot", "-n", "rbac-kubectl", "--duration=10m");
    assertThat(token.exit()).as(token.all()).isZero();
    Kubectl robot = new Kubectl(home, Kubeconfigs.withToken(home.resolve("robot-config"), server.url(), pki.caPem(), token.out().strip()).toString());
    Kubectl.Run whoami = robot.run("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}");
    assertThat(whoami.out()).as(whoami.all()).isEqualTo("system:serviceaccount:rbac-kubectl:robot");
    Kubectl.Run robotPods = robot.run("get", "pods", "-n", "rbac-kubectl");
    assertThat(robotPods.exit()).as(robotPods.all()).isZero();
    Kubectl.Run robotSecrets = robot.run("get", "secrets", "-n", "rbac-kubectl");
    assertThat(robotSecrets.all()).contains("User \"system:serviceaccount:rbac-kubectl:robot\" cannot list resource \"secrets\"");
  }

  private static Kubectl.Run awaitYes(Kubectl kubectl, String... command) throws Exception {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
    Kubectl.Run run = kubectl.run(command);
    while (run.exit() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(100);
      run = kubectl.run(command);
    }
    assertThat(run.exit()).as(run.all()).isZero();
    return run;
  }
}
