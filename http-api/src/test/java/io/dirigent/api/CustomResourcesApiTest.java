package io.dirigent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.api.testing.ApiClient;
import io.dirigent.api.testing.ApiServerExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * CustomResourceDefinitions over real HTTP: a definition created is served by the next request,
 * at each of its served versions, in discovery and OpenAPI, with its status and scale
 * subresources; a version it does not serve is a 404.
 */
class CustomResourcesApiTest {

  @RegisterExtension
  static final ApiServerExtension SERVER = ApiServerExtension.server();

  private final ApiClient api = SERVER.api();

  /** A definition of {@code plural.group} served at v1 (storage) and v1beta1, with status and scale at v1. */
  static String definition(String group, String plural, String kind) {
    return """
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
         "metadata":{"name":"%2$s.%1$s"},
         "spec":{"group":"%1$s","scope":"Namespaced",
           "names":{"plural":"%2$s","singular":"%3$s","kind":"%4$s","shortNames":["%5$s"],"categories":["all"]},
           "versions":[
             {"name":"v1beta1","served":true,"storage":false,
              "schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}}},
             {"name":"v1","served":true,"storage":true,
              "schema":{"openAPIV3Schema":{"type":"object","properties":{
                 "spec":{"type":"object","properties":{"replicas":{"type":"integer"},"color":{"type":"string"}}},
                 "status":{"type":"object","properties":{"replicas":{"type":"integer"},"selector":{"type":"string"}}}}}},
              "subresources":{"status":{},"scale":{"specReplicasPath":".spec.replicas","statusReplicasPath":".status.replicas",
                 "labelSelectorPath":".status.selector"}}}]}}
        """.formatted(group, plural, kind.toLowerCase(), kind, plural.substring(0, 2));
  }

  @Test
  void aDefinitionIsServedByTheNextRequestAtEachOfItsVersions() {
    ApiClient.Reply created = api.send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", definition("api.example.com", "widgets", "Widget"));
    assertThat(created.code()).as(created.body()).isEqualTo(201);
    String ns = api.namespace("crd");

    ApiClient.Reply widget = api.send("POST", "/apis/api.example.com/v1beta1/namespaces/" + ns + "/widgets",
        "{\"apiVersion\":\"api.example.com/v1beta1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\"},\"spec\":{\"replicas\":2}}");
    assertThat(widget.code()).as(widget.body()).isEqualTo(201);
    assertThat(widget.json().path("apiVersion").asText()).isEqualTo("api.example.com/v1beta1");

    JsonNode atV1 = api.send("GET", "/apis/api.example.com/v1/namespaces/" + ns + "/widgets/w", null).json();
    assertThat(atV1.path("apiVersion").asText()).isEqualTo("api.example.com/v1");
    assertThat(atV1.path("spec").path("replicas").asInt()).isEqualTo(2);
    JsonNode list = api.send("GET", "/apis/api.example.com/v1beta1/namespaces/" + ns + "/widgets", null).json();
    assertThat(list.path("kind").asText()).isEqualTo("WidgetList");
    assertThat(list.path("items").get(0).path("apiVersion").asText()).isEqualTo("api.example.com/v1beta1");

    assertThat(api.send("GET", "/apis/api.example.com/v2/namespaces/" + ns + "/widgets", null).code()).isEqualTo(404);
  }

  @Test
  void discoveryListsEveryServedVersionThePreferredFirst() {
    api.send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", definition("discovery.example.com", "gadgets", "Gadget"));

    JsonNode group = groupNamed(api.send("GET", "/apis", null).json(), "discovery.example.com");
    assertThat(group.path("preferredVersion").path("version").asText()).isEqualTo("v1");
    assertThat(texts(group.path("versions"), "version")).containsExactly("v1", "v1beta1");
    JsonNode resources = api.send("GET", "/apis/discovery.example.com/v1", null).json().path("resources");
    assertThat(texts(resources, "name")).containsExactly("gadgets", "gadgets/status", "gadgets/scale");
    assertThat(resources.get(0).path("shortNames").get(0).asText()).isEqualTo("ga");
    assertThat(resources.get(0).path("categories").get(0).asText()).isEqualTo("all");
    assertThat(texts(api.send("GET", "/apis/discovery.example.com/v1beta1", null).json().path("resources"), "name"))
        .as("v1beta1 has no subresources").containsExactly("gadgets");
    assertThat(api.send("GET", "/openapi/v3", null).json().path("paths").has("apis/discovery.example.com/v1beta1")).isTrue();
    JsonNode schemas = api.send("GET", "/openapi/v3/apis/discovery.example.com/v1", null).json().path("components").path("schemas");
    assertThat(schemas.path("com.example.discovery.v1.Gadget").path("properties").has("spec")).isTrue();
  }

  @Test
  void theScaleSubresourceReadsAndWritesWhereTheDefinitionSays() {
    api.send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", definition("scale.example.com", "pools", "Pool"));
    String ns = api.namespace("crd");
    String base = "/apis/scale.example.com/v1/namespaces/" + ns + "/pools";
    assertThat(api.send("POST", base, "{\"apiVersion\":\"scale.example.com/v1\",\"kind\":\"Pool\",\"metadata\":{\"name\":\"p\"},"
        + "\"spec\":{\"replicas\":1},\"status\":{\"replicas\":9}}").code()).isEqualTo(201);
    ApiClient.Reply status = api.mergePatch(base + "/p/status", "{\"status\":{\"replicas\":1,\"selector\":\"app=pool\"}}");
    assertThat(status.code()).as(status.body()).isEqualTo(200);

    JsonNode scale = api.send("GET", base + "/p/scale", null).json();
    assertThat(scale.path("spec").path("replicas").asInt()).isEqualTo(1);
    assertThat(scale.path("status").path("replicas").asInt()).isEqualTo(1);
    assertThat(scale.path("status").path("selector").asText()).isEqualTo("app=pool");
    ApiClient.Reply scaled = api.mergePatch(base + "/p/scale", "{\"spec\":{\"replicas\":5}}");
    assertThat(scaled.code()).as(scaled.body()).isEqualTo(200);
    assertThat(api.send("GET", base + "/p", null).json().path("spec").path("replicas").asInt()).isEqualTo(5);
  }

  @Test
  void withTheStatusSubresourceACreateDropsTheClientsStatusAndAnUpdateKeepsTheStoredOne() {
    api.send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", definition("status.example.com", "jobs", "Job"));
    String ns = api.namespace("crd");
    String base = "/apis/status.example.com/v1/namespaces/" + ns + "/jobs";
    JsonNode created = api.send("POST", base, "{\"apiVersion\":\"status.example.com/v1\",\"kind\":\"Job\",\"metadata\":{\"name\":\"j\"},"
        + "\"status\":{\"replicas\":9}}").json();
    assertThat(created.has("status")).isFalse();
    api.mergePatch(base + "/j/status", "{\"status\":{\"replicas\":1}}");
    JsonNode updated = api.mergePatch(base + "/j", "{\"spec\":{\"color\":\"red\"},\"status\":{\"replicas\":7}}").json();
    assertThat(updated.path("status").path("replicas").asInt()).isEqualTo(1);
    assertThat(updated.path("spec").path("color").asText()).isEqualTo("red");
  }

  @Test
  void serverSideApplyCreatesThenMergesACustomObject() {
    api.send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", definition("apply.example.com", "stacks", "Stack"));
    String ns = api.namespace("crd");
    String object = "/apis/apply.example.com/v1/namespaces/" + ns + "/stacks/s?fieldManager=test";
    ApiClient.Reply created = api.send("PATCH", object, "application/apply-patch+yaml",
        "{\"apiVersion\":\"apply.example.com/v1\",\"kind\":\"Stack\",\"metadata\":{\"name\":\"s\"},\"spec\":{\"replicas\":1}}");
    assertThat(created.code()).as(created.body()).isEqualTo(201);
    ApiClient.Reply merged = api.send("PATCH", object, "application/apply-patch+yaml",
        "{\"apiVersion\":\"apply.example.com/v1\",\"kind\":\"Stack\",\"metadata\":{\"name\":\"s\"},\"spec\":{\"color\":\"blue\"}}");
    assertThat(merged.code()).as(merged.body()).isEqualTo(200);
    assertThat(merged.json().path("spec").path("color").asText()).isEqualTo("blue");
    assertThat(merged.json().path("spec").path("replicas").asInt()).isEqualTo(1);
  }

  @Test
  void anObjectTheSchemaRefusesIsA422WithKubernetesMessage() {
    api.send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", definition("invalid.example.com", "bolts", "Bolt"));
    String ns = api.namespace("crd");
    ApiClient.Reply refused = api.send("POST", "/apis/invalid.example.com/v1/namespaces/" + ns + "/bolts",
        "{\"apiVersion\":\"invalid.example.com/v1\",\"kind\":\"Bolt\",\"metadata\":{\"name\":\"b\"},\"spec\":{\"replicas\":\"two\"}}");
    assertThat(refused.code()).as(refused.body()).isEqualTo(422);
    assertThat(refused.json().path("message").asText()).startsWith("Bolt.invalid.example.com \"b\" is invalid: spec.replicas: Invalid value: \"string\"");
    assertThat(api.send("GET", "/apis/invalid.example.com/v1/namespaces/" + ns + "/bolts/b", null).code()).as("nothing written").isEqualTo(404);
  }

  private static JsonNode groupNamed(JsonNode groups, String name) {
    for (JsonNode group : groups.path("groups")) {
      if (group.path("name").asText().equals(name)) {
        return group;
      }
    }
    throw new AssertionError("no group " + name + " in " + groups);
  }

  private static List<String> texts(JsonNode array, String field) {
    List<String> values = new ArrayList<>();
    array.forEach(item -> values.add(item.path(field).asText()));
    return values;
  }
}
