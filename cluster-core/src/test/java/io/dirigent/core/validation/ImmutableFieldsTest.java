package io.dirigent.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImmutableFieldsTest {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtin();

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a runtime class keeps its handler | runtimeclasses.node.k8s.io | {'handler':'runc'} | {'handler':'runsc'} | handler: Invalid value: \"runsc\": field is immutable",
      "a runtime class may change its overhead | runtimeclasses.node.k8s.io | {'handler':'runc'} | {'handler':'runc','overhead':{'podFixed':{'cpu':'1'}}} | ",
      "an ingress class keeps its controller"
          + " | ingressclasses.networking.k8s.io | {'spec':{'controller':'a.io/x'}} | {'spec':{'controller':'b.io/x'}}"
          + " | spec.controller: Invalid value: \"b.io/x\": field is immutable",
      "an ingress class may change its parameters"
          + " | ingressclasses.networking.k8s.io | {'spec':{'controller':'a.io/x'}} | {'spec':{'controller':'a.io/x','parameters':{'kind':'K','name':'n'}}} | ",
      "other kinds have no such fields here | configmaps | {'data':{'a':'1'}} | {'data':{'a':'2'}} | ",
  })
  void updatesMayNotChangeWhatAnObjectIs(String behaviour, String resource, String before, String after, String expected) throws Exception {
    var errors = ImmutableFields.changed(REGISTRY.byResource(resource).orElseThrow(), tree(before), tree(after));
    assertThat(String.join("; ", errors.stream().map(FieldError::message).toList())).isEqualTo(expected == null ? "" : expected);
  }

  private static ObjectNode tree(String json) throws Exception {
    return (ObjectNode) KubeJson.MAPPER.readTree(json.replace('\'', '"'));
  }
}
