package io.dirigent.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dirigent.core.api.ResourceRegistry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The tables of NetworkPolicies, Ingresses, IngressClasses, HorizontalPodAutoscalers and
 * RuntimeClasses, column for column and cell for cell as Kubernetes' printers make them
 * ({@code pkg/printers/internalversion/printers.go}).
 */
class NetworkingTablesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtin();
  private static final String META = "'metadata':{'name':'x','creationTimestamp':'2026-12-02T11:55:00Z'}";

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text.replace('\'', '"'));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a policy shows its pod selector | networkpolicies.networking.k8s.io | {" + META + ",'spec':{'podSelector':{'matchLabels':{'app':'db'}}}}"
          + " | Name,Pod-Selector,Age | x,app=db,5m",
      "a policy for every pod shows none | networkpolicies.networking.k8s.io | {" + META + ",'spec':{'podSelector':{}}} | Name,Pod-Selector,Age | x,<none>,5m",
      "an ingress shows its class, hosts, address and TLS port"
          + " | ingresses.networking.k8s.io | {" + META + ",'spec':{'ingressClassName':'nginx','tls':[{'hosts':['a.io']}],'rules':[{'host':'a.io'},{'host':'b.io'}]},"
          + "'status':{'loadBalancer':{'ingress':[{'ip':'10.0.0.2'},{'hostname':'lb.example.com'},{'ip':'10.0.0.2'}]}}}"
          + " | Name,Class,Hosts,Address,Ports,Age | x,nginx,'a.io,b.io','10.0.0.2,lb.example.com','80, 443',5m",
      "an ingress without class, hosts or address | ingresses.networking.k8s.io | {" + META + ",'spec':{'defaultBackend':{}}}"
          + " | Name,Class,Hosts,Address,Ports,Age | x,<none>,*,,80,5m",
      "an ingress class shows its controller and parameters"
          + " | ingressclasses.networking.k8s.io | {" + META + ",'spec':{'controller':'example.com/lb','parameters':{'apiGroup':'k8s.example.com','kind':'LB','name':'p'}}}"
          + " | Name,Controller,Parameters,Age | x,example.com/lb,LB.k8s.example.com/p,5m",
      "an ingress class without parameters | ingressclasses.networking.k8s.io | {" + META + ",'spec':{'controller':'k8s.io/ingress-nginx'}}"
          + " | Name,Controller,Parameters,Age | x,k8s.io/ingress-nginx,<none>,5m",
      "an autoscaler not yet measured"
          + " | horizontalpodautoscalers.autoscaling | {" + META + ",'spec':{'scaleTargetRef':{'kind':'Deployment','name':'web'},'minReplicas':2,'maxReplicas':10,"
          + "'metrics':[{'type':'Resource','resource':{'name':'cpu','target':{'type':'Utilization','averageUtilization':80}}}]},'status':{'desiredReplicas':0}}"
          + " | Name,Reference,Targets,MinPods,MaxPods,Replicas,Age | x,Deployment/web,cpu: <unknown>/80%,2,10,0,5m",
      "a runtime class shows its handler | runtimeclasses.node.k8s.io | {" + META + ",'handler':'runsc'} | Name,Handler,Age | x,runsc,5m",
  })
  void eachKindHasKubectlsColumnsAndCells(String sentence, String resource, String object, String columns, String cells) throws Exception {
    var type = REGISTRY.byResource(resource).orElseThrow();
    assertThat(Tables.columns(type)).extracting(Tables.Column::name).containsExactly(columns.split(","));
    List<String> expected = new java.util.ArrayList<>(List.of(cells.split(",(?=(?:[^']*'[^']*')*[^']*$)", -1)));
    expected.replaceAll(cell -> cell.replace("'", ""));
    assertThat(Tables.cells(type, json(object), NOW)).extracting(String::valueOf).containsExactlyElementsOf(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "no metric | [] | [] | <none>",
      "a measured CPU utilization"
          + " | [{'type':'Resource','resource':{'name':'cpu','target':{'type':'Utilization','averageUtilization':80}}}]"
          + " | [{'type':'Resource','resource':{'name':'cpu','current':{'averageUtilization':45,'averageValue':'90m'}}}] | cpu: 45%/80%",
      "an average value | [{'type':'Resource','resource':{'name':'memory','target':{'type':'AverageValue','averageValue':'500Mi'}}}] | [] | memory: <unknown>/500Mi",
      "a utilization target left to the controller | [{'type':'ContainerResource','containerResource':{'name':'cpu','container':'app','target':{'type':'Utilization'}}}] | [] | cpu: <unknown>/<auto>",
      "a pods metric | [{'type':'Pods','pods':{'metric':{'name':'rps'},'target':{'type':'AverageValue','averageValue':'1k'}}}] | [{'type':'Pods','pods':{'current':{'averageValue':'250'}}}] | 250/1k",
      "an external average and an object value"
          + " | [{'type':'External','external':{'metric':{'name':'q'},'target':{'type':'AverageValue','averageValue':'30'}}},"
          + "{'type':'Object','object':{'metric':{'name':'h'},'target':{'type':'Value','value':'10k'}}}] | [] | <unknown>/30 (avg), <unknown>/10k",
      "more than two metrics"
          + " | [{'type':'Pods','pods':{'target':{'averageValue':'1'}}},{'type':'Pods','pods':{'target':{'averageValue':'2'}}},{'type':'Pods','pods':{'target':{'averageValue':'3'}}}]"
          + " | [] | <unknown>/1, <unknown>/2 + 1 more...",
      "an unknown type | [{'type':'Custom'}] | [] | <unknown type>",
  })
  void autoscalerTargetsReadAsKubectlPrintsThem(String sentence, String specs, String statuses, String expected) throws Exception {
    assertThat(AutoscalingTables.metrics(json(specs), json(statuses))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "no host is any host | [{}] | *",
      "three hosts | [{'host':'a'},{'host':'b'},{'host':'c'}] | a,b,c",
      "more rules than three count as more | [{'host':'a'},{'host':'b'},{'host':'c'},{'host':'d'},{}] | a,b,c + 2 more...",
      "rules without hosts take no place | [{},{'host':'a'}] | a",
  })
  void ingressHostsReadAsKubectlPrintsThem(String sentence, String rules, String expected) throws Exception {
    assertThat(NetworkingTables.hosts(json(rules))).isEqualTo(expected);
  }
}
