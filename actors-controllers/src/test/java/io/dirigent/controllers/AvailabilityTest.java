package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Pod availability, in tables after Kubernetes' TestIsPodAvailable (podutil) and the deployment util tests. */
class AvailabilityTest {

  private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

  /** A pod whose Ready condition is {@code ready}, turned so {@code secondsAgo} before {@link #NOW}. */
  private static Pod pod(boolean ready, long secondsAgo) {
    return withReady(ready ? "True" : "False", NOW.minusSeconds(secondsAgo).toString());
  }

  private static Pod withReady(String status, String lastTransitionTime) {
    return new PodBuilder().withNewMetadata().withName("p").endMetadata()
        .withNewStatus().addNewCondition().withType("Ready").withStatus(status).withLastTransitionTime(lastTransitionTime).endCondition()
        .endStatus().build();
  }

  static Stream<Arguments> availability() {
    return Stream.of(
        arguments("a pod that is not ready is not available", pod(false, 0), 0, false),
        arguments("a ready pod is available at once without minReadySeconds", pod(true, 0), 0, true),
        arguments("a pod ready for no time is not available with minReadySeconds 1", pod(true, 0), 1, false),
        arguments("a pod ready for 51 s is available with minReadySeconds 50", pod(true, 51), 50, true),
        arguments("a pod ready for exactly minReadySeconds is not available yet: it must be ready for longer", pod(true, 50), 50, false),
        arguments("a pod ready for 49 s is not available with minReadySeconds 50", pod(true, 49), 50, false),
        arguments("a ready pod whose node's clock runs ahead is available without minReadySeconds", pod(true, -30), 0, true),
        arguments("a ready pod whose node's clock runs ahead is not available with minReadySeconds", pod(true, -30), 10, false),
        arguments("a ready pod with no transition time is available without minReadySeconds", withReady("True", null), 0, true),
        arguments("a ready pod with no transition time is not available with minReadySeconds", withReady("True", null), 10, false),
        arguments("a ready pod with an unreadable transition time is not available with minReadySeconds", withReady("True", "yesterday"), 10, false),
        arguments("a pod whose readiness is Unknown is not available", withReady("Unknown", NOW.minusSeconds(100).toString()), 0, false),
        arguments("a pod with no status is not available", new PodBuilder().withNewMetadata().withName("p").endMetadata().build(), 0, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("availability")
  void isAvailable(String why, Pod pod, int minReadySeconds, boolean available) {
    assertThat(Availability.availableFor(pod, minReadySeconds, NOW)).isEqualTo(available);
  }

  static Stream<Arguments> rechecks() {
    Duration margin = Availability.MARGIN;
    return Stream.of(
        arguments("without minReadySeconds nothing turns available by time alone", List.of(pod(true, 0)), 0, null),
        arguments("no ready pod: nothing turns available by time alone", List.of(pod(false, 0)), 30, null),
        arguments("a pod ready for 10 s of 30 is looked at again after 20 s and the margin", List.of(pod(true, 10)), 30,
            Duration.ofSeconds(20).plus(margin)),
        arguments("the soonest of several pods decides", List.of(pod(true, 5), pod(true, 25), pod(false, 0)), 30,
            Duration.ofSeconds(5).plus(margin)),
        arguments("two pods due 50 ms apart: the sooner decides, and the margin is added once",
            List.of(withReady("True", NOW.minusMillis(29_000).toString()), withReady("True", NOW.minusMillis(28_950).toString())), 30,
            Duration.ofSeconds(1).plus(margin)),
        arguments("a pod due exactly now is looked at again after the margin", List.of(pod(true, 30)), 30, margin),
        arguments("pods already available are not waited for", List.of(pod(true, 31), pod(true, 100)), 30, null),
        arguments("a ready pod with no transition time is not waited for: it will not turn available by time alone",
            List.of(withReady("True", null)), 30, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rechecks")
  void isLookedAtAgainAfter(String why, List<Pod> pods, int minReadySeconds, Duration expected) {
    assertThat(Availability.nextAvailable(pods, minReadySeconds, NOW)).isEqualTo(expected);
  }
}
