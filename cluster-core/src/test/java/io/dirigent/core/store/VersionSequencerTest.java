package io.dirigent.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.store.VersionSequencer.Released;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class VersionSequencerTest {

  @Test
  void versionsStartAboveThePreviousReservation() {
    var sequencer = new VersionSequencer(100);
    assertThat(sequencer.available()).isZero();

    sequencer.extendReservation(110);

    assertThat(List.of(sequencer.grant("ns/a", 0), sequencer.grant("ns/b", 0))).containsExactly(101L, 102L);
    assertThat(sequencer.available()).isEqualTo(8);
  }

  @Test
  void grantRefusesBeyondTheReservation() {
    var sequencer = new VersionSequencer(0);
    sequencer.extendReservation(2);
    sequencer.grant("ns/a", 0);
    sequencer.grant("ns/b", 0);
    sequencer.extendReservation(1);

    assertThat(sequencer.reservedUpTo()).isEqualTo(2);
    assertThatThrownBy(() -> sequencer.grant("ns/c", 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no reserved versions left");
  }

  @Test
  void grantRefusesASecondOutstandingVersionForOneKey() {
    var sequencer = sequencer();
    sequencer.grant("ns/a", 0);

    assertThatThrownBy(() -> sequencer.grant("ns/a", 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a version is already outstanding for ns/a");
  }

  @Test
  void aLaterCommitWaitsForAnEarlierOutstandingVersion() {
    var sequencer = sequencer();
    long a = sequencer.grant("ns/a", 0);
    long b = sequencer.grant("ns/b", 0);

    sequencer.commit("ns/b", b, object(b), false);
    assertThat(sequencer.drain()).isEmpty();

    sequencer.commit("ns/a", a, object(a), true);
    assertThat(sequencer.drain())
        .containsExactly(new Released("ns/a", a, object(a), true), new Released("ns/b", b, object(b), false));
    assertThat(sequencer.outstanding()).isZero();
  }

  @Test
  void abandoningAnEarlierVersionReleasesWhatFollows() {
    var sequencer = sequencer();
    long a = sequencer.grant("ns/a", 0);
    long b = sequencer.grant("ns/b", 0);
    sequencer.commit("ns/b", b, object(b), false);

    sequencer.abandon("ns/a", a);

    assertThat(sequencer.drain()).containsExactly(new Released("ns/b", b, object(b), false));
    assertThat(sequencer.grant("ns/a", 0)).as("the abandoned key can write again").isEqualTo(3);
  }

  static Stream<Arguments> settlements() {
    return Stream.of(
        arguments("the entity's latest version is the outstanding one: committed", 0L, 1L, true,
            List.of(new Released("ns/a", 1, object(1), false))),
        arguments("the outstanding version deleted the object: committed as a deletion", 0L, 1L, false,
            List.of(new Released("ns/a", 1, object(1), true))),
        arguments("the entity never persisted it: abandoned", 0L, 0L, true, List.of()),
        arguments("an answer about the outstanding version itself: committed", 1L, 1L, true,
            List.of(new Released("ns/a", 1, object(1), false))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("settlements")
  void settleCommitsWhatTheEntityPersistedAndAbandonsTheRest(
      String sentence, long expected, long latestVersion, boolean exists, List<Released> released) {
    var sequencer = sequencer();
    sequencer.grant("ns/a", 0);

    sequencer.settle("ns/a", expected, latestVersion, latestVersion == 0 ? null : object(latestVersion), exists);

    assertThat(sequencer.drain()).isEqualTo(released);
    assertThat(sequencer.outstanding()).isZero();
  }

  @Test
  void settleAboutAnotherVersionLeavesTheOutstandingOneAlone() {
    var sequencer = sequencer();
    sequencer.grant("ns/b", 0);
    long a = sequencer.grant("ns/a", 0);

    sequencer.settle("ns/a", 1, a, object(a), true);

    assertThat(sequencer.drain()).isEmpty();
    assertThat(sequencer.overdue(Long.MAX_VALUE)).containsExactly(Map.entry("ns/b", 1L), Map.entry("ns/a", a));
  }

  @Test
  void commitsOfVersionsNeverHandedOutComeOutAsLateReleases() {
    var sequencer = new VersionSequencer(100);
    sequencer.extendReservation(200);
    long b = sequencer.grant("ns/b", 0);

    sequencer.commit("ns/a", 42, object(42), false);
    sequencer.commit("ns/c", b, object(b), false);

    assertThat(sequencer.drain()).containsExactly(
        new Released("ns/a", 42, object(42), false), new Released("ns/c", b, object(b), false));
    assertThat(sequencer.overdue(Long.MAX_VALUE)).as("ns/b is still outstanding").containsExactly(Map.entry("ns/b", b));
  }

  @Test
  void overdueListsOutstandingVersionsGrantedBeforeTheCutoffOldestFirst() {
    var sequencer = sequencer();
    long a = sequencer.grant("ns/a", 100);
    long b = sequencer.grant("ns/b", 200);
    long c = sequencer.grant("ns/c", 250);
    sequencer.grant("ns/d", 300);
    sequencer.commit("ns/b", b, object(b), false);

    assertThat(sequencer.overdue(250)).containsExactly(Map.entry("ns/a", a), Map.entry("ns/c", c));
    assertThat(sequencer.overdue(50)).isEmpty();
  }

  /** A sequencer starting from nothing, with versions 1 to 1000 reserved. */
  private static VersionSequencer sequencer() {
    var sequencer = new VersionSequencer(0);
    sequencer.extendReservation(1000);
    return sequencer;
  }

  private static ObjectNode object(long resourceVersion) {
    ObjectNode object = JsonNodeFactory.instance.objectNode();
    object.putObject("metadata").put("resourceVersion", Long.toString(resourceVersion));
    return object;
  }
}
