package io.dirigent.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

class SealingTest {

  private static final byte[] PLAIN = "{\"kind\":\"Secret\",\"data\":{\"password\":\"aHVudGVyMg==\"}}".getBytes(StandardCharsets.UTF_8);

  @Test
  void sealedDataOpensToWhatWasSealedAndShowsNothingOfIt() throws Exception {
    Path file = Files.createTempDirectory("keys-").resolve("pki/encryption.keys");
    Sealing sealing = new Sealing(EncryptionKeys.loadOrCreate(file));
    byte[] sealed = sealing.seal(PLAIN, "Changed");
    assertThat(Sealing.isSealed(sealed)).isTrue();
    assertThat(Sealing.isSealed(PLAIN)).isFalse();
    assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("aHVudGVyMg").doesNotContain("Secret");
    assertThat(sealing.open(sealed, "Changed")).isEqualTo(PLAIN);
    assertThat(sealing.seal(PLAIN, "Changed")).as("a fresh nonce each time").isNotEqualTo(sealed);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
  }

  @Test
  void alteredDataOrDataMovedToAnotherContextDoesNotOpen() throws Exception {
    Sealing sealing = new Sealing(EncryptionKeys.loadOrCreate(Files.createTempDirectory("keys-").resolve("k")));
    byte[] sealed = sealing.seal(PLAIN, "Changed");
    byte[] altered = sealed.clone();
    altered[altered.length - 20] ^= 1;
    assertThatThrownBy(() -> sealing.open(altered, "Changed")).hasMessageContaining("altered");
    assertThatThrownBy(() -> sealing.open(sealed, "State")).hasMessageContaining("altered");
    assertThatThrownBy(() -> sealing.open(java.util.Arrays.copyOf(sealed, 30), "Changed")).hasMessageContaining("truncated");
  }

  @Test
  void afterARotationNewDataUsesTheNewKeyAndOldDataStillOpensButNotWithoutItsKey() throws Exception {
    Path file = Files.createTempDirectory("keys-").resolve("encryption.keys");
    byte[] old = new Sealing(EncryptionKeys.loadOrCreate(file)).seal(PLAIN, "Changed");
    String rotated = EncryptionKeys.rotate(file);
    EncryptionKeys keys = EncryptionKeys.loadOrCreate(file);
    assertThat(keys.current().name()).isEqualTo(rotated);
    Sealing sealing = new Sealing(keys);
    assertThat(sealing.open(old, "Changed")).isEqualTo(PLAIN);
    assertThat(new String(sealing.seal(PLAIN, "Changed"), StandardCharsets.US_ASCII)).contains(":" + rotated + ":");
    Sealing stranger = new Sealing(EncryptionKeys.loadOrCreate(Files.createTempDirectory("other-keys-").resolve("k")));
    assertThatThrownBy(() -> stranger.open(old, "Changed")).hasMessageContaining("which the key file does not hold");
  }

  @Test
  void aKeyFileThatIsNotKeysIsRefusedByLine() throws Exception {
    Path file = Files.createTempFile("keys-", ".txt");
    Files.writeString(file, "# comment\nkey1:dG9vIHNob3J0\n");
    assertThatThrownBy(() -> EncryptionKeys.loadOrCreate(file)).hasMessageContaining("line 2").hasMessageContaining("32-byte");
  }
}
