package io.dirigent.cli;

import static io.dirigent.cli.testing.BinDirigent.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.cli.testing.BinDirigent;
import io.dirigent.cli.testing.Kubectl;
import io.dirigent.cli.testing.Leftovers;
import io.dirigent.core.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker joins as with kubeadm: a bootstrap token from {@code dirigent token create} and the
 * authority's fingerprint are all it needs; a wrong fingerprint, an unknown token and a revoked
 * one get nowhere.
 */
class JoinIT {

  @Test
  void aWorkerJoinsWithABootstrapTokenAndTheAuthoritysFingerprintAndNotWithout(
      @TempDir Path dataDir, @TempDir Path workerDir, @TempDir Path otherDir, @TempDir Path home) throws Exception {
    BinDirigent.Run up = run("up", "--data-dir", dataDir.toString(), "--port", "0", "--api-port", "0", "--node-name", "control");
    Process worker = null;
    try {
      assertThat(up.exit()).as(up.output()).isZero();
      String kubeconfig = dataDir.resolve("kubeconfig").toString();
      BinDirigent.Run created = run("token", "create", "--ttl", "1h", "--kubeconfig", kubeconfig);
      assertThat(created.exit()).as(created.output()).isZero();
      List<String> lines = created.output().lines().toList();
      String token = lines.get(0);
      assertThat(token).matches("[a-z0-9]{6}\\.[a-z0-9]{16}");
      String join = lines.get(1).substring(lines.get(1).indexOf("--join ") + 7).split(" ")[0];
      String fingerprint = lines.get(1).substring(lines.get(1).indexOf("--ca-cert-hash ") + 15).split(" ")[0];
      assertThat(fingerprint).matches("sha256:[0-9a-f]{64}");

      BinDirigent.Run wrongAuthority = run("server", "--roles", "worker", "--join", join, "--token", token,
          "--ca-cert-hash", "sha256:" + "0".repeat(64), "--data-dir", otherDir.toString(), "--port", "0", "--runtime", "none");
      assertThat(wrongAuthority.exit()).isNotZero();
      assertThat(wrongAuthority.output()).contains("shows no authority with the fingerprint");
      BinDirigent.Run wrongToken = run("server", "--roles", "worker", "--join", join, "--token", "abcdef.0123456789abcdef",
          "--ca-cert-hash", fingerprint, "--data-dir", otherDir.toString(), "--port", "0", "--runtime", "none");
      assertThat(wrongToken.exit()).isNotZero();
      assertThat(wrongToken.output()).contains("(401)").contains("the token is not good");
      assertThat(otherDir.resolve("pki/member.crt")).doesNotExist();

      worker = BinDirigent.start(Map.of("JAVA_TOOL_OPTIONS", "-Ddirigent.proxy.mode=none"), "server", "--roles", "worker",
          "--join", join, "--token", token, "--ca-cert-hash", fingerprint,
          "--node-name", "joiner", "--data-dir", workerDir.toString(), "--port", "0", "--runtime", "simulated");
      Kubectl kubectl = new Kubectl(home, kubeconfig);
      Await.until("the joined worker's node Ready", Duration.ofSeconds(90), () -> {
        try {
          return kubectl.run("get", "nodes").out().lines().anyMatch(line -> line.matches("joiner\\s+Ready\\s+.*"));
        } catch (Exception e) {
          return false;
        }
      });
      assertThat(workerDir.resolve("pki/ca.key")).as("a worker holds no key of the authority").doesNotExist();
      assertThat(workerDir.resolve("pki/caller.key")).as("a worker holds no key that names the store's callers").doesNotExist();
      assertThat(io.dirigent.core.auth.CallerKey.readCredential(workerDir.resolve("pki/member.credential")).user())
          .isEqualTo("system:node:joiner");
      assertThat(io.dirigent.core.pki.ClusterPki.identityOf(io.dirigent.core.pki.ClusterPki.readCertificate(workerDir.resolve("pki/member.crt"))).groups())
          .as("a joined member may be a worker and nothing else").containsExactly("system:members", "dirigent:role:worker");
      // The joined worker's agent works as its Node, across processes: it runs a pod bound to it and writes its status.
      var pod = kubectl.run("run", "on-joiner", "--image=dirigent/busybox:1", "--restart=Never",
          "--overrides={\"apiVersion\":\"v1\",\"spec\":{\"nodeName\":\"joiner\"}}", "--", "sleep", "3600");
      assertThat(pod.exit()).as(pod.all()).isZero();
      Await.until("the pod on the joined worker Running", Duration.ofSeconds(60), () -> {
        try {
          return kubectl.run("get", "pod", "on-joiner", "-o", "jsonpath={.status.phase}").out().strip().equals("Running");
        } catch (Exception e) {
          return false;
        }
      });
      assertThat(Files.readString(workerDir.resolve("pki/ca.crt"))).isEqualTo(Files.readString(dataDir.resolve("pki/ca.crt")));

      // Revoked: the token's Secret deleted, the same token joins no one.
      var revoked = kubectl.run("delete", "secret", "-n", "kube-system", "bootstrap-token-" + token.substring(0, 6));
      assertThat(revoked.exit()).as(revoked.all()).isZero();
      BinDirigent.Run afterRevoke = run("server", "--roles", "worker", "--join", join, "--token", token,
          "--ca-cert-hash", fingerprint, "--data-dir", otherDir.toString(), "--port", "0", "--runtime", "none");
      assertThat(afterRevoke.exit()).isNotZero();
      assertThat(afterRevoke.output()).contains("(401)");
    } finally {
      if (worker != null) {
        worker.destroy();
        worker.waitFor(60, TimeUnit.SECONDS);
      }
      Leftovers.downAndRemove(dataDir);
    }
  }
}
