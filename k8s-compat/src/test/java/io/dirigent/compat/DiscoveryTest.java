package io.dirigent.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.ResourceRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DiscoveryTest {

  private final Discovery discovery = new Discovery(ResourceRegistry.builtin());

  @ParameterizedTest(name = "{0} gets {1}")
  @CsvSource(delimiter = '|', value = {
      "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json | V2",
      "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json | V2BETA1",
      "application/json, */* | LEGACY",
      "application/json; as=APIGroupDiscoveryList; v=v2; g=apidiscovery.k8s.io | V2"})
  void theAcceptHeaderChoosesTheDocument(String accept, String expected) {
    Optional<Discovery.Aggregated> chosen = Discovery.negotiate(accept);
    assertThat(chosen.map(Enum::name).orElse("LEGACY")).isEqualTo(expected);
  }

  @Test
  void aggregatedDiscoveryListsEveryResourceWithWhatKubectlNeeds() {
    ObjectNode core = discovery.aggregatedCore(Discovery.Aggregated.V2);
    assertThat(core.path("apiVersion").asText()).isEqualTo("apidiscovery.k8s.io/v2");
    JsonNode pods = resource(core, "pods");
    assertThat(pods.path("scope").asText()).isEqualTo("Namespaced");
    assertThat(pods.path("responseKind").path("kind").asText()).isEqualTo("Pod");
    assertThat(texts(pods.path("shortNames"))).containsExactly("po");
    assertThat(texts(pods.path("categories"))).containsExactly("all");
    assertThat(texts(pods.path("verbs"))).contains("get", "list", "watch", "create", "patch", "delete");
    assertThat(resource(core, "nodes").path("scope").asText()).isEqualTo("Cluster");

    ObjectNode groups = discovery.aggregatedGroups(Discovery.Aggregated.V2);
    assertThat(groups.path("items").get(0).path("metadata").path("name").asText()).isEqualTo("apps");
    JsonNode deployments = resource(groups, "deployments");
    JsonNode scale = deployments.path("subresources").findParent("subresource");
    assertThat(texts(deployments.path("shortNames"))).containsExactly("deploy");
    List<String> subresources = new ArrayList<>();
    deployments.path("subresources").forEach(s -> subresources.add(s.path("subresource").asText() + ":" + s.path("responseKind").path("kind").asText()));
    assertThat(subresources).contains("scale:Scale", "status:Deployment");
    assertThat(scale).isNotNull();
  }

  @Test
  void getAllListsPodsAndServicesBeforeTheAppsGroup() {
    List<String> all = new ArrayList<>();
    for (ObjectNode document : List.of(discovery.aggregatedCore(Discovery.Aggregated.V2), discovery.aggregatedGroups(Discovery.Aggregated.V2))) {
      for (JsonNode group : document.path("items")) {
        for (JsonNode resource : group.path("versions").get(0).path("resources")) {
          if (texts(resource.path("categories")).contains("all")) {
            all.add(resource.path("resource").asText());
          }
        }
      }
    }
    assertThat(all).containsExactly("pods", "replicationcontrollers", "services", "daemonsets", "deployments", "replicasets", "statefulsets",
        "horizontalpodautoscalers", "cronjobs", "jobs");
  }

  @Test
  void legacyDiscoveryHasTheGroupListAndAResourceListPerVersion() {
    assertThat(texts(discovery.coreVersions("127.0.0.1:6443").path("versions"))).containsExactly("v1");
    List<String> groups = new ArrayList<>();
    discovery.groups().path("groups").forEach(g -> groups.add(g.path("preferredVersion").path("groupVersion").asText()));
    assertThat(groups).containsExactly("apps/v1", "apiextensions.k8s.io/v1", "apiregistration.k8s.io/v1", "autoscaling/v2", "batch/v1", "coordination.k8s.io/v1", "discovery.k8s.io/v1",
        "networking.k8s.io/v1", "node.k8s.io/v1", "policy/v1", "rbac.authorization.k8s.io/v1", "scheduling.k8s.io/v1", "storage.k8s.io/v1");

    JsonNode apps = discovery.resources("apps/v1").orElseThrow();
    List<String> names = new ArrayList<>();
    apps.path("resources").forEach(r -> names.add(r.path("name").asText() + ":" + r.path("kind").asText()));
    assertThat(names).contains("deployments:Deployment", "deployments/scale:Scale", "deployments/status:Deployment");
    JsonNode scale = null;
    for (JsonNode r : apps.path("resources")) {
      if (r.path("name").asText().equals("deployments/scale")) {
        scale = r;
      }
    }
    assertThat(scale.path("group").asText()).isEqualTo("autoscaling");
    assertThat(discovery.resources("autoscaling/v1")).isEmpty();
    List<String> autoscaling = new ArrayList<>();
    discovery.resources("autoscaling/v2").orElseThrow().path("resources").forEach(r -> autoscaling.add(r.path("name").asText()));
    assertThat(autoscaling).containsExactly("horizontalpodautoscalers", "horizontalpodautoscalers/status");
    List<String> networking = new ArrayList<>();
    discovery.resources("networking.k8s.io/v1").orElseThrow().path("resources").forEach(r -> networking.add(r.path("name").asText()));
    assertThat(networking).containsExactly("ingressclasses", "ingresses", "ingresses/status", "networkpolicies");
    List<String> batch = new ArrayList<>();
    discovery.resources("batch/v1").orElseThrow().path("resources").forEach(r -> batch.add(r.path("name").asText()));
    assertThat(batch).containsExactly("cronjobs", "cronjobs/status", "jobs", "jobs/status");
    assertThat(discovery.group("apps").orElseThrow().path("kind").asText()).isEqualTo("APIGroup");
  }

  private static JsonNode resource(JsonNode document, String name) {
    for (JsonNode group : document.path("items")) {
      for (JsonNode resource : group.path("versions").get(0).path("resources")) {
        if (resource.path("resource").asText().equals(name)) {
          return resource;
        }
      }
    }
    throw new AssertionError("no resource " + name);
  }

  private static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }
}
