package io.dirigent.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.fabric8.kubernetes.api.model.Taint;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which taints keep pods off a node outright. */
class NodeTaintsTest {

  static Stream<Arguments> taints() {
    return Stream.of(
        arguments("a NoSchedule taint keeps new pods off", NodeTaints.NO_SCHEDULE, true),
        arguments("a NoExecute taint keeps pods off and evicts them", NodeTaints.NO_EXECUTE, true),
        arguments("a PreferNoSchedule taint only makes the node less preferred", NodeTaints.PREFER_NO_SCHEDULE, false),
        arguments("a taint without an effect keeps nothing off", null, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("taints")
  void isHard(String why, String effect, boolean hard) {
    assertThat(NodeTaints.hard(new Taint(effect, NodeTaints.UNREACHABLE, null, null))).isEqualTo(hard);
  }
}
