package io.dirigent.node.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dirigent.core.api.KubeJson;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the node serves from Services and Endpoints, and what it leaves out: the API server
 * validates them, and the node checks again, so that an object stored before that validation (or
 * written around it) cannot reach the packet filter.
 */
class ServiceRulesTest {

  private static Service service(String name, String protocol) {
    return KubeJson.toTyped(json("""
        {"metadata":{"name":"%s","namespace":"default"},
         "spec":{"clusterIP":"10.96.0.10","ports":[{"name":"http","port":80,"protocol":"%s"}]}}
        """.formatted(name, protocol)), Service.class);
  }

  private static Endpoints endpoints(String name, String... ips) {
    StringBuilder addresses = new StringBuilder();
    for (String ip : ips) {
      addresses.append(addresses.isEmpty() ? "" : ",").append("{\"ip\":").append(quote(ip)).append('}');
    }
    return KubeJson.toTyped(json("""
        {"metadata":{"name":"%s","namespace":"default"},
         "subsets":[{"addresses":[%s],"ports":[{"name":"http","port":8080}]}]}
        """.formatted(name, addresses)), Endpoints.class);
  }

  private static com.fasterxml.jackson.databind.JsonNode json(String text) {
    try {
      return KubeJson.MAPPER.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String quote(String text) {
    try {
      return KubeJson.MAPPER.writeValueAsString(text);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void loopbackLinkLocalAndMalformedEndpointsAreLeftOutAndReported() {
    List<String> skipped = new ArrayList<>();
    List<ServiceRule> rules = ServiceRules.of(List.of(service("web", "TCP")),
        List.of(endpoints("web", "10.244.0.5", "127.0.0.1", "169.254.169.254", "10.0.0.1 -j ACCEPT")), skipped::add);

    assertThat(rules).hasSize(1);
    assertThat(rules.get(0).endpoints()).containsExactly(new ServiceRule.Endpoint("10.244.0.5", 8080));
    assertThat(skipped).hasSize(3).allMatch(line -> line.startsWith("an endpoint of default/web:http skipped: endpoint address "));
  }

  @Test
  void aServicePortWithAnUnknownProtocolIsLeftOutAndTheOthersServed() {
    List<String> skipped = new ArrayList<>();
    List<ServiceRule> rules = ServiceRules.of(List.of(service("bad", "tcp -j ACCEPT"), service("good", "UDP")),
        List.of(endpoints("bad", "10.244.0.5"), endpoints("good", "10.244.0.6")), skipped::add);

    assertThat(rules).extracting(ServiceRule::name).containsExactly("default/good:http");
    assertThat(skipped).containsExactly("service port default/bad:http skipped: unsupported protocol: tcp -j ACCEPT");
  }

  @ParameterizedTest(name = "endpoint {0} is refused")
  @ValueSource(strings = {"127.0.0.1", "169.254.169.254", "0.0.0.0", "224.0.0.1", "255.255.255.255", "1.2.3", "1.2.3.4.5", "01.2.3.4", " 1.2.3.4"})
  void anEndpointMustBeAnOrdinaryAddress(String ip) {
    assertThatThrownBy(() -> new ServiceRule.Endpoint(ip, 80)).isInstanceOf(IllegalArgumentException.class);
  }
}
