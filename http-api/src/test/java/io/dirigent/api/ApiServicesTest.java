package io.dirigent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.api.testing.ApiClient;
import io.dirigent.api.testing.TestApiServer;
import io.dirigent.core.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** apiregistration.k8s.io APIServices: one per group version served, Local and Available, as kube-apiserver registers them. */
class ApiServicesTest {

  @Test
  void everyServedGroupVersionHasALocalAvailableApiService() throws Exception {
    try (TestApiServer server = TestApiServer.start(Map.of())) {
      ApiClient api = new ApiClient(server);
      String path = "/apis/apiregistration.k8s.io/v1/apiservices";
      Await.until("the local APIServices", Duration.ofSeconds(30), () -> names(api, path).containsAll(List.of("v1.", "v1.apps", "v1.policy")));
      JsonNode apps = api.send("GET", path + "/v1.apps", null).json();
      assertThat(apps.path("spec").path("group").asText()).isEqualTo("apps");
      assertThat(apps.path("spec").path("groupPriorityMinimum").asInt()).isEqualTo(17800);
      assertThat(apps.path("spec").has("service")).as("served here: no Service").isFalse();
      JsonNode available = apps.path("status").path("conditions").path(0);
      assertThat(available.path("type").asText() + "=" + available.path("status").asText() + " " + available.path("reason").asText())
          .isEqualTo("Available=True Local");

      String aggregated = "{\"metadata\":{\"name\":\"v1beta1.metrics.k8s.io\"},\"spec\":{\"group\":\"metrics.k8s.io\",\"version\":\"v1beta1\","
          + "\"groupPriorityMinimum\":100,\"versionPriority\":100,\"service\":{\"namespace\":\"kube-system\",\"name\":\"metrics-server\"}}}";
      assertThat(api.send("POST", path, aggregated).code()).isEqualTo(201);
      assertThat(api.send("POST", path, aggregated).code()).isEqualTo(409);
      ApiClient.Reply misnamed = api.send("POST", path, "{\"metadata\":{\"name\":\"metrics\"},\"spec\":{\"group\":\"metrics.k8s.io\",\"version\":\"v1\"}}");
      assertThat(misnamed.code()).isEqualTo(422);
      assertThat(misnamed.body()).contains("must be v1.metrics.k8s.io");
    }
  }

  private static List<String> names(ApiClient api, String path) {
    List<String> names = new ArrayList<>();
    api.send("GET", path, null).json().path("items").forEach(item -> names.add(item.path("metadata").path("name").asText()));
    return names;
  }
}
