package io.dirigent.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceRegistry;
import io.dirigent.core.api.ResourceType;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ReplicationControllers as Kubernetes defaults and validates them (core/v1, a selector that is a label map). */
class ReplicationControllerRulesTest {

  private static final ResourceType RCS = ResourceRegistry.builtin().byResource("replicationcontrollers").orElseThrow();
  private static final String CONTAINERS = "'containers':[{'name':'web','image':'web:1'}]";

  private static ObjectNode defaulted(String json) throws Exception {
    ObjectNode rc = (ObjectNode) KubeJson.MAPPER.readTree(json.replace('\'', '"'));
    Defaults.apply(RCS, rc);
    return rc;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "without a selector it selects its template's labels"
          + " | {'spec':{'template':{'metadata':{'labels':{'app':'web'}},'spec':{" + CONTAINERS + "}}}} | /spec/selector | {\"app\":\"web\"}",
      "without labels of its own it takes its template's"
          + " | {'spec':{'template':{'metadata':{'labels':{'app':'web'}},'spec':{" + CONTAINERS + "}}}} | /metadata/labels | {\"app\":\"web\"}",
      "its own labels and selector are kept"
          + " | {'metadata':{'labels':{'team':'a'}},'spec':{'selector':{'app':'web'},'template':{'metadata':{'labels':{'app':'web','v':'1'}}}}} | /spec/selector | {\"app\":\"web\"}",
      "it keeps one replica"
          + " | {'spec':{'template':{'metadata':{'labels':{'app':'web'}}}}} | /spec/replicas | 1",
      "its pods restart always"
          + " | {'spec':{'template':{'metadata':{'labels':{'app':'web'}},'spec':{" + CONTAINERS + "}}}} | /spec/template/spec/restartPolicy | \"Always\""})
  void missingFieldsTakeKubernetesDefaults(String sentence, String rc, String pointer, String expected) throws Exception {
    assertThat(defaulted(rc).at(pointer)).isEqualTo(KubeJson.MAPPER.readTree(expected));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a defaulted controller of its template's labels is valid"
          + " | {'spec':{'replicas':2,'template':{'metadata':{'labels':{'app':'web'}},'spec':{" + CONTAINERS + "}}}} | ",
      "a template without labels leaves it without a selector"
          + " | {'spec':{'template':{'spec':{" + CONTAINERS + "}}}} | spec.selector: Required value",
      "a selector its template's labels do not satisfy is refused"
          + " | {'spec':{'selector':{'app':'web'},'template':{'metadata':{'labels':{'app':'db'}},'spec':{" + CONTAINERS + "}}}}"
          + " | spec.template.metadata.labels: Invalid value: \"map[string]string{\\\"app\\\":\\\"db\\\"}\": selector does not match labels in spec.template",
      "negative replicas and minReadySeconds are refused"
          + " | {'spec':{'replicas':-1,'minReadySeconds':-5,'template':{'metadata':{'labels':{'app':'web'}},'spec':{" + CONTAINERS + "}}}}"
          + " | spec.minReadySeconds: Invalid value: \"-5\": must be greater than or equal to 0; spec.replicas: Invalid value: \"-1\": must be greater than or equal to 0",
      "pods that do not restart always are refused"
          + " | {'spec':{'template':{'metadata':{'labels':{'app':'web'}},'spec':{'restartPolicy':'OnFailure'," + CONTAINERS + "}}}}"
          + " | spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\"",
      "a deadline for its pods is forbidden"
          + " | {'spec':{'template':{'metadata':{'labels':{'app':'web'}},'spec':{'activeDeadlineSeconds':30," + CONTAINERS + "}}}}"
          + " | spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicationController is not Supported",
      "a controller without a template is refused"
          + " | {'spec':{'selector':{'app':'web'}}} | spec.template: Required value"})
  void validation(String sentence, String rc, String expected) throws Exception {
    List<FieldError> errors = SpecRules.validate(RCS, defaulted(rc));

    assertThat(String.join("; ", errors.stream().map(FieldError::message).toList())).isEqualTo(expected == null ? "" : expected);
  }
}
