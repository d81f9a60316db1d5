package io.dirigent.core.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterPkiTest {

  @TempDir
  Path dir;

  private static final Clock NOW = Clock.fixed(Instant.parse("2026-12-06T12:00:00Z"), ZoneOffset.UTC);

  @Test
  void theAuthorityIsMadeOnceWithItsKeyReadableByItsOwnerOnlyAndKeptAcrossRestarts() throws Exception {
    ClusterPki first = ClusterPki.loadOrCreate(dir, "dirigent", NOW);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key")))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    assertThat(first.ca().getBasicConstraints()).isGreaterThanOrEqualTo(0);
    ClusterPki again = ClusterPki.loadOrCreate(dir, "dirigent", NOW);
    assertThat(again.ca()).isEqualTo(first.ca());
    // The key read back is the one that signs: a certificate issued after the restart verifies against the first CA.
    assertThat(first.issuedHere(again.issueClient("u", List.of()).certificate())).isTrue();
  }

  @Test
  void aServingCertificateCarriesTheNamesAndIsReissuedWhenOneIsMissing() throws Exception {
    ClusterPki pki = ClusterPki.loadOrCreate(dir, "dirigent", NOW);
    List<String> names = List.of("localhost", "kubernetes.default.svc");
    List<InetAddress> addresses = List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("10.96.0.1"));
    ClusterPki.Issued serving = pki.serving("apiserver", names, addresses);
    X509Certificate certificate = serving.certificate();
    assertThat(certificate.getSubjectAlternativeNames()).extracting(name -> name.get(1).toString())
        .contains("localhost", "kubernetes.default.svc", "127.0.0.1", "10.96.0.1");
    assertThat(certificate.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
    assertThat(pki.issuedHere(certificate)).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("apiserver.key")))).isEqualTo("rw-------");

    assertThat(pki.serving("apiserver", names, addresses).certificate()).as("kept while it covers the names").isEqualTo(certificate);
    X509Certificate widened = pki.serving("apiserver", List.of("localhost", "node-2.lan"), addresses).certificate();
    assertThat(widened).isNotEqualTo(certificate);
    assertThat(widened.getSubjectAlternativeNames()).extracting(name -> name.get(1).toString()).contains("node-2.lan");
  }

  @Test
  void aServingCertificateNearItsEndIsReissued() throws Exception {
    ClusterPki pki = ClusterPki.loadOrCreate(dir, "dirigent", NOW);
    X509Certificate first = pki.serving("apiserver", List.of("localhost"), List.of()).certificate();
    Clock later = Clock.offset(NOW, ClusterPki.LEAF_VALIDITY.minus(Duration.ofDays(30)));
    X509Certificate renewed = ClusterPki.loadOrCreate(dir, "dirigent", later).serving("apiserver", List.of("localhost"), List.of()).certificate();
    assertThat(renewed).isNotEqualTo(first);
    assertThat(renewed.getNotAfter()).isAfter(first.getNotAfter());
  }

  @Test
  void aClientCertificateNamesItsUserAndGroupsAndItsKeyMatches() throws Exception {
    ClusterPki pki = ClusterPki.loadOrCreate(dir, "dirigent", NOW);
    ClusterPki.Issued admin = pki.issueClient("admin", List.of("system:masters"));
    assertThat(ClusterPki.identityOf(admin.certificate())).isEqualTo(new ClusterPki.Identity("admin", List.of("system:masters")));
    assertThat(admin.certificate().getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.2");
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(admin.key());
    signer.update(new byte[] {1, 2, 3});
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(admin.certificate().getPublicKey());
    verifier.update(new byte[] {1, 2, 3});
    assertThat(verifier.verify(signature)).isTrue();
  }

  @Test
  void anotherClustersCertificateIsNotIssuedHere(@TempDir Path other) throws Exception {
    ClusterPki ours = ClusterPki.loadOrCreate(dir, "dirigent", NOW);
    ClusterPki theirs = ClusterPki.loadOrCreate(other, "dirigent", NOW);
    assertThat(ours.issuedHere(theirs.issueClient("admin", Set.of("system:masters")).certificate())).isFalse();
    // A serving certificate another authority issued is replaced, not trusted.
    Files.copy(other.resolve("ca.crt"), dir.resolve("apiserver.crt"));
    Files.copy(other.resolve("ca.key"), dir.resolve("apiserver.key"));
    assertThat(ours.issuedHere(ours.serving("apiserver", List.of("localhost"), List.of()).certificate())).isTrue();
  }
}
