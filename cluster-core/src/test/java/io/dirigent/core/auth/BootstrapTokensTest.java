package io.dirigent.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class BootstrapTokensTest {

  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

  @Test
  void aTokenIsGoodUntilItExpiresAndOnlyWithItsSecretPart() {
    BootstrapTokens.Created created = BootstrapTokens.create(Duration.ofHours(1), "test", NOW);
    String[] parts = BootstrapTokens.parse(created.token()).orElseThrow();
    UserInfo user = BootstrapTokens.authenticate(created.secret(), parts[0], parts[1], NOW.plusSeconds(3599)).orElseThrow();
    assertThat(user.name()).isEqualTo("system:bootstrap:" + parts[0]);
    assertThat(user.groups()).containsExactly(BootstrapTokens.GROUP, UserInfo.AUTHENTICATED);
    assertThat(BootstrapTokens.authenticate(created.secret(), parts[0], parts[1], NOW.plusSeconds(3600))).isEmpty();
    assertThat(BootstrapTokens.authenticate(created.secret(), parts[0], "0123456789abcdef", NOW)).isEmpty();
    assertThat(BootstrapTokens.parse("not-a-token")).isEmpty();
    assertThat(BootstrapTokens.parse("ABCDEF.0123456789abcdef")).isEmpty();
  }

  @Test
  void extraGroupsAreOnlyBootstrappersOnesAndASecretOfAnotherTypeIsNoToken() {
    BootstrapTokens.Created created = BootstrapTokens.create(Duration.ofHours(1), "test", NOW);
    String[] parts = BootstrapTokens.parse(created.token()).orElseThrow();
    ObjectNode secret = created.secret().deepCopy();
    ((ObjectNode) secret.get("data")).put("auth-extra-groups",
        Base64.getEncoder().encodeToString("system:bootstrappers:workers,system:masters".getBytes(StandardCharsets.UTF_8)));
    assertThat(BootstrapTokens.authenticate(secret, parts[0], parts[1], NOW).orElseThrow().groups())
        .contains("system:bootstrappers:workers").doesNotContain(UserInfo.MASTERS);
    secret.put("type", "Opaque");
    assertThat(BootstrapTokens.authenticate(secret, parts[0], parts[1], NOW)).isEmpty();
  }
}
