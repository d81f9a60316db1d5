package io.dirigent.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.core.api.KubeJson;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Services, Endpoints and container ports as Kubernetes validates them; among the cases, the
 * inputs that once reached a node's packet filter rules unchecked.
 */
class NetworkRulesTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "two named ports are fine | {\"ports\":[{\"name\":\"http\",\"port\":80,\"targetPort\":\"web\"},{\"name\":\"https\",\"port\":443,\"protocol\":\"TCP\",\"targetPort\":8443,\"nodePort\":30443}]} | ",
      "a headless service needs no ports | {\"clusterIP\":\"None\"} | ",
      "a port name that would break out of a rule's comment is refused"
          + " | {\"ports\":[{\"name\":\"p\\\"\\nCOMMIT\",\"port\":80}]}"
          + " | spec.ports[0].name: Invalid value: \"p\\\"\\nCOMMIT\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      "a protocol outside the three is refused"
          + " | {\"ports\":[{\"port\":80,\"protocol\":\"tcp -j ACCEPT\"}]}"
          + " | spec.ports[0].protocol: Unsupported value: \"tcp -j ACCEPT\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
      "several ports need names, and different ones"
          + " | {\"ports\":[{\"name\":\"a\",\"port\":80},{\"port\":81},{\"name\":\"a\",\"port\":82}]}"
          + " | spec.ports[1].name: Required value; spec.ports[2].name: Duplicate value: \"a\"",
      "the same port and protocol twice is refused"
          + " | {\"ports\":[{\"name\":\"a\",\"port\":80},{\"name\":\"b\",\"port\":80}]}"
          + " | spec.ports[1]: Duplicate value: \"{port: 80, protocol: TCP}\"",
      "a target port of digits in a string is a name, and not a valid one"
          + " | {\"ports\":[{\"port\":80,\"targetPort\":\"8080\"}]}"
          + " | spec.ports[0].targetPort: Invalid value: \"8080\": must contain at least one letter (a-z)",
      "a port outside 1 to 65535 is refused"
          + " | {\"ports\":[{\"port\":70000,\"targetPort\":0}]}"
          + " | spec.ports[0].port: Invalid value: \"70000\": must be between 1 and 65535, inclusive; spec.ports[0].targetPort: Invalid value: \"0\": must be between 1 and 65535, inclusive",
      "a port in a string is refused"
          + " | {\"ports\":[{\"port\":\"80\"}]}"
          + " | spec.ports[0].port: Invalid value: \"80\": must be between 1 and 65535, inclusive",
      "a cluster IP that is not an address is refused"
          + " | {\"clusterIP\":\"10.96.0.1 -j DROP\",\"ports\":[{\"port\":80}]}"
          + " | spec.clusterIP: Invalid value: \"10.96.0.1 -j DROP\": must be a valid IPv4 address, (e.g. 10.9.8.7)",
      "an unknown type is refused"
          + " | {\"type\":\"Magic\",\"ports\":[{\"port\":80}]}"
          + " | spec.type: Unsupported value: \"Magic\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"",
  })
  void services(String behaviour, String spec, String expected) throws Exception {
    List<FieldError> errors = new ArrayList<>();
    NetworkRules.service(KubeJson.MAPPER.readTree(spec), errors);
    assertThat(messages(errors)).isEqualTo(expected == null ? "" : expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a pod's address is fine | 10.244.1.7 | ",
      "loopback is refused | 127.0.0.1 | subsets[0].addresses[0].ip: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8)",
      "the metadata address is refused | 169.254.169.254 | subsets[0].addresses[0].ip: Invalid value: \"169.254.169.254\": may not be in the link-local range (169.254.0.0/16)",
      "the unspecified address is refused | 0.0.0.0 | subsets[0].addresses[0].ip: Invalid value: \"0.0.0.0\": may not be unspecified (0.0.0.0)",
      "multicast is refused | 224.0.0.1 | subsets[0].addresses[0].ip: Invalid value: \"224.0.0.1\": may not be in the multicast range (224.0.0.0/4)",
      "anything after the address is refused | 10.0.0.1:80 -j ACCEPT | subsets[0].addresses[0].ip: Invalid value: \"10.0.0.1:80 -j ACCEPT\": must be a valid IPv4 address",
      "a leading zero is refused | 010.0.0.1 | subsets[0].addresses[0].ip: Invalid value: \"010.0.0.1\": must be a valid IPv4 address",
      "an octet over 255 is refused | 10.0.0.256 | subsets[0].addresses[0].ip: Invalid value: \"10.0.0.256\": must be a valid IPv4 address",
  })
  void endpointAddresses(String behaviour, String ip, String expected) throws Exception {
    JsonNode endpoints = KubeJson.MAPPER.readTree("""
        {"subsets":[{"addresses":[{"ip":%s}],"ports":[{"port":8080}]}]}
        """.formatted(KubeJson.MAPPER.writeValueAsString(ip)));
    List<FieldError> errors = new ArrayList<>();
    NetworkRules.endpoints(endpoints, errors);
    assertThat(messages(errors)).isEqualTo(expected == null ? "" : expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "named ports are fine | [{\"name\":\"http\",\"containerPort\":80,\"hostPort\":8080,\"protocol\":\"UDP\"}] | ",
      "a name longer than 15 characters is refused"
          + " | [{\"name\":\"a-very-long-port-name\",\"containerPort\":80}]"
          + " | spec.containers[0].ports[0].name: Invalid value: \"a-very-long-port-name\": must be no more than 15 characters",
      "a name of digits only is refused"
          + " | [{\"name\":\"8080\",\"containerPort\":80}]"
          + " | spec.containers[0].ports[0].name: Invalid value: \"8080\": must contain at least one letter (a-z)",
      "a host IP that is not an address is refused"
          + " | [{\"containerPort\":80,\"hostIP\":\"localhost\"}]"
          + " | spec.containers[0].ports[0].hostIP: Invalid value: \"localhost\": must be a valid IPv4 address, (e.g. 10.9.8.7)",
      "a host port outside the range is refused"
          + " | [{\"containerPort\":80,\"hostPort\":-1}]"
          + " | spec.containers[0].ports[0].hostPort: Invalid value: \"-1\": must be between 1 and 65535, inclusive",
  })
  void containerPorts(String behaviour, String ports, String expected) throws Exception {
    List<FieldError> errors = new ArrayList<>();
    NetworkRules.containerPorts(KubeJson.MAPPER.readTree(ports), "spec.containers[0].ports", errors);
    assertThat(messages(errors)).isEqualTo(expected == null ? "" : expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a node's range is fine | {\"podCIDR\":\"10.244.1.0/24\",\"podCIDRs\":[\"10.244.1.0/24\"]} | ",
      "a node without a range is fine | {\"unschedulable\":true} | ",
      "host bits set are refused | {\"podCIDR\":\"10.244.1.7/24\"}"
          + " | spec.podCIDR: Invalid value: \"10.244.1.7/24\": must be an IPv4 block in CIDR notation with no host bits set (e.g. 10.244.1.0/24)",
      "anything after the block is refused | {\"podCIDR\":\"10.244.1.0/24 dev eth0\"}"
          + " | spec.podCIDR: Invalid value: \"10.244.1.0/24 dev eth0\": must be an IPv4 block in CIDR notation with no host bits set (e.g. 10.244.1.0/24)",
      "a prefix over 32 is refused | {\"podCIDRs\":[\"10.244.1.0/33\"]}"
          + " | spec.podCIDRs[0]: Invalid value: \"10.244.1.0/33\": must be an IPv4 block in CIDR notation with no host bits set (e.g. 10.244.1.0/24)",
      "the list's first must be the range | {\"podCIDR\":\"10.244.1.0/24\",\"podCIDRs\":[\"10.244.2.0/24\"]}"
          + " | spec.podCIDRs[0]: Invalid value: \"10.244.2.0/24\": must match spec.podCIDR",
      "a second block is refused | {\"podCIDRs\":[\"10.244.1.0/24\",\"10.244.2.0/24\"]}"
          + " | spec.podCIDRs: Invalid value: \"10.244.1.0/24,10.244.2.0/24\": may hold at most one block: this cluster's pod network is IPv4 only",
  })
  void nodes(String behaviour, String spec, String expected) throws Exception {
    List<FieldError> errors = new ArrayList<>();
    NetworkRules.node(KubeJson.MAPPER.readTree(spec), errors);
    assertThat(messages(errors)).isEqualTo(expected == null ? "" : expected);
  }

  private static String messages(List<FieldError> errors) {
    return String.join("; ", errors.stream().map(FieldError::message).toList());
  }
}
