package io.dirigent.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.dirigent.core.pki.ClusterPki;
import io.dirigent.core.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The member's certificate as TLS between members uses it: made, and taken again when renewed on disk. */
class MemberTlsTest {

  @TempDir Path pki;

  private MemberTls tls(List<String> roles) {
    return new MemberTls(ConfigFactory.parseMap(Map.of(
        "dirigent.cluster.tls.pki-dir", pki.toString(),
        "dirigent.cluster.member-name", "m1",
        "dirigent.cluster.tls.renew-before", "90d",
        "pekko.cluster.roles", roles)));
  }

  @Test
  void aMemberHoldingTheAuthorityMakesACertificateForItsRoles() throws Exception {
    ClusterPki.loadOrCreate(pki, "dirigent", Clock.systemUTC());

    var presented = tls(List.of("control-plane", "worker", "dc-default")).presented();

    assertThat(ClusterPki.identityOf(presented).groups())
        .containsExactly(ClusterPki.MEMBERS, "dirigent:role:control-plane", "dirigent:role:worker");
  }

  @Test
  void aCertificateRenewedOnDiskIsPresentedOnTheConnectionsThatFollow() throws Exception {
    ClusterPki authority = ClusterPki.loadOrCreate(pki, "dirigent", Clock.systemUTC());
    MemberTls tls = tls(List.of("worker"));
    var before = tls.presented();

    ClusterPki.writeIssued(pki, "member", authority.issueMember("m1", List.of("worker")));

    Await.until("the renewed certificate presented", Duration.ofSeconds(10),
        () -> !tls.presented().getSerialNumber().equals(before.getSerialNumber()));
    assertThat(tls.createClientSSLEngine("127.0.0.1", 1)).isNotNull();
  }

  @Test
  void aCertificateWhoseKeyIsNotBesideItYetIsNotTaken() throws Exception {
    ClusterPki authority = ClusterPki.loadOrCreate(pki, "dirigent", Clock.systemUTC());
    MemberTls tls = tls(List.of("worker"));
    var before = tls.presented();

    // Only the certificate of a new pair: its key is still the old one.
    Files.writeString(pki.resolve("member.crt"), ClusterPki.pem(authority.issueMember("m1", List.of("worker")).certificate()));
    // A fixed wait, not a condition: what is checked is that the certificate is not taken in it.
    Thread.sleep(Duration.ofSeconds(3).toMillis());

    assertThat(tls.presented().getSerialNumber()).isEqualTo(before.getSerialNumber());
  }
}
