package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.dirigent.core.cluster.DirigentConfig;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The controller manager's settings: every one is in dirigent.conf, and the back-offs double as they say. */
class ControllerSettingsTest {

  private static Config defaults(Map<String, Object> overrides) {
    Map<String, Object> all = new java.util.HashMap<>(overrides);
    all.put("dirigent.store.plugin", "memory");
    return DirigentConfig.load(ConfigFactory.parseMap(all));
  }

  @Test
  void everySettingHasItsDefaultInDirigentConf() {
    ControllerSettings settings = ControllerSettings.from(defaults(Map.of()));
    assertThat(settings.retryBackoff()).isEqualTo(new ControllerSettings.Backoff(Duration.ofMillis(5), Duration.ofSeconds(30)));
    assertThat(settings.restartBackoff()).isEqualTo(new ControllerSettings.Backoff(Duration.ofMillis(200), Duration.ofSeconds(5)));
    assertThat(settings.loopRestartBackoff()).isEqualTo(new ControllerSettings.Backoff(Duration.ofMillis(200), Duration.ofSeconds(10)));
    assertThat(settings.relistDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(settings.nodeMonitorPeriod()).isEqualTo(Duration.ofSeconds(1));
    assertThat(settings.apiServerEndpointsInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(settings.namespaceRecheckInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(settings.nodeIpamRetryInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(settings.provisioningRetryInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.resyncInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(settings.workers()).isEqualTo(4);
  }

  @Test
  void aBackoffWhoseMaxIsBelowItsStartIsRefused() {
    assertThatThrownBy(() -> ControllerSettings.from(defaults(Map.of("dirigent.controllers.retry-backoff.max", "1ms"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("below its initial");
  }

  @Test
  void aZeroIntervalIsRefused() {
    assertThatThrownBy(() -> ControllerSettings.from(defaults(Map.of("dirigent.controllers.node-monitor-period", "0s"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node-monitor-period");
  }

  static Stream<Arguments> retries() {
    return Stream.of(
        arguments("the first failure waits the initial back-off", null, Duration.ofMillis(5)),
        arguments("each further failure doubles the wait", Duration.ofMillis(5), Duration.ofMillis(10)),
        arguments("the wait stops at the max", Duration.ofSeconds(20), Duration.ofSeconds(30)),
        arguments("at the max it stays there", Duration.ofSeconds(30), Duration.ofSeconds(30)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("retries")
  void aBackoffDoublesToItsMax(String why, Duration last, Duration next) {
    assertThat(new ControllerSettings.Backoff(Duration.ofMillis(5), Duration.ofSeconds(30)).next(last)).isEqualTo(next);
  }
}
