package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.dirigent.controllers.MemberView.Evidence;
import io.dirigent.controllers.NodeHealth.Disruption;
import io.dirigent.controllers.NodeHealth.State;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NodeHealthTest {

  private static final Instant T = Instant.parse("2026-12-06T12:00:00Z");
  private static final NodeHealth.Timeouts TIMEOUTS = new NodeHealth.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(300), Duration.ofSeconds(120), 0.55);

  static Stream<Arguments> judgements() {
    return Stream.of(
        arguments("a lease seen renewed in time is ready, whatever the member", false, Optional.of(Evidence.GONE), Optional.empty(), State.READY),
        arguments("a late lease of a member still up is late: a busy host or a slow store", true, Optional.of(Evidence.UP), Optional.empty(), State.LATE),
        arguments("a late lease of an unreachable member waits for the cluster's decision", true, Optional.of(Evidence.UNREACHABLE), Optional.empty(), State.UNREACHABLE),
        arguments("a late lease of a downed or removed member is gone", true, Optional.of(Evidence.GONE), Optional.empty(), State.GONE),
        arguments("a late lease of a leaving member is a restart", true, Optional.of(Evidence.LEAVING), Optional.empty(), State.RESTARTING),
        arguments("an agent that said it stopped is restarting even once its member is removed", true, Optional.of(Evidence.GONE), Optional.of(T), State.RESTARTING),
        arguments("a late lease that names no member has only itself to go on", true, Optional.empty(), Optional.empty(), State.UNKNOWN));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("judgements")
  void judge(String name, boolean late, Optional<Evidence> member, Optional<Instant> stopped, State expected) {
    assertThat(NodeHealth.judge(late, member, stopped)).isEqualTo(expected);
  }

  static Stream<Arguments> evictions() {
    Instant tainted = T.plusSeconds(10);
    return Stream.of(
        arguments("a gone node's pods go the eviction timeout after the taint", State.GONE, Optional.empty(), tainted.plusSeconds(5)),
        arguments("a restarting node's pods stay the restart grace from when its agent stopped", State.RESTARTING, Optional.of(T), T.plusSeconds(120)),
        arguments("a leaving member's pods stay the restart grace from the taint when the agent said nothing", State.RESTARTING, Optional.empty(), tainted.plusSeconds(120)),
        arguments("a late node's pods stay the unconfirmed timeout", State.LATE, Optional.empty(), tainted.plusSeconds(300)),
        arguments("an unreachable node's pods stay the unconfirmed timeout", State.UNREACHABLE, Optional.empty(), tainted.plusSeconds(300)),
        arguments("an unknown node's pods stay the unconfirmed timeout", State.UNKNOWN, Optional.empty(), tainted.plusSeconds(300)),
        arguments("a ready node's pods stay", State.READY, Optional.empty(), Instant.MAX));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("evictions")
  void defaultEviction(String name, State state, Optional<Instant> stopped, Instant expected) {
    assertThat(NodeHealth.defaultEviction(state, T.plusSeconds(10), stopped, TIMEOUTS)).isEqualTo(expected);
  }

  static Stream<Arguments> disruptions() {
    return Stream.of(
        arguments("no node not ready is normal", 5, 0, Disruption.NORMAL),
        arguments("one of three not ready is normal", 3, 1, Disruption.NORMAL),
        arguments("two of three not ready is normal: two is not more than two", 3, 2, Disruption.NORMAL),
        arguments("every node not ready is full disruption", 3, 3, Disruption.FULL),
        arguments("the only node not ready is full disruption", 1, 1, Disruption.FULL),
        arguments("three of five not ready is partial disruption (60% >= 55%)", 5, 3, Disruption.PARTIAL),
        arguments("five of ten not ready is normal (50% < 55%)", 10, 5, Disruption.NORMAL),
        arguments("no nodes is normal", 0, 0, Disruption.NORMAL));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("disruptions")
  void disruption(String name, int nodes, int notReady, Disruption expected) {
    assertThat(NodeHealth.disruption(nodes, notReady, 0.55)).isEqualTo(expected);
  }

  static Stream<Arguments> evicting() {
    return Stream.of(
        arguments("a gone node is evicted in normal times", State.GONE, Disruption.NORMAL, true),
        arguments("a gone node is evicted even in a full disruption: its failure is certain", State.GONE, Disruption.FULL, true),
        arguments("a late node is evicted in normal times (after its timeout)", State.LATE, Disruption.NORMAL, true),
        arguments("a late node is not evicted in a partial disruption", State.LATE, Disruption.PARTIAL, false),
        arguments("an unreachable node is not evicted in a full disruption", State.UNREACHABLE, Disruption.FULL, false),
        arguments("a restarting node is not evicted in a full disruption", State.RESTARTING, Disruption.FULL, false),
        arguments("a ready node is never evicted", State.READY, Disruption.NORMAL, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("evicting")
  void evicts(String name, State state, Disruption disruption, boolean expected) {
    assertThat(NodeHealth.evicts(state, disruption)).isEqualTo(expected);
  }
}
