package io.dirigent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.api.testing.ApiClient;
import io.dirigent.api.testing.ApiServerExtension;
import io.dirigent.core.api.KubeJson;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pods' {@code eviction} subresource and PodDisruptionBudgets over real HTTP, on the in-memory
 * store without controllers: each test writes the budget's status itself, as the disruption
 * controller would, and checks what an eviction does with it.
 */
class EvictionTest {

  @RegisterExtension
  static final ApiServerExtension SERVER = ApiServerExtension.server();

  private final ApiClient api = SERVER.api();

  @Test
  void aPodNoBudgetSelectsIsEvictedAtOnce() throws Exception {
    String ns = api.namespace("evict");
    runningPod(ns, "p", true);
    ApiClient.Reply evicted = evict(ns, "p", "");
    assertThat(evicted.code()).as(evicted.body()).isEqualTo(201);
    assertThat(evicted.json().path("status").asText()).isEqualTo("Success");
    JsonNode pod = get(ns, "p");
    assertThat(pod.path("metadata").path("deletionTimestamp").asText()).as("the bound pod is going").isNotEmpty();
    assertThat(condition(pod, "DisruptionTarget").path("reason").asText()).isEqualTo("EvictionByEvictionAPI");
  }

  @Test
  void anEvictionTheBudgetAllowsTakesOneDisruptionAndRecordsThePod() throws Exception {
    String ns = api.namespace("evict");
    runningPod(ns, "p", true);
    budget(ns, "b", "{\"minAvailable\":1,\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}", 1, 2, 1);
    ApiClient.Reply evicted = evict(ns, "p", "");
    assertThat(evicted.code()).as(evicted.body()).isEqualTo(201);
    JsonNode status = api.send("GET", "/apis/policy/v1/namespaces/" + ns + "/poddisruptionbudgets/b", null).json().path("status");
    assertThat(status.path("disruptionsAllowed").asInt()).isZero();
    assertThat(status.path("disruptedPods").has("p")).isTrue();
    assertThat(get(ns, "p").path("metadata").path("deletionTimestamp").asText()).isNotEmpty();
  }

  @Test
  void anEvictionTheBudgetDoesNotAllowIsRefusedWith429AndTheBudgetNamed() throws Exception {
    String ns = api.namespace("evict");
    runningPod(ns, "p", true);
    budget(ns, "b", "{\"minAvailable\":2,\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}", 0, 2, 2);
    ApiClient.Reply refused = evict(ns, "p", "");
    assertThat(refused.code()).as(refused.body()).isEqualTo(429);
    assertThat(refused.json().path("reason").asText()).isEqualTo("TooManyRequests");
    assertThat(refused.json().path("message").asText()).isEqualTo("Cannot evict pod as it would violate the pod's disruption budget.");
    JsonNode cause = refused.json().path("details").path("causes").path(0);
    assertThat(cause.path("reason").asText()).isEqualTo("DisruptionBudget");
    assertThat(cause.path("message").asText()).isEqualTo("The disruption budget b needs 2 healthy pods and has 2 currently");
    JsonNode pod = get(ns, "p");
    assertThat(pod.path("metadata").path("deletionTimestamp").isMissingNode()).as("the pod stays").isTrue();
    assertThat(condition(pod, "DisruptionTarget").isMissingNode()).isTrue();
  }

  @Test
  void aBudgetTheControllerHasNotSeenYetRefusesEvictions() throws Exception {
    String ns = api.namespace("evict");
    runningPod(ns, "p", true);
    api.send("POST", "/apis/policy/v1/namespaces/" + ns + "/poddisruptionbudgets",
        "{\"metadata\":{\"name\":\"b\"},\"spec\":{\"maxUnavailable\":1,\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}}");
    ApiClient.Reply refused = evict(ns, "p", "");
    assertThat(refused.code()).as(refused.body()).isEqualTo(429);
    assertThat(refused.json().path("details").path("causes").path(0).path("message").asText())
        .isEqualTo("The disruption budget b is still being processed by the server.");
  }

  @Test
  void ofTwoEvictionsRacingForTheLastAllowedDisruptionExactlyOneWins() throws Exception {
    String ns = api.namespace("evict");
    runningPod(ns, "p1", true);
    runningPod(ns, "p2", true);
    budget(ns, "b", "{\"maxUnavailable\":1,\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}", 1, 1, 2);
    CompletableFuture<ApiClient.Reply> first = CompletableFuture.supplyAsync(() -> evictUnchecked(ns, "p1"));
    CompletableFuture<ApiClient.Reply> second = CompletableFuture.supplyAsync(() -> evictUnchecked(ns, "p2"));
    List<Integer> codes = List.of(first.get().code(), second.get().code());
    assertThat(codes).containsExactlyInAnyOrder(201, 429);
  }

  @Test
  void anUnreadyPodGoesWithoutTakingADisruptionWhileTheBudgetIsHealthy() throws Exception {
    String ns = api.namespace("evict");
    runningPod(ns, "p", false);
    budget(ns, "b", "{\"minAvailable\":1,\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}", 0, 1, 1);
    ApiClient.Reply evicted = evict(ns, "p", "");
    assertThat(evicted.code()).as(evicted.body()).isEqualTo(201);
    assertThat(api.send("GET", "/apis/policy/v1/namespaces/" + ns + "/poddisruptionbudgets/b", null).json()
        .path("status").path("disruptionsAllowed").asInt()).isZero();
  }

  @Test
  void aPodTwoBudgetsSelectCannotBeEvicted() throws Exception {
    String ns = api.namespace("evict");
    runningPod(ns, "p", true);
    budget(ns, "a", "{\"minAvailable\":0,\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}", 1, 0, 1);
    budget(ns, "b", "{\"minAvailable\":0,\"selector\":{}}", 1, 0, 1);
    ApiClient.Reply refused = evict(ns, "p", "");
    assertThat(refused.code()).as(refused.body()).isEqualTo(500);
    assertThat(refused.json().path("message").asText())
        .isEqualTo("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
  }

  @Test
  void aDryRunEvictionChangesNothing() throws Exception {
    String ns = api.namespace("evict");
    runningPod(ns, "p", true);
    budget(ns, "b", "{\"maxUnavailable\":1,\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}", 1, 0, 1);
    ApiClient.Reply evicted = evict(ns, "p", ",\"deleteOptions\":{\"dryRun\":[\"All\"]}", "?dryRun=All");
    assertThat(evicted.code()).as(evicted.body()).isEqualTo(201);
    assertThat(get(ns, "p").path("metadata").path("deletionTimestamp").isMissingNode()).isTrue();
    assertThat(api.send("GET", "/apis/policy/v1/namespaces/" + ns + "/poddisruptionbudgets/b", null).json()
        .path("status").path("disruptionsAllowed").asInt()).isEqualTo(1);
  }

  @Test
  void badEvictionsFailTheirOwnRequest() throws Exception {
    String ns = api.namespace("evict");
    runningPod(ns, "p", true);
    ApiClient.Reply otherName = api.send("POST", "/api/v1/namespaces/" + ns + "/pods/p/eviction",
        "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"q\",\"namespace\":\"" + ns + "\"}}");
    assertThat(otherName.code()).isEqualTo(400);
    assertThat(otherName.json().path("message").asText()).isEqualTo("name in URL does not match name in Eviction object");
    assertThat(evict(ns, "missing", "").code()).isEqualTo(404);
    assertThat(api.send("GET", "/api/v1/namespaces/" + ns + "/pods/p/eviction", null).code()).isEqualTo(405);
    assertThat(api.send("POST", "/api/v1/namespaces/" + ns + "/configmaps/p/eviction", "{}").code()).isEqualTo(404);
    assertThat(get(ns, "p").path("metadata").path("deletionTimestamp").isMissingNode()).isTrue();
  }

  @Test
  void budgetsAreValidatedAsKubernetesDoes() throws Exception {
    String ns = api.namespace("evict");
    String path = "/apis/policy/v1/namespaces/" + ns + "/poddisruptionbudgets";
    ApiClient.Reply both = api.send("POST", path, "{\"metadata\":{\"name\":\"b\"},\"spec\":{\"minAvailable\":1,\"maxUnavailable\":1,\"selector\":{}}}");
    assertThat(both.code()).isEqualTo(422);
    assertThat(both.json().path("message").asText()).contains("minAvailable and maxUnavailable cannot be both set");
    ApiClient.Reply percent = api.send("POST", path, "{\"metadata\":{\"name\":\"b\"},\"spec\":{\"minAvailable\":\"half\"}}");
    assertThat(percent.code()).isEqualTo(422);
    assertThat(percent.json().path("message").asText()).contains("spec.minAvailable: Invalid value: \"half\": a valid percent string");
    ApiClient.Reply over = api.send("POST", path, "{\"metadata\":{\"name\":\"b\"},\"spec\":{\"maxUnavailable\":\"101%\"}}");
    assertThat(over.code()).isEqualTo(422);
    assertThat(over.json().path("message").asText()).contains("must not be greater than 100%");
    ApiClient.Reply negative = api.send("POST", path, "{\"metadata\":{\"name\":\"b\"},\"spec\":{\"minAvailable\":-1}}");
    assertThat(negative.code()).isEqualTo(422);
    ApiClient.Reply policy = api.send("POST", path, "{\"metadata\":{\"name\":\"b\"},\"spec\":{\"minAvailable\":1,\"unhealthyPodEvictionPolicy\":\"Sometimes\"}}");
    assertThat(policy.code()).isEqualTo(422);
    assertThat(api.send("GET", path, null).json().path("items")).as("nothing half-written").isEmpty();
    ApiClient.Reply good = api.send("POST", path, "{\"metadata\":{\"name\":\"b\"},\"spec\":{\"minAvailable\":\"100%\",\"selector\":{}}}");
    assertThat(good.code()).as(good.body()).isEqualTo(201);
    JsonNode status = good.json().path("status");
    assertThat(List.of(status.path("disruptionsAllowed").asInt(-1), status.path("currentHealthy").asInt(-1),
        status.path("desiredHealthy").asInt(-1), status.path("expectedPods").asInt(-1)))
        .as("the counters the schema requires, at 0").containsExactly(0, 0, 0, 0);
  }

  @Test
  void discoveryOffersEvictionOnPodsAndTheBudgetKind() throws Exception {
    JsonNode core = api.send("GET", "/api/v1", null).json();
    JsonNode eviction = null;
    for (JsonNode resource : core.path("resources")) {
      if (resource.path("name").asText().equals("pods/eviction")) {
        eviction = resource;
      }
    }
    assertThat(eviction).isNotNull();
    assertThat(eviction.path("group").asText()).isEqualTo("policy");
    assertThat(eviction.path("kind").asText()).isEqualTo("Eviction");
    JsonNode policy = api.send("GET", "/apis/policy/v1", null).json();
    assertThat(policy.path("resources").path(0).path("name").asText()).isEqualTo("poddisruptionbudgets");
    assertThat(policy.path("resources").path(0).path("shortNames").path(0).asText()).isEqualTo("pdb");
  }

  // ---- helpers ----

  /** A pod bound to a node, Running, and Ready or not. */
  private void runningPod(String ns, String name, boolean ready) throws Exception {
    ApiClient.Reply created = api.send("POST", "/api/v1/namespaces/" + ns + "/pods", """
        {"metadata":{"name":"%s","labels":{"app":"web"}},"spec":{"nodeName":"node-1","containers":[{"name":"c","image":"dirigent/busybox:1"}]}}
        """.formatted(name));
    assertThat(created.code()).as(created.body()).isEqualTo(201);
    ObjectNode pod = (ObjectNode) created.json();
    ObjectNode status = pod.putObject("status").put("phase", "Running");
    status.putArray("conditions").addObject().put("type", "Ready").put("status", ready ? "True" : "False");
    ApiClient.Reply written = api.send("PUT", "/api/v1/namespaces/" + ns + "/pods/" + name + "/status", pod.toString());
    assertThat(written.code()).as(written.body()).isEqualTo(200);
  }

  /** A budget with the status the disruption controller would have written. */
  private void budget(String ns, String name, String spec, int allowed, int desired, int healthy) throws Exception {
    ApiClient.Reply created = api.send("POST", "/apis/policy/v1/namespaces/" + ns + "/poddisruptionbudgets",
        "{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":" + spec + "}");
    assertThat(created.code()).as(created.body()).isEqualTo(201);
    ObjectNode budget = (ObjectNode) created.json();
    budget.putObject("status").put("disruptionsAllowed", allowed).put("desiredHealthy", desired).put("currentHealthy", healthy)
        .put("expectedPods", healthy).put("observedGeneration", budget.path("metadata").path("generation").asLong(1));
    ApiClient.Reply written = api.send("PUT", "/apis/policy/v1/namespaces/" + ns + "/poddisruptionbudgets/" + name + "/status", budget.toString());
    assertThat(written.code()).as(written.body()).isEqualTo(200);
  }

  private ApiClient.Reply evict(String ns, String pod, String extra) throws Exception {
    return evict(ns, pod, extra, "");
  }

  private ApiClient.Reply evict(String ns, String pod, String extra, String query) throws Exception {
    return api.send("POST", "/api/v1/namespaces/" + ns + "/pods/" + pod + "/eviction" + query,
        "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"" + pod + "\",\"namespace\":\"" + ns + "\"}" + extra + "}");
  }

  private ApiClient.Reply evictUnchecked(String ns, String pod) {
    try {
      return evict(ns, pod, "");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private JsonNode get(String ns, String pod) throws Exception {
    return api.send("GET", "/api/v1/namespaces/" + ns + "/pods/" + pod, null).json();
  }

  private static JsonNode condition(JsonNode pod, String type) {
    for (JsonNode condition : pod.path("status").path("conditions")) {
      if (condition.path("type").asText().equals(type)) {
        return condition;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }



}
