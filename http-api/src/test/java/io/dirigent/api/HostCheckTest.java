package io.dirigent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostCheckTest {

  private static final HostCheck CHECK = HostCheck.from(ConfigFactory.parseMap(Map.of(
      "host", "127.0.0.1", "served-names", java.util.List.of("api.example.lan", "192.0.2.10"))));

  @ParameterizedTest(name = "Host: {0} is served")
  @ValueSource(strings = {"127.0.0.1:6443", "127.0.0.1", "localhost:6443", "LOCALHOST", "[::1]:6443", "127.0.0.2",
      "kubernetes.default.svc", "kubernetes.default.svc.cluster.local.", "api.example.lan:443", "192.0.2.10:6443", ""})
  void namesAndAddressesOfThisServerAreServed(String host) {
    assertThat(CHECK.allows(Optional.of(host))).isTrue();
  }

  @ParameterizedTest(name = "Host: {0} is refused")
  @ValueSource(strings = {"evil.example", "evil.example:6443", "127.0.0.1.nip.io", "localhost.evil.example", "8.8.8.8:6443",
      "kubernetes.evil", "api.example.lan.evil", "[2001:db8::1]:6443", "192.0.2.11", "999.1.1.1", "zz:zz", "0x7f.1", "017700000001",
      "[::ffff:8.8.8.8]"})
  void otherNamesAreRefused(String host) {
    assertThat(CHECK.allows(Optional.of(host))).isFalse();
  }
}
