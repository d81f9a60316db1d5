package io.dirigent.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceRegistry;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EndpointSliceRulesTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "an IPv4 slice with an address per endpoint is valid | {'addressType':'IPv4','endpoints':[{'addresses':['10.1.0.5']}]} | ",
      "a slice without an address type is refused | {'endpoints':[]} | addressType: Required value",
      "an unknown address type is refused | {'addressType':'IPv5'} | addressType: Unsupported value: \"IPv5\": supported values: \"FQDN\", \"IPv4\", \"IPv6\"",
      "an endpoint without an address is refused | {'addressType':'IPv4','endpoints':[{'addresses':[]}]} | endpoints[0].addresses: Required value: must contain at least 1 address",
      "an IPv4 slice's addresses must be IPv4 addresses | {'addressType':'IPv4','endpoints':[{'addresses':['10.1.0.300']}]}"
          + " | endpoints[0].addresses[0]: Invalid value: \"10.1.0.300\": must be a valid IPv4 address"})
  void slices(String sentence, String slice, String expected) throws Exception {
    ObjectNode object = (ObjectNode) KubeJson.MAPPER.readTree(slice.replace('\'', '"'));

    List<FieldError> errors = SpecRules.validate(ResourceRegistry.builtin().byResource("endpointslices.discovery.k8s.io").orElseThrow(), object);

    assertThat(String.join("; ", errors.stream().map(FieldError::message).toList())).isEqualTo(expected == null ? "" : expected);
  }
}
