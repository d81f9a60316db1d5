package io.dirigent.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.dirigent.core.pki.ClusterPki;
import io.dirigent.core.testing.Await;
import io.dirigent.core.testing.TestNodes;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Members talk TLS with certificates of the cluster's authority: a second member with one joins;
 * a process speaking plain TCP, one of another cluster's authority, and one holding a user's
 * certificate of the right authority do not.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MemberTlsIT {

  private Path pkiDir;
  private ClusterNode first;
  private int firstPort;
  private final List<ClusterNode> started = new ArrayList<>();

  @BeforeAll
  void start() throws Exception {
    pkiDir = Files.createTempDirectory("member-tls-");
    ClusterPki.loadOrCreate(pkiDir, "dirigent", Clock.systemUTC());
    firstPort = freePort();
    first = TestNodes.start(settings(pkiDir, firstPort, true));
    started.add(first);
  }

  @AfterAll
  void stop() {
    started.forEach(ClusterNode::close);
  }

  private static com.typesafe.config.Config settings(Path pki, int port, boolean tls) throws Exception {
    return ConfigFactory.parseMap(Map.of(
        "dirigent.store.plugin", "memory",
        "dirigent.data-dir", Files.createTempDirectory("member-data-").toString(),
        "dirigent.cluster.port", port,
        "dirigent.cluster.tls.enabled", tls,
        "dirigent.cluster.tls.pki-dir", pki.toString()));
  }


  private long upMembers() {
    return StreamSupport.stream(Cluster.get(first.system()).state().getMembers().spliterator(), false)
        .filter(member -> member.status() == org.apache.pekko.cluster.MemberStatus.up()).count();
  }

  @Test
  void aMemberWithACertificateOfTheClustersAuthorityJoinsAndNoOtherProcessDoes() throws Exception {
    // The first member is a cluster of its own name; the others must use it to join it.
    assertThat(first.system().name()).startsWith("dirigent-test-");
    ClusterNode member = ClusterNode.start(first.system().name(), settings(pkiDir, freePort(), true)
        .withFallback(ConfigFactory.parseMap(Map.of("dirigent.cluster.seed-nodes", List.of("127.0.0.1:" + firstPort))))
        .withFallback(TestNodes.testSettings()));
    started.add(member);
    member.ready().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
    Await.until("two members up", Duration.ofSeconds(30), () -> upMembers() == 2);
    assertThat(ClusterPki.identityOf(ClusterPki.readCertificate(pkiDir.resolve("member.crt"))).groups())
        .containsExactly(ClusterPki.MEMBERS, ClusterPki.ROLE_PREFIX + "control-plane", ClusterPki.ROLE_PREFIX + "worker");

    // Plain TCP; another cluster's authority; this authority's certificate for a user, not a member.
    Path other = Files.createTempDirectory("other-cluster-");
    ClusterPki.loadOrCreate(other, "dirigent", Clock.systemUTC());
    Path user = Files.createTempDirectory("user-cert-");
    Files.copy(pkiDir.resolve("ca.crt"), user.resolve("ca.crt"));
    ClusterPki pki = ClusterPki.loadOrCreate(pkiDir, "dirigent", Clock.systemUTC());
    ClusterPki.Issued admin = pki.issueClient("admin", List.of("system:masters"));
    Files.writeString(user.resolve("member.crt"), ClusterPki.pem(admin.certificate()));
    Files.writeString(user.resolve("member.key"), ClusterPki.pem(admin.key()));
    List<ClusterNode> intruders = List.of(
        ClusterNode.start(first.system().name(), settings(pkiDir, freePort(), false).withFallback(seed()).withFallback(TestNodes.testSettings())),
        ClusterNode.start(first.system().name(), settings(other, freePort(), true).withFallback(seed()).withFallback(TestNodes.testSettings())),
        ClusterNode.start(first.system().name(), settings(user, freePort(), true).withFallback(seed()).withFallback(TestNodes.testSettings())));
    started.addAll(intruders);
    Thread.sleep(Duration.ofSeconds(10).toMillis());
    assertThat(upMembers()).as("members up after 10 s of three intruders trying to join").isEqualTo(2);
    for (ClusterNode intruder : intruders) {
      assertThat(intruder.ready().toCompletableFuture().isDone() && !intruder.ready().toCompletableFuture().isCompletedExceptionally())
          .as("an intruder is not ready").isFalse();
    }
  }

  @Test
  void aMemberThatDeclaresARoleItsCertificateDoesNotCarryIsDowned() throws Exception {
    // A worker's certificate (as a join gives it), in a process that declares itself control plane.
    Path worker = Files.createTempDirectory("worker-cert-");
    Files.copy(pkiDir.resolve("ca.crt"), worker.resolve("ca.crt"));
    ClusterPki.writeIssued(worker, "member", ClusterPki.loadOrCreate(pkiDir, "dirigent", Clock.systemUTC()).issueMember("rogue", List.of("worker")));
    int port = freePort();
    ClusterNode rogue = ClusterNode.start(first.system().name(), settings(worker, port, true)
        .withFallback(ConfigFactory.parseMap(Map.of("dirigent.cluster.roles", List.of("control-plane", "worker"))))
        .withFallback(seed()).withFallback(TestNodes.testSettings()));
    started.add(rogue);

    Await.until("the member declaring control-plane with a worker's certificate is downed", Duration.ofSeconds(30),
        () -> StreamSupport.stream(Cluster.get(first.system()).state().getMembers().spliterator(), false)
            .filter(member -> member.address().port().get().equals(port))
            .allMatch(member -> member.status() == org.apache.pekko.cluster.MemberStatus.down()
                || member.status() == org.apache.pekko.cluster.MemberStatus.removed()));
    assertThat(StreamSupport.stream(Cluster.get(first.system()).state().getMembers().spliterator(), false)
        .filter(member -> member.status() == org.apache.pekko.cluster.MemberStatus.up())
        .noneMatch(member -> member.address().port().get().equals(port))).isTrue();
  }

  @Test
  void aWorkerRenewsItsCertificateThroughTheControlPlaneKeepingItsKeyToItself() throws Exception {
    Path worker = Files.createTempDirectory("renewing-worker-");
    Files.copy(pkiDir.resolve("ca.crt"), worker.resolve("ca.crt"));
    ClusterPki.writeIssued(worker, "member", ClusterPki.loadOrCreate(pkiDir, "dirigent", Clock.systemUTC()).issueMember("renewer", List.of("worker")));
    io.dirigent.core.auth.CallerKey.writeCredential(worker.resolve("member.credential"),
        io.dirigent.core.auth.CallerKey.load(pkiDir.resolve("caller.key")).node("renewer"));
    var original = ClusterPki.readCertificate(worker.resolve("member.crt"));
    String firstKey = Files.readString(worker.resolve("member.key"));
    int port = freePort();
    // Every certificate is "near its end" to this member: it renews at once.
    ClusterNode renewing = ClusterNode.start(first.system().name(), settings(worker, port, true)
        .withFallback(ConfigFactory.parseMap(Map.of("dirigent.cluster.roles", List.of("worker"), "dirigent.node.name", "renewer",
            "dirigent.cluster.tls.renew-before", "400d", "dirigent.cluster.tls.renew-check-interval", "1s")))
        .withFallback(seed()).withFallback(TestNodes.testSettings()));
    started.add(renewing);
    renewing.ready().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);

    Await.until("the worker's certificate renewed", Duration.ofSeconds(30), () -> {
      try {
        return !ClusterPki.readCertificate(worker.resolve("member.crt")).getSerialNumber().equals(original.getSerialNumber());
      } catch (java.io.IOException e) {
        return false;
      }
    });
    var renewed = ClusterPki.readCertificate(worker.resolve("member.crt"));
    assertThat(ClusterPki.identityOf(renewed)).isEqualTo(ClusterPki.identityOf(original));
    assertThat(Files.readString(worker.resolve("member.key"))).as("a new key, made on the worker").isNotEqualTo(firstKey);
    assertThat(worker.resolve("ca.key")).doesNotExist();
    assertThat(Cluster.get(renewing.system()).selfMember().status()).isEqualTo(org.apache.pekko.cluster.MemberStatus.up());
  }

  private com.typesafe.config.Config seed() {
    return ConfigFactory.parseMap(Map.of("dirigent.cluster.seed-nodes", List.of("127.0.0.1:" + firstPort)));
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
