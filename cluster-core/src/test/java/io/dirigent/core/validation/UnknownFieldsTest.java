package io.dirigent.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.core.api.KubeJson;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UnknownFieldsTest {

  private final UnknownFields unknownFields = new UnknownFields(KubeJson.MAPPER);

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      a pod with only declared fields has none unknown | {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"any-key":"v"}},"spec":{"containers":[{"name":"c","image":"i","resources":{"limits":{"cpu":"1"}},"ports":[{"containerPort":80}]}]},"status":{}} |
      a misspelt top-level field is reported | {"apiVersion":"v1","kind":"Pod","metdata":{"name":"p"}} | metdata
      a field inside a list element is reported with its index | {"kind":"Pod","spec":{"containers":[{"name":"a"},{"name":"b","imagePullPolcy":"Always"}]}} | spec.containers[1].imagePullPolcy
      several unknown fields are all reported in order | {"kind":"Pod","spec":{"foo":1,"containers":[{"name":"a","bar":2}]}} | spec.foo;spec.containers[0].bar
      null values and nulls of unknown shape are not looked into | {"kind":"Pod","metadata":{"creationTimestamp":null},"spec":{"containers":null}} |
      """)
  void podFields(String name, String json, String expected) throws Exception {
    assertThat(unknownFields.find(KubeJson.MAPPER.readTree(json), Pod.class)).isEqualTo(split(expected));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      a deployment's template is checked as a pod template | {"spec":{"template":{"spec":{"containers":[{"name":"c","imagee":"x"}]}}}} | spec.template.spec.containers[0].imagee
      maxSurge takes a number or a string without complaint | {"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":1}}}} |
      a selector's match labels are free-form keys | {"spec":{"selector":{"matchLabels":{"whatever":"x"},"matchExpression":[]}}} | spec.selector.matchExpression
      """)
  void deploymentFields(String name, String json, String expected) throws Exception {
    assertThat(unknownFields.find(KubeJson.MAPPER.readTree(json), Deployment.class)).isEqualTo(split(expected));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      a config map's data keys are not fields | {"data":{"anything":"x"},"binaryData":{"b":"eA=="}} |
      a config map has no spec | {"spec":{}} | spec
      """)
  void configMapFields(String name, String json, String expected) throws Exception {
    assertThat(unknownFields.find(KubeJson.MAPPER.readTree(json), ConfigMap.class)).isEqualTo(split(expected));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      a target port by name or number is fine | {"spec":{"ports":[{"port":80,"targetPort":"http"},{"port":81,"targetPort":8081}]}} |
      a misspelt port field is reported | {"spec":{"ports":[{"prot":80}]}} | spec.ports[0].prot
      """)
  void serviceFields(String name, String json, String expected) throws Exception {
    assertThat(unknownFields.find(KubeJson.MAPPER.readTree(json), Service.class)).isEqualTo(split(expected));
  }

  @Test
  void removingUnknownFieldsKeepsEverythingDeclared() throws Exception {
    JsonNode pod = KubeJson.MAPPER.readTree("""
        {"kind":"Pod","metadata":{"name":"p","nmae":"x"},"spec":{"containers":[{"name":"c","image":"i","sidecar":true}]}}""");
    assertThat(unknownFields.remove(pod, Pod.class)).containsExactly("metadata.nmae", "spec.containers[0].sidecar");
    assertThat(pod).isEqualTo(KubeJson.MAPPER.readTree("""
        {"kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"i"}]}}"""));
  }

  private static List<String> split(String expected) {
    return expected == null || expected.isBlank() ? List.of() : List.of(expected.split(";"));
  }
}
