package io.dirigent.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.core.api.KubeJson;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Pod specs as Kubernetes validates them; among the cases, the volume specs that once reached host paths. */
class PodSpecRulesTest {

  private static final String CONTAINER = "\"containers\":[{\"name\":\"c\",\"image\":\"i\"%s}]";

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "ordinary volumes and mounts are fine"
          + " | \"volumes\":[{\"name\":\"data\",\"emptyDir\":{}},{\"name\":\"conf\",\"configMap\":{\"name\":\"app\",\"items\":[{\"key\":\"a\",\"path\":\"dir/a.conf\",\"mode\":420}]}}]"
          + " | ,\"volumeMounts\":[{\"name\":\"data\",\"mountPath\":\"/data\",\"subPath\":\"logs\"},{\"name\":\"conf\",\"mountPath\":\"/etc/app\"}]"
          + " | ",
      "a volume name that is a path is refused"
          + " | \"volumes\":[{\"name\":\"../../../../x\",\"emptyDir\":{}}] | "
          + " | spec.volumes[0].name: Invalid value: \"../../../../x\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      "a subPath that climbs out is refused"
          + " | \"volumes\":[{\"name\":\"data\",\"emptyDir\":{}}] | ,\"volumeMounts\":[{\"name\":\"data\",\"mountPath\":\"/d\",\"subPath\":\"../../../../etc\"}]"
          + " | spec.containers[0].volumeMounts[0].subPath: Invalid value: \"../../../../etc\": must not contain '..'",
      "an absolute subPath is refused"
          + " | \"volumes\":[{\"name\":\"data\",\"emptyDir\":{}}] | ,\"volumeMounts\":[{\"name\":\"data\",\"mountPath\":\"/d\",\"subPath\":\"/etc\"}]"
          + " | spec.containers[0].volumeMounts[0].subPath: Invalid value: \"/etc\": must be a relative path",
      "an item path that climbs out is refused"
          + " | \"volumes\":[{\"name\":\"s\",\"secret\":{\"secretName\":\"t\",\"items\":[{\"key\":\"k\",\"path\":\"../../x\"}]}}] | "
          + " | spec.volumes[0].secret.items[0].path: Invalid value: \"../../x\": must not contain '..'",
      "a mount of an undeclared volume is refused"
          + " | \"volumes\":[] | ,\"volumeMounts\":[{\"name\":\"ghost\",\"mountPath\":\"/g\"}]"
          + " | spec.containers[0].volumeMounts[0].name: Not found: \"ghost\"",
      "two sources in one volume are refused"
          + " | \"volumes\":[{\"name\":\"v\",\"emptyDir\":{},\"hostPath\":{\"path\":\"/tmp\"}}] | "
          + " | spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type",
      "a hostPath with '..' is refused"
          + " | \"volumes\":[{\"name\":\"h\",\"hostPath\":{\"path\":\"/var/../etc\"}}] | "
          + " | spec.volumes[0].hostPath.path: Invalid value: \"/var/../etc\": must not contain '..'",
      "a relative mount path is refused"
          + " | \"volumes\":[{\"name\":\"data\",\"emptyDir\":{}}] | ,\"volumeMounts\":[{\"name\":\"data\",\"mountPath\":\"data\"}]"
          + " | spec.containers[0].volumeMounts[0].mountPath: Invalid value: \"data\": must be an absolute path",
      "a file mode over 0777 is refused"
          + " | \"volumes\":[{\"name\":\"c\",\"configMap\":{\"name\":\"x\",\"defaultMode\":4095}}] | "
          + " | spec.volumes[0].configMap.defaultMode: Invalid value: \"4095\": must be a number between 0 and 0777 (octal), both inclusive",
      "a claim named like a path is refused"
          + " | \"volumes\":[{\"name\":\"d\",\"persistentVolumeClaim\":{\"claimName\":\"../x\"}}] | "
          + " | spec.volumes[0].persistentVolumeClaim.claimName: Invalid value: \"../x\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      "a claim volume without a claim name is refused"
          + " | \"volumes\":[{\"name\":\"d\",\"persistentVolumeClaim\":{}}] | "
          + " | spec.volumes[0].persistentVolumeClaim.claimName: Required value",
  })
  void volumesAndMounts(String behaviour, String volumes, String mounts, String expected) throws Exception {
    String spec = "{" + volumes + "," + CONTAINER.formatted(mounts == null ? "" : mounts) + "}";
    List<FieldError> errors = new ArrayList<>();
    PodSpecRules.validate(KubeJson.MAPPER.readTree(spec), "spec", errors);
    assertThat(String.join("; ", errors.stream().map(FieldError::message).toList())).isEqualTo(expected == null ? "" : expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "requests within limits are fine | {\"requests\":{\"cpu\":\"500m\",\"memory\":\"64Mi\"},\"limits\":{\"cpu\":1,\"memory\":\"128Mi\"}} | ",
      "an extended resource is fine | {\"limits\":{\"example.com/gpu\":\"1\"}} | ",
      "a negative request is refused | {\"requests\":{\"cpu\":\"-1\"}}"
          + " | spec.containers[0].resources.requests[cpu]: Invalid value: \"-1\": must be greater than or equal to 0",
      "a request above its limit is refused | {\"requests\":{\"memory\":\"1Gi\"},\"limits\":{\"memory\":\"512Mi\"}}"
          + " | spec.containers[0].resources.requests: Invalid value: \"1Gi\": must be less than or equal to memory limit of 512Mi",
      "a resource name that is no qualified name is refused | {\"limits\":{\"a b\":\"1\"}}"
          + " | spec.containers[0].resources.limits[a b]: Invalid value: \"a b\"",
  })
  void resources(String behaviour, String resources, String expected) throws Exception {
    String spec = "{" + CONTAINER.formatted(",\"resources\":" + resources) + "}";
    List<FieldError> errors = new ArrayList<>();
    PodSpecRules.validate(KubeJson.MAPPER.readTree(spec), "spec", errors);
    String messages = String.join("; ", errors.stream().map(FieldError::message).toList());
    if (expected == null) {
      assertThat(messages).isEmpty();
    } else {
      assertThat(messages).startsWith(expected);
    }
  }
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a DNS label is a fine hostname | \"hostname\":\"web-0\",\"subdomain\":\"web\" | ",
      "a hostname that would be a host tool's option is refused | \"hostname\":\"-F/etc/shadow\""
          + " | spec.hostname: Invalid value: \"-F/etc/shadow\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      "a subdomain with a dot is refused | \"subdomain\":\"a.b\" | spec.subdomain: Invalid value: \"a.b\": must not contain dots",
  })
  void hostnameAndSubdomainAreDnsLabels(String behaviour, String fields, String expected) throws Exception {
    String spec = "{" + fields + "," + CONTAINER.formatted("") + "}";
    List<FieldError> errors = new ArrayList<>();
    PodSpecRules.validate(KubeJson.MAPPER.readTree(spec), "spec", errors);
    assertThat(String.join("; ", errors.stream().map(FieldError::message).toList())).isEqualTo(expected == null ? "" : expected);
  }
}
