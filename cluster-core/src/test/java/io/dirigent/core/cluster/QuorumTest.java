package io.dirigent.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class QuorumTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        arguments("a single member is its own majority", 1, 1, true, true),
        arguments("three of three is a majority", 3, 3, true, true),
        arguments("two of three is a majority, whoever is missing", 3, 2, false, true),
        arguments("one of three is not: it may be the one cut off", 3, 1, true, false),
        arguments("two of four with the lowest address is the half the resolver keeps", 4, 2, true, true),
        arguments("two of four without the lowest address is the half it downs", 4, 2, false, false),
        arguments("no control-plane member up is no quorum", 0, 0, false, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void quorum(String name, int voters, int reachable, boolean lowestReachable, boolean has) {
    assertThat(Quorum.lacking(voters, reachable, lowestReachable).isEmpty()).isEqualTo(has);
  }

  @org.junit.jupiter.api.Test
  void aQuorumAndAJournalGiveTheFirstReasonEitherHas() {
    Quorum cutOff = () -> java.util.Optional.of("cut off");
    Quorum journalDown = () -> java.util.Optional.of("the journal does not answer");
    assertThat(cutOff.and(journalDown).lacking()).contains("cut off");
    assertThat(Quorum.ALWAYS.and(journalDown).lacking()).contains("the journal does not answer");
    assertThat(Quorum.ALWAYS.and(Quorum.ALWAYS).lacking()).isEmpty();
  }
}
