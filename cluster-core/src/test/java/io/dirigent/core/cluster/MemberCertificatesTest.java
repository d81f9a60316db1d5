package io.dirigent.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.core.auth.Caller;
import io.dirigent.core.auth.Callers;
import io.dirigent.core.pki.ClusterPki;
import io.dirigent.core.testing.TestNodes;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control plane's side of a worker renewing its member certificate. */
class MemberCertificatesTest {

  @TempDir static Path pki;
  private static ClusterNode member;
  private static ActorRef<MemberCertificates.Command> issuer;
  private static ClusterPki authority;

  @BeforeAll
  static void start() throws Exception {
    member = TestNodes.memory();
    authority = ClusterPki.loadOrCreate(pki, "dirigent", Clock.systemUTC());
    issuer = member.system().systemActorOf(MemberCertificates.issuer(authority), "issuer-" + System.nanoTime(),
        org.apache.pekko.actor.typed.Props.empty());
  }

  @AfterAll
  static void stop() {
    member.close();
  }

  private MemberCertificates.Renewed renew(Caller caller, KeyPair pair) {
    TestProbe<MemberCertificates.Renewed> reply = TestProbe.create(member.system());
    issuer.tell(new MemberCertificates.Renew(caller, Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()), reply.ref()));
    return reply.receiveMessage();
  }

  @Test
  void aWorkerGetsItsOwnKeyCertifiedForItsNodeAndTheWorkerRoleOnly() throws Exception {
    KeyPair pair = ClusterPki.newMemberKeyPair();

    var renewed = renew(Callers.get(member.system()).node("w9"), pair);

    assertThat(renewed.error()).isEmpty();
    var certificate = ClusterPki.readCertificates(renewed.certificate()).get(0);
    assertThat(certificate.getPublicKey()).isEqualTo(pair.getPublic());
    assertThat(authority.issuedHere(certificate)).isTrue();
    assertThat(ClusterPki.identityOf(certificate)).isEqualTo(new ClusterPki.Identity("system:member:w9", List.of(ClusterPki.MEMBERS, "dirigent:role:worker")));
  }

  @Test
  void aCredentialTheClusterDidNotIssueGetsNothing() throws Exception {
    var forged = new Caller("system:node:w9", List.of(Caller.NODES), "forged");

    var renewed = renew(forged, ClusterPki.newMemberKeyPair());

    assertThat(renewed.certificate()).isEmpty();
    assertThat(renewed.error()).contains("does not know this member's credential");
  }

  @Test
  void onlyANodesCredentialRenewsAMemberCertificate() throws Exception {
    var renewed = renew(Callers.get(member.system()).member(), ClusterPki.newMemberKeyPair());

    assertThat(renewed.certificate()).as("a control-plane member makes its own").isEmpty();
  }

  @Test
  void aKeyThatIsNoKeyIsRefusedClearly() {
    TestProbe<MemberCertificates.Renewed> reply = TestProbe.create(member.system());
    issuer.tell(new MemberCertificates.Renew(Callers.get(member.system()).node("w9"), "bm90IGEga2V5", reply.ref()));

    assertThat(reply.receiveMessage().error()).startsWith("not a P-256 public key");
  }
}
