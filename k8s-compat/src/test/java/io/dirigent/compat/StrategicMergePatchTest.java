package io.dirigent.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StrategicMergePatchTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode json(String text) {
    try {
      return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  private static final String DEPLOYMENT = """
      {'kind':'Deployment','metadata':{'name':'web','labels':{'app':'web'},'finalizers':['a']},
       'spec':{'replicas':2,'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1}},
        'template':{'spec':{'containers':[
          {'name':'web','image':'web:1','ports':[{'containerPort':80},{'containerPort':443}],'env':[{'name':'A','value':'1'}],'args':['x','y']},
          {'name':'log','image':'log:1'}],
         'tolerations':[{'key':'k1'}]}}}}""";

  static Stream<Arguments> patches() {
    return Stream.of(
        arguments("maps merge and null deletes a key",
            "{'metadata':{'labels':{'app':null,'tier':'front'}}}",
            "metadata.labels", "{'tier':'front'}"),
        arguments("containers merge by name: set image keeps the rest of the container",
            "{'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'web'},{'name':'log'}],'containers':[{'name':'web','image':'web:2'}]}}}}",
            "spec.template.spec.containers", "[{'name':'web','image':'web:2','ports':[{'containerPort':80},{'containerPort':443}],'env':[{'name':'A','value':'1'}],'args':['x','y']},{'name':'log','image':'log:1'}]"),
        arguments("a new container is appended",
            "{'spec':{'template':{'spec':{'containers':[{'name':'side','image':'side:1'}]}}}}",
            "spec.template.spec.containers[2]", "{'name':'side','image':'side:1'}"),
        arguments("$patch delete removes a container by name",
            "{'spec':{'template':{'spec':{'containers':[{'$patch':'delete','name':'log'}]}}}}",
            "spec.template.spec.containers", "[{'name':'web','image':'web:1','ports':[{'containerPort':80},{'containerPort':443}],'env':[{'name':'A','value':'1'}],'args':['x','y']}]"),
        arguments("container ports merge by containerPort, as kubectl apply sends a changed port",
            "{'spec':{'template':{'spec':{'containers':[{'name':'web','$setElementOrder/ports':[{'containerPort':8080},{'containerPort':443}],"
                + "'ports':[{'containerPort':8080},{'$patch':'delete','containerPort':80}]}]}}}}",
            "spec.template.spec.containers[0].ports", "[{'containerPort':8080},{'containerPort':443}]"),
        arguments("env merges by name",
            "{'spec':{'template':{'spec':{'containers':[{'name':'web','env':[{'name':'B','value':'2'},{'name':'A','value':'9'}]}]}}}}",
            "spec.template.spec.containers[0].env", "[{'name':'A','value':'9'},{'name':'B','value':'2'}]"),
        arguments("a list without a merge key is replaced",
            "{'spec':{'template':{'spec':{'containers':[{'name':'web','args':['z']}]}}}}",
            "spec.template.spec.containers[0].args", "['z']"),
        arguments("tolerations are replaced as a whole",
            "{'spec':{'template':{'spec':{'tolerations':[{'key':'k2'}]}}}}",
            "spec.template.spec.tolerations", "[{'key':'k2'}]"),
        arguments("finalizers take the union",
            "{'metadata':{'finalizers':['b','a']}}",
            "metadata.finalizers", "['a','b']"),
        arguments("$deleteFromPrimitiveList removes finalizers",
            "{'metadata':{'$deleteFromPrimitiveList/finalizers':['a']}}",
            "metadata.finalizers", "[]"),
        arguments("$retainKeys drops the keys it does not list, as apply sends it for a strategy",
            "{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}",
            "spec.strategy", "{'type':'Recreate'}"),
        arguments("$patch replace on a map replaces it",
            "{'spec':{'strategy':{'$patch':'replace','type':'Recreate'}}}",
            "spec.strategy", "{'type':'Recreate'}"),
        arguments("$patch replace in a list replaces the list",
            "{'spec':{'template':{'spec':{'containers':[{'$patch':'replace'},{'name':'only','image':'o:1'}]}}}}",
            "spec.template.spec.containers", "[{'name':'only','image':'o:1'}]"),
        arguments("a restart annotation lands in the template, as rollout restart sends it",
            "{'spec':{'template':{'metadata':{'annotations':{'kubectl.kubernetes.io/restartedAt':'2026-01-01T00:00:00Z'}}}}}",
            "spec.template.metadata.annotations", "{'kubectl.kubernetes.io/restartedAt':'2026-01-01T00:00:00Z'}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("patches")
  void patchesMergeAsKubernetesTypesSay(String description, String patch, String path, String expected) {
    ObjectNode patched = StrategicMergePatch.apply(json(DEPLOYMENT), json(patch), "Deployment");
    assertThat(at(patched, path)).isEqualTo(JSON.valueToTree(parse(expected)));
  }

  @Test
  void servicePortsMergeByPortAndPodConditionsByType() {
    ObjectNode service = json("{'kind':'Service','spec':{'ports':[{'port':80,'targetPort':8080},{'port':443}]}}");
    ObjectNode patched = StrategicMergePatch.apply(service, json("{'spec':{'ports':[{'port':80,'targetPort':9090}]}}"), "Service");
    assertThat(at(patched, "spec.ports")).isEqualTo(parse("[{'port':80,'targetPort':9090},{'port':443}]"));

    ObjectNode pod = json("{'kind':'Pod','status':{'conditions':[{'type':'Ready','status':'False'},{'type':'Initialized','status':'True'}]}}");
    ObjectNode ready = StrategicMergePatch.apply(pod, json("{'status':{'conditions':[{'type':'Ready','status':'True'}]}}"), "Pod");
    assertThat(at(ready, "status.conditions")).isEqualTo(parse("[{'type':'Ready','status':'True'},{'type':'Initialized','status':'True'}]"));
  }

  @Test
  void theTargetIsNotChanged() {
    ObjectNode target = json(DEPLOYMENT);
    StrategicMergePatch.apply(target, json("{'spec':{'replicas':5}}"), "Deployment");
    assertThat(target).isEqualTo(json(DEPLOYMENT));
  }

  @Test
  void anElementWithoutItsMergeKeyIsMalformed() {
    assertThatThrownBy(() -> StrategicMergePatch.apply(json(DEPLOYMENT),
        json("{'spec':{'template':{'spec':{'containers':[{'image':'x'}]}}}}"), "Deployment"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("merge key \"name\"");
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  /** The node at a dotted path with [i] indexes. */
  private static JsonNode at(JsonNode node, String path) {
    JsonNode current = node;
    for (String step : path.split("\\.")) {
      int bracket = step.indexOf('[');
      String field = bracket < 0 ? step : step.substring(0, bracket);
      current = current.path(field);
      if (bracket >= 0) {
        current = current.path(Integer.parseInt(step.substring(bracket + 1, step.length() - 1)));
      }
    }
    return current;
  }
}
