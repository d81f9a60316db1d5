package io.dirigent.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4CidrTest {

  @ParameterizedTest
  @ValueSource(strings = {"10.244.0.0/16", "0.0.0.0/0", "10.244.1.7/32", "192.168.0.0/24"})
  void aStrictBlockReadsBackAsWritten(String text) {
    assertThat(Ipv4Cidr.parse(text)).map(Ipv4Cidr::toString).hasValue(text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.244.1.0", "10.244.1.1/24", "10.244.1.0/33", "10.244.1.0/024", "10.244.1.0/ 24", "010.244.1.0/24",
      "10.244.1.0/24 dev eth0", "10.244.1.0/-1", "/24", "10.244.1.0/", "::1/128"})
  void anythingElseIsRefused(String text) {
    assertThat(Ipv4Cidr.parse(text)).isEmpty();
  }

  @Test
  void aBlockIsCutIntoSubnetsInOrder() {
    Ipv4Cidr cluster = Ipv4Cidr.of("10.244.0.0/16", "the pod CIDR");
    assertThat(cluster.subnets(24)).isEqualTo(256);
    assertThat(cluster.subnet(0, 24)).hasToString("10.244.0.0/24");
    assertThat(cluster.subnet(255, 24)).hasToString("10.244.255.0/24");
    assertThat(cluster.subnet(3, 24).address(1)).isEqualTo("10.244.3.1");
    assertThat(cluster.contains(cluster.subnet(7, 24))).isTrue();
    assertThat(cluster.contains(Ipv4Cidr.of("10.245.0.0/24", "x"))).isFalse();
    assertThat(cluster.subnet(7, 24).contains(cluster)).isFalse();
    assertThat(cluster.subnet(7, 24).overlaps(cluster)).isTrue();
    assertThatThrownBy(() -> cluster.subnet(256, 24)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> cluster.subnets(8)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Ipv4Cidr.of("10.244.0.1/16", "the pod CIDR")).hasMessageContaining("the pod CIDR must be an IPv4 block");
  }
}
