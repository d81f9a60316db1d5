package io.dirigent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.api.testing.ApiClient;
import io.dirigent.api.testing.ApiServerExtension;
import io.dirigent.core.api.KubeJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What {@code kubectl apply} of a chart's output does with the kinds beside its workloads: each
 * is discovered, dry-run created, created, and listed as a Table with kubectl's columns.
 */
class ChartKindsApiTest {

  @RegisterExtension
  static final ApiServerExtension SERVER = ApiServerExtension.server();

  private final ApiClient api = SERVER.api();

  @Test
  void eachKindIsDiscoveredDryRunCreatedAndCreated() {
    String ns = api.namespace("chart");
    Map<String, String> objects = Map.of(
        "/apis/networking.k8s.io/v1/namespaces/" + ns + "/networkpolicies",
        "{'metadata':{'name':'db'},'spec':{'podSelector':{'matchLabels':{'app':'db'}},'ingress':[{'from':[{'podSelector':{}}]}]}}",
        "/apis/networking.k8s.io/v1/namespaces/" + ns + "/ingresses",
        "{'metadata':{'name':'web'},'spec':{'rules':[{'host':'web.example.com','http':{'paths':[{'path':'/','pathType':'Prefix',"
            + "'backend':{'service':{'name':'web','port':{'number':80}}}}]}}]}}",
        "/apis/networking.k8s.io/v1/ingressclasses",
        "{'metadata':{'name':'" + ns + "'},'spec':{'controller':'k8s.io/ingress-nginx'}}",
        "/apis/autoscaling/v2/namespaces/" + ns + "/horizontalpodautoscalers",
        "{'metadata':{'name':'web'},'spec':{'scaleTargetRef':{'apiVersion':'apps/v1','kind':'Deployment','name':'web'},'maxReplicas':4}}",
        "/apis/node.k8s.io/v1/runtimeclasses",
        "{'metadata':{'name':'" + ns + "'},'handler':'runc'}");
    objects.forEach((path, body) -> {
      String json = body.replace('\'', '"');
      assertThat(api.send("POST", path + "?dryRun=All", json).code()).as("dry run %s", path).isEqualTo(201);
      ApiClient.Reply created = api.send("POST", path, json);
      assertThat(created.code()).as("%s: %s", path, created.body()).isEqualTo(201);
      String name = created.json().path("metadata").path("name").asText();
      assertThat(api.send("GET", path + "/" + name, null).code()).isEqualTo(200);
    });

    JsonNode networking = api.send("GET", "/apis/networking.k8s.io/v1", null).json();
    List<String> shortNames = new ArrayList<>();
    networking.path("resources").forEach(r -> r.path("shortNames").forEach(s -> shortNames.add(s.asText())));
    assertThat(shortNames).containsExactlyInAnyOrder("ing", "netpol");
    assertThat(api.send("GET", "/apis/autoscaling/v2", null).json().path("resources").path(0).path("categories").path(0).asText()).isEqualTo("all");
  }

  @Test
  void anAutoscalerListsAsKubectlsTable() throws Exception {
    String ns = api.namespace("hpa");
    String path = "/apis/autoscaling/v2/namespaces/" + ns + "/horizontalpodautoscalers";
    api.send("POST", path, "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"scaleTargetRef\":{\"kind\":\"Deployment\",\"name\":\"web\"},\"maxReplicas\":4}}");
    var request = HttpRequest.newBuilder(URI.create(SERVER.url() + path))
        .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io").GET().build();
    JsonNode table = KubeJson.MAPPER.readTree(HttpClient.newHttpClient().send(request, BodyHandlers.ofString()).body());

    List<String> columns = new ArrayList<>();
    table.path("columnDefinitions").forEach(c -> columns.add(c.path("name").asText()));
    assertThat(columns).containsExactly("Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Age");
    JsonNode cells = table.path("rows").path(0).path("cells");
    assertThat(cells.path(1).asText() + " " + cells.path(2).asText() + " " + cells.path(3).asText() + " " + cells.path(4).asLong())
        .isEqualTo("Deployment/web cpu: <unknown>/80% 1 4");
  }
}
