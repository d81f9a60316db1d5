package io.dirigent.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * HorizontalPodAutoscalers and RuntimeClasses as Kubernetes validates them, after defaulting (as
 * the API server runs them): what charts render passes, and each refusal reads as Kubernetes'.
 */
class AutoscalingRulesTest {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtin();
  private static final String TARGET = "'scaleTargetRef':{'apiVersion':'apps/v1','kind':'Deployment','name':'web'}";

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a chart's CPU and memory autoscaler is fine"
          + " | {" + TARGET + ",'minReplicas':2,'maxReplicas':10,'metrics':[{'type':'Resource','resource':{'name':'cpu','target':{'type':'Utilization','averageUtilization':60}}},"
          + "{'type':'Resource','resource':{'name':'memory','target':{'type':'AverageValue','averageValue':'500Mi'}}}]} | ",
      "an autoscaler with only a maximum is fine | {" + TARGET + ",'maxReplicas':3} | ",
      "pods, object and external metrics are fine"
          + " | {" + TARGET + ",'maxReplicas':3,'metrics':[{'type':'Pods','pods':{'metric':{'name':'rps'},'target':{'type':'AverageValue','averageValue':'1k'}}},"
          + "{'type':'Object','object':{'describedObject':{'kind':'Ingress','name':'main'},'metric':{'name':'hits'},'target':{'type':'Value','value':'10k'}}},"
          + "{'type':'External','external':{'metric':{'name':'queue'},'target':{'type':'AverageValue','averageValue':'30'}}}]} | ",
      "behavior within Kubernetes' limits is fine"
          + " | {" + TARGET + ",'maxReplicas':3,'behavior':{'scaleDown':{'stabilizationWindowSeconds':300,'policies':[{'type':'Pods','value':1,'periodSeconds':60}]}}} | ",
      "no replica bounds and no target are refused"
          + " | {}"
          + " | spec.maxReplicas: Invalid value: \"0\": must be greater than 0; spec.maxReplicas: Invalid value: \"0\": must be greater than or equal to `minReplicas`;"
          + " spec.scaleTargetRef.kind: Required value; spec.scaleTargetRef.name: Required value",
      "zero replicas are refused | {" + TARGET + ",'minReplicas':0,'maxReplicas':3} | spec.minReplicas: Invalid value: \"0\": must be greater than or equal to 1",
      "a maximum below the minimum is refused | {" + TARGET + ",'minReplicas':5,'maxReplicas':3} | spec.maxReplicas: Invalid value: \"3\": must be greater than or equal to `minReplicas`",
      "a target named by a path is refused"
          + " | {'scaleTargetRef':{'kind':'Deployment','name':'a/b'},'maxReplicas':3}"
          + " | spec.scaleTargetRef.name: Invalid value: \"a/b\": may not contain '/'",
      "an unknown metric type is refused"
          + " | {" + TARGET + ",'maxReplicas':3,'metrics':[{'type':'Custom'}]}"
          + " | spec.metrics[0].type: Unsupported value: \"Custom\": supported values: \"ContainerResource\", \"External\", \"Object\", \"Pods\", \"Resource\"",
      "a metric without its source is refused"
          + " | {" + TARGET + ",'maxReplicas':3,'metrics':[{'type':'Resource'}]}"
          + " | spec.metrics[0].resource: Required value: must populate information for the given metric source",
      "a metric with a second source is refused"
          + " | {" + TARGET + ",'maxReplicas':3,'metrics':[{'type':'Resource','resource':{'name':'cpu','target':{'type':'Utilization','averageUtilization':50}},"
          + "'pods':{'metric':{'name':'x'},'target':{'type':'AverageValue','averageValue':'1'}}}]}"
          + " | spec.metrics[0].pods: Forbidden: must populate the given metric source only",
      "a resource target with neither utilization nor value is refused"
          + " | {" + TARGET + ",'maxReplicas':3,'metrics':[{'type':'Resource','resource':{'name':'cpu','target':{'type':'Utilization'}}}]}"
          + " | spec.metrics[0].resource.target.averageUtilization: Required value: must set either a target raw value or a target utilization",
      "a resource target with both is refused"
          + " | {" + TARGET + ",'maxReplicas':3,'metrics':[{'type':'Resource','resource':{'name':'cpu','target':{'type':'Utilization','averageUtilization':50,'averageValue':'1'}}}]}"
          + " | spec.metrics[0].resource.target.averageValue: Forbidden: may not set both a target raw value and a target utilization",
      "an unknown target type and a zero utilization are refused"
          + " | {" + TARGET + ",'maxReplicas':3,'metrics':[{'type':'Resource','resource':{'name':'cpu','target':{'type':'Percent','averageUtilization':0}}}]}"
          + " | spec.metrics[0].resource.target.type: Invalid value: \"Percent\": must be either Utilization, Value, or AverageValue;"
          + " spec.metrics[0].resource.target.averageUtilization: Invalid value: \"0\": must be greater than 0",
      "a negative average value is refused"
          + " | {" + TARGET + ",'maxReplicas':3,'metrics':[{'type':'Pods','pods':{'metric':{'name':'rps'},'target':{'type':'AverageValue','averageValue':'-1'}}}]}"
          + " | spec.metrics[0].pods.target.averageValue: Invalid value: \"-1\": must be positive",
      "a pods metric without a name is refused"
          + " | {" + TARGET + ",'maxReplicas':3,'metrics':[{'type':'Pods','pods':{'metric':{},'target':{'type':'AverageValue','averageValue':'1'}}}]}"
          + " | spec.metrics[0].pods.metric.name: Required value: must specify a metric name",
      "an hour-long period and an unknown policy are refused"
          + " | {" + TARGET + ",'maxReplicas':3,'behavior':{'scaleUp':{'selectPolicy':'Sum','policies':[{'type':'Nodes','value':0,'periodSeconds':3600}]}}}"
          + " | spec.behavior.scaleUp.selectPolicy: Unsupported value: \"Sum\": supported values: \"Disabled\", \"Max\", \"Min\";"
          + " spec.behavior.scaleUp.policies[0].type: Unsupported value: \"Nodes\": supported values: \"Percent\", \"Pods\";"
          + " spec.behavior.scaleUp.policies[0].value: Invalid value: \"0\": must be greater than zero;"
          + " spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: \"3600\": must be less than or equal to 1800",
      "a window over an hour is refused"
          + " | {" + TARGET + ",'maxReplicas':3,'behavior':{'scaleDown':{'stabilizationWindowSeconds':3601}}}"
          + " | spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: \"3601\": must be less than or equal to 3600",
      "an empty policy list is refused | {" + TARGET + ",'maxReplicas':3,'behavior':{'scaleUp':{'policies':[]}}} | spec.behavior.scaleUp.policies: Required value: must specify at least one Policy",
  })
  void horizontalPodAutoscalers(String behaviour, String spec, String expected) throws Exception {
    assertThat(errors("horizontalpodautoscalers.autoscaling", "{'spec':" + spec + "}")).isEqualTo(expected == null ? "" : expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "gVisor's runtime class is fine | {'handler':'runsc','overhead':{'podFixed':{'cpu':'250m','memory':'120Mi'}},'scheduling':{'nodeSelector':{'runtime':'gvisor'},'tolerations':[{'key':'sandbox','operator':'Exists','effect':'NoSchedule'}]}} | ",
      "a class without a handler is refused"
          + " | {}"
          + " | handler: Invalid value: \"\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an"
          + " alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      "a handler with dots is refused | {'handler':'kata.v2'} | handler: Invalid value: \"kata.v2\": must not contain dots",
      "a negative overhead is refused | {'handler':'runc','overhead':{'podFixed':{'cpu':'-1'}}} | overhead.podFixed[cpu]: Invalid value: \"-1\": must be greater than or equal to 0",
      "a toleration with an unknown effect is refused"
          + " | {'handler':'runc','scheduling':{'tolerations':[{'key':'a','operator':'Equal','value':'b','effect':'Evict'}]}}"
          + " | scheduling.tolerations[0].effect: Unsupported value: \"Evict\": supported values: \"NoExecute\", \"NoSchedule\", \"PreferNoSchedule\"",
  })
  void runtimeClasses(String behaviour, String object, String expected) throws Exception {
    assertThat(errors("runtimeclasses.node.k8s.io", object)).isEqualTo(expected == null ? "" : expected);
  }

  private static String errors(String resource, String json) throws Exception {
    var type = REGISTRY.byResource(resource).orElseThrow();
    ObjectNode object = (ObjectNode) KubeJson.MAPPER.readTree(json.replace('\'', '"'));
    Defaults.apply(type, object);
    return String.join("; ", SpecRules.validate(type, object).stream().map(FieldError::message).toList());
  }
}
