package io.dirigent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.cli.PortForwardCommand.Mapping;
import io.dirigent.cli.client.CliException;
import io.dirigent.core.api.KubeJson;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ports {@code port-forward} is given, resolved against the pod (and the service it came through). */
class PortSpecsTest {

  private static final JsonNode POD = json("""
      {"metadata":{"name":"web-1"},"spec":{"containers":[{"name":"web","ports":[{"name":"http","containerPort":8888}]}]}}
      """);
  private static final JsonNode SERVICE = json("""
      {"metadata":{"name":"web"},"spec":{"ports":[
        {"name":"front","port":80,"targetPort":"http"},{"port":81,"targetPort":9000},{"port":82}]}}
      """);

  @ParameterizedTest(name = "{0} through the pod is {1} -> {2}")
  @CsvSource({"8080, 8080, 8080", "9000:80, 9000, 80", ":80, 0, 80", "http, 8888, 8888", "7000:http, 7000, 8888", ":http, 0, 8888"})
  void aPodsPortIsANumberOrAContainerPortsName(String spec, int local, int remote) {
    assertThat(PortSpecs.parse(spec, POD, null)).isEqualTo(new Mapping(local, remote));
  }

  @ParameterizedTest(name = "{0} through the service is {1} -> {2}")
  @CsvSource({"80, 80, 8888", "front, 8888, 8888", "5000:81, 5000, 9000", ":82, 0, 82"})
  void aServicesPortGoesToItsTargetPort(String spec, int local, int remote) {
    assertThat(PortSpecs.parse(spec, POD, SERVICE)).isEqualTo(new Mapping(local, remote));
  }

  @ParameterizedTest(name = "{0} is refused: {1}")
  @CsvSource(delimiter = '|', value = {
      "8080:         | invalid port \"8080:\": use PORT, LOCAL:REMOTE or :REMOTE",
      "1:2:3         | invalid port \"1:2:3\": use PORT, LOCAL:REMOTE or :REMOTE",
      "70000:80      | invalid port \"70000:80\": a port is a number from 0 to 65535",
      "0             | invalid port \"0\": the pod's port cannot be 0",
      "grpc          | Pod 'web-1' does not have a named port 'grpc'",
  })
  void aPortThatCannotBeForwardedIsRefused(String spec, String message) {
    assertThatThrownBy(() -> PortSpecs.parse(spec, POD, null)).isInstanceOf(CliException.class).hasMessage(message);
  }

  @org.junit.jupiter.api.Test
  void aServicePortThatIsNotThereIsRefused() {
    assertThatThrownBy(() -> PortSpecs.parse("443", POD, SERVICE)).hasMessage("Service web does not have a service port 443");
  }

  private static JsonNode json(String text) {
    try {
      return KubeJson.MAPPER.readTree(text);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
