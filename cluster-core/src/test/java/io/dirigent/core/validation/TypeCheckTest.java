package io.dirigent.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Objects whose known fields have the wrong type are refused, naming the field; the exploits that once broke the scheduler among them. */
class TypeCheckTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a plain pod is fine | pods | {\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"ports\":[{\"containerPort\":80}]}]}} | ",
      "quantities as numbers or strings and ports by number or name are fine | pods"
          + " | {\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"resources\":{\"limits\":{\"cpu\":1,\"memory\":\"64Mi\"}},"
          + "\"readinessProbe\":{\"httpGet\":{\"port\":\"http\"}},\"livenessProbe\":{\"tcpSocket\":{\"port\":80}}}]}} | ",
      "a service's target port by number or name is fine | services"
          + " | {\"metadata\":{\"name\":\"s\"},\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":\"web\"},{\"port\":81,\"targetPort\":8081}]}} | ",
      "ports that are a string, which once crash-looped the scheduler | pods"
          + " | {\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"ports\":\"abc\"}]}}"
          + " | spec.containers[0].ports: cannot unmarshal string into a field of type array",
      "a port number in a string | pods"
          + " | {\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"ports\":[{\"containerPort\":\"80\"}]}]}}"
          + " | spec.containers[0].ports[0].containerPort: cannot unmarshal string into a field of type integer",
      "a name that is a number | configmaps | {\"metadata\":{\"name\":123}} | metadata.name: cannot unmarshal number 123 into a field of type string",
      "data that is a string | configmaps | {\"metadata\":{\"name\":\"c\"},\"data\":\"x\"} | data: cannot unmarshal string into a field of type object",
      "finalizers that are a string | configmaps | {\"metadata\":{\"name\":\"c\",\"finalizers\":\"x\"}} | metadata.finalizers: cannot unmarshal string into a field of type array",
      "owner references that are an object | configmaps | {\"metadata\":{\"name\":\"c\",\"ownerReferences\":{}}} | metadata.ownerReferences: cannot unmarshal object into a field of type array",
      "replicas in a string | deployments.apps | {\"metadata\":{\"name\":\"d\"},\"spec\":{\"replicas\":\"3\"}} | spec.replicas: cannot unmarshal string into a field of type integer",
      "a memory limit that is no quantity | pods"
          + " | {\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"resources\":{\"limits\":{\"memory\":\"lots\"}}}]}}"
          + " | spec.containers[0].resources.limits.memory: " + Quantities.FORMAT_ERROR,
      "an exponent too large to compute | pods"
          + " | {\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"resources\":{\"requests\":{\"cpu\":\"1e2147483647\"}}}]}}"
          + " | spec.containers[0].resources.requests.cpu: " + Quantities.FORMAT_ERROR,
      "a quantity that is an object | pods"
          + " | {\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"resources\":{\"requests\":{\"cpu\":{}}}}]}}"
          + " | spec.containers[0].resources.requests.cpu: cannot unmarshal object into a field of type Quantity (an object)",
      "a fraction for an integer | deployments.apps | {\"metadata\":{\"name\":\"d\"},\"spec\":{\"replicas\":1.5}} | spec.replicas: cannot unmarshal number 1.5 into a field of type integer",
      "secret data that is not base64 | secrets | {\"metadata\":{\"name\":\"s\"},\"data\":{\"k\":\"dg==\",\"p\":\"%%%\"}} | data.p: illegal base64 data at input byte 0",
      "secret data without its padding | secrets | {\"metadata\":{\"name\":\"s\"},\"data\":{\"k\":\"dg\"}} | data.k: illegal base64 data at input byte 2",
      "binary data that is not base64 | configmaps | {\"metadata\":{\"name\":\"c\"},\"binaryData\":{\"b\":\"a b\"}} | binaryData.b: illegal base64 data at input byte 1",
      "a boolean in a string | pods | {\"metadata\":{\"name\":\"p\"},\"spec\":{\"hostNetwork\":\"true\",\"containers\":[]}} | spec.hostNetwork: cannot unmarshal string into a field of type bool",
  })
  void wronglyTypedKnownFieldsAreNamed(String behaviour, String resource, String json, String expected) throws Exception {
    var type = ResourceRegistry.builtin().byResource(resource).orElseThrow();
    assertThat(TypeCheck.problem(type, KubeJson.MAPPER.readTree(json)).orElse(null)).isEqualTo(expected);
  }
}
