package io.dirigent.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kubelet's restart back-off, as its javadoc's worked example says it. */
class BackoffTest {

  private static final Instant T0 = Instant.parse("2026-12-07T12:00:00Z");

  @Test
  void theFirstRestartIsAtOnceThenTheDelayDoublesUpToItsMaximum() {
    Backoff backoff = new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofMinutes(10));
    assertThat(backoff.nextAllowed("app", Duration.ZERO)).as("never restarted: at once").isBefore(T0);
    List<Long> delays = new ArrayList<>();
    Instant now = T0;
    for (int restart = 0; restart < 8; restart++) {
      backoff.restarted("app", now);
      Instant next = backoff.nextAllowed("app", Duration.ofSeconds(1));
      delays.add(Duration.between(now, next).toSeconds());
      now = next;
    }
    assertThat(delays).containsExactly(10L, 20L, 40L, 80L, 160L, 300L, 300L, 300L);
    assertThat(backoff.delay("app")).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void aLongRunForgetsTheBackOffAndKeysAreApart() {
    Backoff backoff = new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofMinutes(10));
    backoff.restarted("app", T0);
    backoff.restarted("app", T0.plusSeconds(10));
    assertThat(backoff.nextAllowed("sidecar", null)).as("another container's back-off is its own").isBefore(T0);
    assertThat(backoff.nextAllowed("app", Duration.ofMinutes(10))).as("ran for reset-after: at once again").isBefore(T0);
    assertThat(backoff.delay("app")).isEqualTo(Duration.ZERO);
    backoff.restarted("app", T0.plusSeconds(700));
    assertThat(backoff.delay("app")).as("and starts over from the initial delay").isEqualTo(Duration.ofSeconds(10));
    backoff.forget("app");
    assertThat(backoff.nextAllowed("app", null)).isBefore(T0);
  }
}
