package io.dirigent.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.dirigent.core.cluster.DirigentConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scheduler's settings: every one is in dirigent.conf, with a sane value. */
class SchedulerSettingsTest {

  @Test
  void everySettingHasItsDefaultInDirigentConf() {
    Scheduler.SchedulerSettings settings = Scheduler.SchedulerSettings.from(DirigentConfig.load(ConfigFactory.parseMap(Map.of("dirigent.store.plugin", "memory"))));
    assertThat(settings.initialBackoff()).isEqualTo(Duration.ofSeconds(1));
    assertThat(settings.maxBackoff()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.backoffCheckInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(settings.relistDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(settings.restartInitialBackoff()).isEqualTo(Duration.ofMillis(200));
    assertThat(settings.restartMaxBackoff()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void aRestartBackoffWhoseMaxIsBelowItsStartIsRefused() {
    assertThatThrownBy(() -> Scheduler.SchedulerSettings.from(DirigentConfig.load(ConfigFactory.parseMap(Map.of(
        "dirigent.store.plugin", "memory", "dirigent.scheduler.restart-backoff.max", "100ms")))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
