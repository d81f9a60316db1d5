package io.dirigent.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallerKeyTest {

  @TempDir Path dir;

  @Test
  void aSignedCallerIsGenuineToTheSameKeyOnly() {
    CallerKey key = CallerKey.random();
    Caller node = key.node("w1");

    assertThat(key.verify(node)).isTrue();
    assertThat(CallerKey.random().verify(node)).isFalse();
  }

  @Test
  void aCallerThatChangesItsNameOrGroupsIsNoLongerGenuine() {
    CallerKey key = CallerKey.random();
    Caller node = key.node("w1");

    assertThat(key.verify(new Caller("system:node:w2", node.groups(), node.proof()))).isFalse();
    assertThat(key.verify(new Caller(node.user(), List.of(Caller.NODES, Caller.MASTERS), node.proof()))).isFalse();
    assertThat(key.verify(new Caller(node.user(), node.groups(), ""))).isFalse();
  }

  @Test
  void groupsCannotBeShiftedIntoTheUserName() {
    CallerKey key = CallerKey.random();
    Caller signed = key.sign("a", List.of("b"));

    assertThat(key.verify(new Caller("a\nb", List.of(), signed.proof()))).isFalse();
  }

  @Test
  void theKeyIsMadeOnceOwnerOnlyAndKeptAcrossLoads() throws IOException {
    Path file = dir.resolve("pki/caller.key");
    Caller signed = CallerKey.loadOrCreate(file).node("w1");

    assertThat(CallerKey.loadOrCreate(file).verify(signed)).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
  }

  @Test
  void aFileThatIsNoKeyIsRefusedWithItsName() throws IOException {
    Path file = dir.resolve("caller.key");
    Files.writeString(file, "not a key\n");

    assertThatThrownBy(() -> CallerKey.load(file)).isInstanceOf(IOException.class).hasMessageContaining(file.toString());
  }

  @Test
  void aCredentialRoundTripsThroughItsFileAndStaysGenuine() throws IOException {
    CallerKey key = CallerKey.random();
    Path file = dir.resolve("member.credential");
    CallerKey.writeCredential(file, key.node("w1"));

    Caller read = CallerKey.readCredential(file);

    assertThat(read.nodeName()).isEqualTo("w1");
    assertThat(key.verify(read)).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(read.toString()).doesNotContain(read.proof());
  }
}
