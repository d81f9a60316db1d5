package io.dirigent.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.pekko.actor.Address;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClusterFormationTest {

  private static final Address FIRST = seed(1);
  private static final Address SECOND = seed(2);
  private static final Address THIRD = seed(3);
  private static final List<Address> SEEDS = List.of(FIRST, SECOND, THIRD);

  static Stream<Arguments> decisions() {
    return Stream.of(
        Arguments.of("a seed in a cluster: join it", FIRST, Map.of(SECOND, true), "Join"),
        Arguments.of("a seed in a cluster, another not: join", THIRD, Map.of(FIRST, false, SECOND, true), "Join"),
        Arguments.of("the first seed cut off from the others (none answers): wait, never a cluster of its own", FIRST, Map.of(), "Wait"),
        Arguments.of("the whole control plane restarted, all answer: the first seed starts the cluster", FIRST, Map.of(SECOND, false, THIRD, false), "Start"),
        Arguments.of("all answer and the first seed starts it: the second waits for it", SECOND, Map.of(FIRST, false, THIRD, false), "Wait"),
        Arguments.of("the first seed gone for good, the other two restarted: the second starts it", SECOND, Map.of(THIRD, false), "Start"),
        Arguments.of("the first seed gone, the third hears the second: the second starts it", THIRD, Map.of(SECOND, false), "Wait"),
        Arguments.of("a majority with the first seed: the first starts it", FIRST, Map.of(THIRD, false), "Start"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decisions")
  void decides(String situation, Address self, Map<Address, Boolean> answers, String expected) {
    assertThat(ClusterFormation.decide(SEEDS, self, answers).getClass().getSimpleName()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("halves")
  void halfOfAnEvenNumberOfSeedsIsNoMajority(String situation, Map<Address, Boolean> answers, String expected) {
    List<Address> four = List.of(FIRST, SECOND, THIRD, seed(4));
    assertThat(ClusterFormation.decide(four, FIRST, answers).getClass().getSimpleName()).isEqualTo(expected);
  }

  static Stream<Arguments> halves() {
    return Stream.of(
        Arguments.of("two of four: wait (the other two could start one)", Map.of(SECOND, false), "Wait"),
        Arguments.of("three of four: start", Map.of(SECOND, false, THIRD, false), "Start"));
  }

  private static Address seed(int i) {
    return new Address("pekko", "dirigent", "10.0.0." + i, 2551);
  }
}
