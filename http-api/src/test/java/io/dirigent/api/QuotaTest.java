package io.dirigent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.api.testing.ApiClient;
import io.dirigent.api.testing.ApiServerExtension;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ResourceQuota and LimitRange admission over real HTTP, on the in-memory store without
 * controllers: each test writes a quota's status itself, as the quota controller would.
 */
class QuotaTest {

  @RegisterExtension
  static final ApiServerExtension SERVER = ApiServerExtension.server();

  private final ApiClient api = SERVER.api();

  @Test
  void aQuotaWhoseStatusIsNotCountedYetRefusesWhatItCounts() throws Exception {
    String ns = api.namespace("quota");
    assertThat(api.send("POST", "/api/v1/namespaces/" + ns + "/resourcequotas", "{\"metadata\":{\"name\":\"q\"},\"spec\":{\"hard\":{\"pods\":\"2\"}}}")
        .code()).isEqualTo(201);
    ApiClient.Reply refused = pod(ns, "p", "{}");
    assertThat(refused.code()).as(refused.body()).isEqualTo(403);
    assertThat(refused.json().path("message").asText()).isEqualTo("pods \"p\" is forbidden: status unknown for quota: q, resources: pods");
    assertThat(configMap(ns, "c").code()).as("a kind the quota does not count").isEqualTo(201);
  }

  @Test
  void aPodBeyondTheQuotaIsRefusedWithKubernetesWordsAndNothingIsWritten() throws Exception {
    String ns = api.namespace("quota");
    quota(ns, "q", "{\"pods\":\"2\"}", "{\"pods\":\"1\"}");
    assertThat(pod(ns, "p1", "{}").code()).isEqualTo(201);
    assertThat(used(ns, "q", "pods")).as("charged on admission").isEqualTo("2");
    ApiClient.Reply refused = pod(ns, "p2", "{}");
    assertThat(refused.code()).as(refused.body()).isEqualTo(403);
    assertThat(refused.json().path("reason").asText()).isEqualTo("Forbidden");
    assertThat(refused.json().path("message").asText())
        .isEqualTo("pods \"p2\" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2");
    assertThat(api.send("GET", "/api/v1/namespaces/" + ns + "/pods/p2", null).code()).isEqualTo(404);
    assertThat(used(ns, "q", "pods")).isEqualTo("2");
  }

  @Test
  void computeQuotasNeedEveryContainerToSetWhatTheyLimit() throws Exception {
    String ns = api.namespace("quota");
    quota(ns, "compute", "{\"requests.cpu\":\"1\",\"limits.memory\":\"1Gi\"}", "{\"requests.cpu\":\"0\",\"limits.memory\":\"0\"}");
    ApiClient.Reply bare = pod(ns, "bare", "{}");
    assertThat(bare.code()).isEqualTo(403);
    assertThat(bare.json().path("message").asText()).isEqualTo("pods \"bare\" is forbidden: failed quota: compute: must specify limits.memory,requests.cpu");
    assertThat(pod(ns, "small", "{\"requests\":{\"cpu\":\"600m\"},\"limits\":{\"memory\":\"512Mi\"}}").code()).isEqualTo(201);
    ApiClient.Reply big = pod(ns, "big", "{\"requests\":{\"cpu\":\"600m\"},\"limits\":{\"memory\":\"256Mi\"}}");
    assertThat(big.code()).isEqualTo(403);
    assertThat(big.json().path("message").asText())
        .isEqualTo("pods \"big\" is forbidden: exceeded quota: compute, requested: requests.cpu=600m, used: requests.cpu=600m, limited: requests.cpu=1");
  }

  @Test
  void aDryRunOrAFailedWriteGivesItsChargeBack() throws Exception {
    String ns = api.namespace("quota");
    quota(ns, "q", "{\"pods\":\"2\"}", "{\"pods\":\"0\"}");
    assertThat(api.send("POST", "/api/v1/namespaces/" + ns + "/pods?dryRun=All", podBody("p", "{}")).code()).isEqualTo(201);
    Await.until("the dry run's charge given back", Duration.ofSeconds(10), () -> "0".equals(usedUnchecked(ns, "q", "pods")));
    assertThat(pod(ns, "p", "{}").code()).isEqualTo(201);
    assertThat(pod(ns, "p", "{}").code()).as("a create that fails (the name is taken) after its admission").isEqualTo(409);
    Await.until("the failed create's charge given back", Duration.ofSeconds(10), () -> "1".equals(usedUnchecked(ns, "q", "pods")));
  }

  @Test
  void ofTwoPodsRacingForTheLastPlaceExactlyOneIsAdmitted() throws Exception {
    String ns = api.namespace("quota");
    quota(ns, "q", "{\"count/pods\":\"1\"}", "{\"count/pods\":\"0\"}");
    CompletableFuture<ApiClient.Reply> first = CompletableFuture.supplyAsync(() -> podUnchecked(ns, "a"));
    CompletableFuture<ApiClient.Reply> second = CompletableFuture.supplyAsync(() -> podUnchecked(ns, "b"));
    assertThat(List.of(first.get().code(), second.get().code())).containsExactlyInAnyOrder(201, 403);
  }

  @Test
  void limitRangesDefaultAndBoundContainers() throws Exception {
    String ns = api.namespace("quota");
    ApiClient.Reply range = api.send("POST", "/api/v1/namespaces/" + ns + "/limitranges", """
        {"metadata":{"name":"limits"},"spec":{"limits":[{"type":"Container","max":{"cpu":"1"},"defaultRequest":{"cpu":"200m"}}]}}""");
    assertThat(range.code()).as(range.body()).isEqualTo(201);
    assertThat(range.json().path("spec").path("limits").path(0).path("default").path("cpu").asText())
        .as("the default limit defaults to the max").isEqualTo("1");
    ApiClient.Reply defaulted = pod(ns, "d", "{}");
    assertThat(defaulted.code()).as(defaulted.body()).isEqualTo(201);
    JsonNode resources = defaulted.json().path("spec").path("containers").path(0).path("resources");
    assertThat(resources.path("requests").path("cpu").asText()).isEqualTo("200m");
    assertThat(resources.path("limits").path("cpu").asText()).isEqualTo("1");
    ApiClient.Reply tooBig = pod(ns, "big", "{\"limits\":{\"cpu\":\"2\"}}");
    assertThat(tooBig.code()).isEqualTo(403);
    assertThat(tooBig.json().path("message").asText()).isEqualTo("pods \"big\" is forbidden: maximum cpu usage per Container is 1, but limit is 2");
  }

  @Test
  void badQuotasAndRangesAreRefusedWith422() throws Exception {
    String ns = api.namespace("quota");
    ApiClient.Reply quantity = api.send("POST", "/api/v1/namespaces/" + ns + "/resourcequotas", "{\"metadata\":{\"name\":\"q\"},\"spec\":{\"hard\":{\"pods\":\"lots\"}}}");
    // As Kubernetes: a quantity that does not parse fails the decoding, 400.
    assertThat(quantity.code()).isEqualTo(400);
    assertThat(quantity.json().path("message").asText()).contains("quantities must match the regular expression");
    ApiClient.Reply negative = api.send("POST", "/api/v1/namespaces/" + ns + "/resourcequotas", "{\"metadata\":{\"name\":\"q\"},\"spec\":{\"hard\":{\"pods\":\"-1\"}}}");
    assertThat(negative.code()).isEqualTo(422);
    ApiClient.Reply minMax = api.send("POST", "/api/v1/namespaces/" + ns + "/limitranges",
        "{\"metadata\":{\"name\":\"l\"},\"spec\":{\"limits\":[{\"type\":\"Container\",\"min\":{\"cpu\":\"2\"},\"max\":{\"cpu\":\"1\"}}]}}");
    assertThat(minMax.code()).isEqualTo(422);
    assertThat(minMax.json().path("message").asText()).contains("min value 2 is greater than max value 1");
    ApiClient.Reply type = api.send("POST", "/api/v1/namespaces/" + ns + "/limitranges",
        "{\"metadata\":{\"name\":\"l\"},\"spec\":{\"limits\":[{\"type\":\"Everything\"}]}}");
    assertThat(type.code()).isEqualTo(422);
  }

  @Test
  void podsTakeThePriorityOfTheirClassOrOfTheGlobalDefault() throws Exception {
    String ns = api.namespace("quota");
    assertThat(api.send("GET", "/apis/scheduling.k8s.io/v1/priorityclasses/system-node-critical", null).json().path("value").asLong())
        .as("the built-in classes").isEqualTo(2_000_001_000L);
    String classes = "/apis/scheduling.k8s.io/v1/priorityclasses";
    String high = "high-" + ns;
    assertThat(api.send("POST", classes, "{\"metadata\":{\"name\":\"" + high + "\"},\"value\":1000}").code()).isEqualTo(201);
    ApiClient.Reply classed = api.send("POST", "/api/v1/namespaces/" + ns + "/pods",
        "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"priorityClassName\":\"" + high + "\",\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}");
    assertThat(classed.code()).as(classed.body()).isEqualTo(201);
    assertThat(classed.json().path("spec").path("priority").asLong()).isEqualTo(1000);
    assertThat(classed.json().path("spec").path("preemptionPolicy").asText()).isEqualTo("PreemptLowerPriority");
    assertThat(pod(ns, "plain", "{}").json().path("spec").path("priority").asLong()).as("no class, no default: 0").isZero();

    ApiClient.Reply missing = api.send("POST", "/api/v1/namespaces/" + ns + "/pods",
        "{\"metadata\":{\"name\":\"m\"},\"spec\":{\"priorityClassName\":\"nope\",\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}");
    assertThat(missing.code()).isEqualTo(403);
    assertThat(missing.json().path("message").asText()).isEqualTo("pods \"m\" is forbidden: no PriorityClass with name nope was found");
    ApiClient.Reply own = api.send("POST", "/api/v1/namespaces/" + ns + "/pods",
        "{\"metadata\":{\"name\":\"o\"},\"spec\":{\"priority\":5,\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}");
    assertThat(own.code()).isEqualTo(403);
    assertThat(own.json().path("message").asText()).isEqualTo("pods \"o\" is forbidden: the integer value of priority (5) must not be provided "
        + "in pod spec; priority admission controller computed 0 from the given PriorityClass name");

    ApiClient.Reply tooHigh = api.send("POST", classes, "{\"metadata\":{\"name\":\"huge-" + ns + "\"},\"value\":2000000000}");
    assertThat(tooHigh.code()).isEqualTo(422);
    assertThat(tooHigh.json().path("message").asText()).contains("maximum allowed value of a user defined priority is 1000000000");
    ApiClient.Reply reserved = api.send("POST", classes, "{\"metadata\":{\"name\":\"system-mine\"},\"value\":1}");
    assertThat(reserved.code()).isEqualTo(422);
    assertThat(reserved.json().path("message").asText()).contains("priority class names with 'system-' prefix are reserved for system use only");
  }

  // ---- helpers ----

  private void quota(String ns, String name, String hard, String used) throws Exception {
    ApiClient.Reply created = api.send("POST", "/api/v1/namespaces/" + ns + "/resourcequotas", "{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"hard\":" + hard + "}}");
    assertThat(created.code()).as(created.body()).isEqualTo(201);
    ObjectNode quota = (ObjectNode) created.json();
    ObjectNode status = quota.putObject("status");
    status.set("hard", KubeJson.MAPPER.readTree(hard));
    status.set("used", KubeJson.MAPPER.readTree(used));
    ApiClient.Reply written = api.send("PUT", "/api/v1/namespaces/" + ns + "/resourcequotas/" + name + "/status", quota.toString());
    assertThat(written.code()).as(written.body()).isEqualTo(200);
  }

  private String used(String ns, String quota, String resource) throws Exception {
    return api.send("GET", "/api/v1/namespaces/" + ns + "/resourcequotas/" + quota, null).json().path("status").path("used").path(resource).asText();
  }

  private String usedUnchecked(String ns, String quota, String resource) {
    try {
      return used(ns, quota, resource);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String podBody(String name, String resources) {
    return "{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"dirigent/busybox:1\",\"resources\":"
        + resources + "}]}}";
  }

  private ApiClient.Reply pod(String ns, String name, String resources) throws Exception {
    return api.send("POST", "/api/v1/namespaces/" + ns + "/pods", podBody(name, resources));
  }

  private ApiClient.Reply podUnchecked(String ns, String name) {
    try {
      return pod(ns, name, "{}");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private ApiClient.Reply configMap(String ns, String name) throws Exception {
    return api.send("POST", "/api/v1/namespaces/" + ns + "/configmaps", "{\"metadata\":{\"name\":\"" + name + "\"}}");
  }



}
