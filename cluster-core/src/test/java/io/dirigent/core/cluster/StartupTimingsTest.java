package io.dirigent.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.dirigent.core.auth.RbacWatcher;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A member's start-up timings and the API server's RBAC relist delay: every one in dirigent.conf, with a sane value. */
class StartupTimingsTest {

  private static Config defaults(Map<String, Object> overrides) {
    Map<String, Object> all = new HashMap<>(overrides);
    all.put("dirigent.store.plugin", "memory");
    return DirigentConfig.load(ConfigFactory.parseMap(all));
  }

  @Test
  void theTimingsHaveTheirDefaultsInDirigentConf() {
    Config config = defaults(Map.of());

    assertThat(ClusterNode.Timing.from(config)).isEqualTo(new ClusterNode.Timing(Duration.ofMillis(100), Duration.ofSeconds(1)));
    assertThat(RbacWatcher.relistDelay(config)).isEqualTo(Duration.ofSeconds(1));
  }

  @ParameterizedTest(name = "{0} of zero is refused")
  @ValueSource(strings = {"dirigent.cluster.up-check-interval", "dirigent.cluster.start-retry-interval"})
  void aZeroStartUpIntervalIsRefused(String key) {
    assertThatThrownBy(() -> ClusterNode.Timing.from(defaults(Map.of(key, "0s"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("longer than zero");
  }

  @Test
  void aNegativeRelistDelayIsRefused() {
    assertThatThrownBy(() -> RbacWatcher.relistDelay(defaults(Map.of("dirigent.api.relist-delay", "-1s"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dirigent.api.relist-delay must be longer than zero");
  }
}
