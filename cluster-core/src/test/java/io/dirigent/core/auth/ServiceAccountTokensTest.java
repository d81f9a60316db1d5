package io.dirigent.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.core.pki.ClusterPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceAccountTokensTest {

  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
  private static final List<String> AUDIENCES = List.of(ServiceAccountTokens.ISSUER);

  private static ServiceAccountTokens tokens(Path dir, Instant now) throws Exception {
    return new ServiceAccountTokens(ClusterPki.signingKey(dir, "service-account"), Clock.fixed(now, ZoneOffset.UTC));
  }

  private static ServiceAccountTokens.Claims claims(Instant expires) {
    return new ServiceAccountTokens.Claims("team", "robot", "uid-1", "web-0", "pod-uid", AUDIENCES, expires);
  }

  @Test
  void aTokenNamesItsAccountAndPodAndIsGoodUntilItExpires() throws Exception {
    Path dir = Files.createTempDirectory("sa-keys-");
    String token = tokens(dir, NOW).issue(claims(NOW.plus(Duration.ofHours(1))));
    var claims = tokens(dir, NOW.plus(Duration.ofMinutes(59))).verify(token, AUDIENCES).orElseThrow();
    assertThat(claims.user().name()).isEqualTo("system:serviceaccount:team:robot");
    assertThat(claims.user().groups()).contains("system:serviceaccounts", "system:serviceaccounts:team", "system:authenticated");
    assertThat(claims.podName()).isEqualTo("web-0");
    assertThat(claims.podUid()).isEqualTo("pod-uid");
    assertThat(tokens(dir, NOW.plus(Duration.ofHours(1))).verify(token, AUDIENCES)).isEmpty();
    assertThat(Files.getPosixFilePermissions(dir.resolve("service-account.key"))).hasSize(2);
  }

  @Test
  void aTokenForAnotherAudienceSignedByAnotherKeyOrAlteredIsNothing() throws Exception {
    Path dir = Files.createTempDirectory("sa-keys-");
    ServiceAccountTokens signer = tokens(dir, NOW);
    String token = signer.issue(claims(NOW.plus(Duration.ofHours(1))));
    assertThat(signer.verify(token, List.of("vault"))).isEmpty();
    assertThat(tokens(Files.createTempDirectory("other-keys-"), NOW).verify(token, AUDIENCES)).isEmpty();
    String[] parts = token.split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1])).replace("robot", "admin");
    String altered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes()) + "." + parts[2];
    assertThat(signer.verify(altered, AUDIENCES)).isEmpty();
    assertThat(signer.verify("not.a.token", AUDIENCES)).isEmpty();
    assertThat(signer.verify("", AUDIENCES)).isEmpty();
  }
}
