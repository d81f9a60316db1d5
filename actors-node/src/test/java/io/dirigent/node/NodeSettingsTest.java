package io.dirigent.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.dirigent.core.cluster.DirigentConfig;
import io.dirigent.node.network.PodNetwork;
import io.dirigent.node.proxy.ServiceProxy;
import io.dirigent.node.runtime.DockerRuntime;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The node agent's, pod network's and service proxy's timings: every one is in dirigent.conf, with a sane value. */
class NodeSettingsTest {

  private static Config defaults(Map<String, Object> overrides) {
    Map<String, Object> all = new HashMap<>(overrides);
    all.put("dirigent.store.plugin", "memory");
    all.put("dirigent.node.name", "n1");
    return DirigentConfig.load(ConfigFactory.parseMap(all));
  }

  @Test
  void theAgentsTimingsHaveTheirDefaultsInDirigentConf() {
    Config config = defaults(Map.of());
    NodeSettings own = NodeSettings.from(config);
    assertThat(own.relistDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(own.registerRetryInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(own.writeRetryInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(own.registerSpread()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.getDuration("dirigent.node.retire-timeout")).isEqualTo(Duration.ofSeconds(3));
    NodeSettings simulated = NodeSettings.simulated(config, 1);
    assertThat(simulated.name()).isEqualTo("simulated-0001");
    assertThat(simulated.relistDelay()).isEqualTo(own.relistDelay());
    assertThat(simulated.writeRetryInterval()).isEqualTo(own.writeRetryInterval());
  }

  @Test
  void theRetireTimeoutEndsWithinItsShutdownPhase() {
    Config config = defaults(Map.of());
    String phase = "pekko.coordinated-shutdown.phases.before-service-unbind.timeout";
    Duration phaseTimeout = config.getDuration(config.hasPath(phase) ? phase : "pekko.coordinated-shutdown.default-phase-timeout");
    assertThat(config.getDuration("dirigent.node.retire-timeout")).isLessThan(phaseTimeout);
  }

  @Test
  void thePodNetworksAndServiceProxysTimingsHaveTheirDefaultsInDirigentConf() {
    Config config = defaults(Map.of());
    assertThat(PodNetwork.Timing.from(config)).isEqualTo(new PodNetwork.Timing(Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofSeconds(2),
        Duration.ofSeconds(10), Duration.ofSeconds(1)));
    assertThat(ServiceProxy.Timing.from(config)).isEqualTo(new ServiceProxy.Timing(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(1)));
  }

  @Test
  void theEnginesConnectTimeoutHasItsDefaultInDirigentConf() {
    assertThat(defaults(Map.of()).getDuration("dirigent.node.docker.connect-timeout")).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void aZeroEngineConnectTimeoutIsRefused() {
    assertThatThrownBy(() -> new DockerRuntime("unix:///var/run/docker.sock", "dirigent/pause:1", 1, "", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connect-timeout must be longer than zero");
  }

  @Test
  void aZeroRetryIntervalIsRefused() {
    assertThatThrownBy(() -> NodeSettings.from(defaults(Map.of("dirigent.node.write-retry-interval", "0s"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("longer than zero");
  }
}
