package io.dirigent.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SchedulingQueueTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static SchedulingQueue queue() {
    return new SchedulingQueue(Duration.ofSeconds(1), Duration.ofSeconds(10));
  }

  private static PodInfo pod(String name, int priority) {
    return Fixtures.info(Fixtures.pod(name, "100m", null).editSpec().withPriority(priority).endSpec());
  }

  private static List<String> drain(SchedulingQueue queue) {
    List<String> names = new ArrayList<>();
    for (var next = queue.pop(); next.isPresent(); next = queue.pop()) {
      names.add(next.get().pod().getMetadata().getName());
    }
    return names;
  }

  static Stream<Arguments> orders() {
    return Stream.of(
        Arguments.of("pods of one priority come out first come, first served",
            (Consumer<SchedulingQueue>) q -> List.of(pod("a", 0), pod("b", 0), pod("c", 0)).forEach(q::upsert), List.of("a", "b", "c")),
        Arguments.of("a higher priority goes before older pods",
            (Consumer<SchedulingQueue>) q -> List.of(pod("low", 0), pod("high", 1000), pod("mid", 10)).forEach(q::upsert), List.of("high", "mid", "low")),
        Arguments.of("a changed pod keeps its place and comes out once, in its newest version",
            (Consumer<SchedulingQueue>) q -> {
              q.upsert(pod("a", 0));
              q.upsert(pod("b", 0));
              q.upsert(pod("a", 0));
            }, List.of("a", "b")),
        Arguments.of("a pod forgotten (bound, gone) does not come out",
            (Consumer<SchedulingQueue>) q -> {
              q.upsert(pod("a", 0));
              q.upsert(pod("b", 0));
              q.forget("default/a");
            }, List.of("b")),
        Arguments.of("a pod that did not fit waits out its back-off",
            (Consumer<SchedulingQueue>) q -> {
              q.upsert(pod("a", 0));
              q.upsert(pod("b", 0));
              q.unschedulable(q.pop().orElseThrow(), T0);
            }, List.of("b")),
        Arguments.of("a pod whose back-off ended is back in the queue",
            (Consumer<SchedulingQueue>) q -> {
              q.upsert(pod("a", 0));
              q.unschedulable(q.pop().orElseThrow(), T0);
              q.flushBackoffCompleted(T0.plusSeconds(1));
            }, List.of("a")),
        Arguments.of("a pod whose back-off has not ended stays out",
            (Consumer<SchedulingQueue>) q -> {
              q.upsert(pod("a", 0));
              q.unschedulable(q.pop().orElseThrow(), T0);
              q.flushBackoffCompleted(T0.plusMillis(999));
            }, List.of()),
        Arguments.of("a cluster event that could let pods fit moves every waiting one back at once",
            (Consumer<SchedulingQueue>) q -> {
              q.upsert(pod("a", 0));
              q.upsert(pod("b", 0));
              q.unschedulable(q.pop().orElseThrow(), T0);
              q.unschedulable(q.pop().orElseThrow(), T0);
              q.moveAllToActive();
            }, List.of("a", "b")),
        Arguments.of("a change of a pod waiting out its back-off does not cut the back-off short",
            (Consumer<SchedulingQueue>) q -> {
              q.upsert(pod("a", 0));
              q.unschedulable(q.pop().orElseThrow(), T0);
              q.upsert(pod("a", 0));
            }, List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("orders")
  void podsComeOutInSchedulingOrder(String name, Consumer<SchedulingQueue> steps, List<String> expected) {
    SchedulingQueue queue = queue();
    steps.accept(queue);
    assertThat(drain(queue)).containsExactlyElementsOf(expected);
  }

  @Test
  void theBackoffDoublesOnEachFailureUpToTheMaximumAndIsForgottenOncePlaced() {
    SchedulingQueue queue = queue();
    PodInfo a = pod("a", 0);
    List<Duration> backoffs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      backoffs.add(queue.unschedulable(a, T0));
      queue.moveAllToActive();
      queue.pop();
    }
    assertThat(backoffs).extracting(Duration::toSeconds).containsExactly(1L, 2L, 4L, 8L, 10L, 10L);

    queue.forget(a.key());
    assertThat(queue.unschedulable(a, T0)).isEqualTo(Duration.ofSeconds(1));
    assertThat(queue.isUnschedulable(a.key())).isTrue();
    assertThat(queue.hasActive()).isFalse();
  }

  @Test
  void theVersionTriedIsTheNewestSeen() {
    SchedulingQueue queue = queue();
    queue.upsert(pod("a", 0));
    PodInfo changed = Fixtures.info(Fixtures.pod("a", "2", null));
    queue.upsert(changed);
    assertThat(queue.pop()).containsSame(changed);
    assertThat(queue.contains(changed.key())).isFalse();
  }
}
