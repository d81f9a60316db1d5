package io.dirigent.core.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.validation.FieldError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobUpdatesTest {

  private static final String JOB = "{'spec':{'suspend':%s,'completions':1,'selector':{'matchLabels':{'u':'1'}},"
      + "'template':{'metadata':{'labels':{'u':'1'}},'spec':{'containers':[{'name':'main','image':'busybox:1'}]}}},'status':{%s}}";

  private static ObjectNode json(String text) throws Exception {
    return (ObjectNode) KubeJson.MAPPER.readTree(text.replace('\'', '"'));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "parallelism may change | false | '' | /spec/parallelism | 3 | ''",
      "suspend may change | false | '' | /spec/suspend | true | ''",
      "the image may not change | false | '' | /spec/template/spec/containers/0/image | \"busybox:2\" | spec.template",
      "completions may not change | false | '' | /spec/completions | 2 | spec.completions",
      "the selector may not change | false | '' | /spec/selector/matchLabels/u | \"2\" | spec.selector",
      "a suspended job never started may get a node selector | true | '' | /spec/template/spec/nodeSelector | {\"disk\":\"ssd\"} | ''",
      "a suspended job that ran may not | true | 'startTime':'2024-01-01T00:00:00Z' | /spec/template/spec/nodeSelector | {\"disk\":\"ssd\"} | spec.template",
      "a suspended job never started still keeps its image | true | '' | /spec/template/spec/containers/0/image | \"busybox:2\" | spec.template"})
  void anUpdateMayChangeOnlyWhatKubernetesLetsChange(String sentence, boolean suspended, String status, String pointer, String value, String refused)
      throws Exception {
    ObjectNode current = json(JOB.formatted(suspended, status));
    ObjectNode next = current.deepCopy();
    String parent = pointer.substring(0, pointer.lastIndexOf('/'));
    ((ObjectNode) next.at(parent)).set(pointer.substring(pointer.lastIndexOf('/') + 1), KubeJson.MAPPER.readTree(value));
    var errors = JobUpdates.immutable(current, next).stream().map(FieldError::field).toList();
    if (refused.isEmpty()) {
      assertThat(errors).isEmpty();
    } else {
      assertThat(errors).containsExactly(refused);
      assertThat(JobUpdates.immutable(current, next).get(0).detail()).isEqualTo("field is immutable");
    }
  }
}
