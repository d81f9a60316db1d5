package io.dirigent.core.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * Assembles a member's configuration, highest precedence first: JVM system properties, the
 * caller's overrides (command line, tests), the chosen store plugin's settings ({@code dirigent-store-<plugin>.conf}),
 * {@code application.conf}, Dirigent's defaults ({@code dirigent.conf}), then Pekko's reference
 * configuration. Substitutions are resolved last, so an overridden {@code dirigent.data-dir}
 * reaches every path derived from it.
 */
public final class DirigentConfig {

  /** Artery over TLS with the members' certificates, when {@code dirigent.cluster.tls.enabled}. */
  private static final Config MEMBER_TLS = ConfigFactory.parseMap(java.util.Map.of(
      "pekko.remote.artery.transport", "tls-tcp",
      "pekko.remote.artery.ssl.ssl-engine-provider", MemberTls.class.getName()));

  private DirigentConfig() {}

  public static Config load(Config overrides) {
    Config defaults = ConfigFactory.parseResources(DirigentConfig.class.getClassLoader(), "dirigent.conf");
    Config top = ConfigFactory.systemProperties().withFallback(overrides);
    Config unresolved = top.withFallback(ConfigFactory.defaultApplication()).withFallback(defaults);
    String plugin = unresolved.getString("dirigent.store.plugin");
    Config store = ConfigFactory.parseResources(DirigentConfig.class.getClassLoader(), "dirigent-store-" + plugin + ".conf");
    if (store.isEmpty()) {
      throw new IllegalArgumentException("unknown store plugin '" + plugin + "': use h2 or cassandra");
    }
    Config members = unresolved.getBoolean("dirigent.cluster.tls.enabled") ? MEMBER_TLS : ConfigFactory.empty();
    return top
        .withFallback(members)
        .withFallback(store)
        .withFallback(ConfigFactory.defaultApplication())
        .withFallback(defaults)
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }
}
