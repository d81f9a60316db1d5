package io.dirigent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.api.testing.TestApiServer;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** apiregistration.k8s.io APIServices: one per group version served, Local and Available, as kube-apiserver registers them. */
class ApiServicesTest {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void everyServedGroupVersionHasALocalAvailableApiService() throws Exception {
    try (TestApiServer server = TestApiServer.start(Map.of())) {
      String path = "/apis/apiregistration.k8s.io/v1/apiservices";
      Await.until("the local APIServices", Duration.ofSeconds(30), () -> names(server, path).containsAll(List.of("v1.", "v1.apps", "v1.policy")));
      JsonNode apps = KubeJson.MAPPER.readTree(send(server, "GET", path + "/v1.apps", null).body());
      assertThat(apps.path("spec").path("group").asText()).isEqualTo("apps");
      assertThat(apps.path("spec").path("groupPriorityMinimum").asInt()).isEqualTo(17800);
      assertThat(apps.path("spec").has("service")).as("served here: no Service").isFalse();
      JsonNode available = apps.path("status").path("conditions").path(0);
      assertThat(available.path("type").asText() + "=" + available.path("status").asText() + " " + available.path("reason").asText())
          .isEqualTo("Available=True Local");

      String aggregated = "{\"metadata\":{\"name\":\"v1beta1.metrics.k8s.io\"},\"spec\":{\"group\":\"metrics.k8s.io\",\"version\":\"v1beta1\","
          + "\"groupPriorityMinimum\":100,\"versionPriority\":100,\"service\":{\"namespace\":\"kube-system\",\"name\":\"metrics-server\"}}}";
      assertThat(send(server, "POST", path, aggregated).statusCode()).isEqualTo(201);
      assertThat(send(server, "POST", path, aggregated).statusCode()).isEqualTo(409);
      HttpResponse<String> misnamed = send(server, "POST", path,
          "{\"metadata\":{\"name\":\"metrics\"},\"spec\":{\"group\":\"metrics.k8s.io\",\"version\":\"v1\"}}");
      assertThat(misnamed.statusCode()).isEqualTo(422);
      assertThat(misnamed.body()).contains("must be v1.metrics.k8s.io");
    }
  }

  private List<String> names(TestApiServer server, String path) {
    try {
      List<String> names = new ArrayList<>();
      KubeJson.MAPPER.readTree(send(server, "GET", path, null).body()).path("items").forEach(item -> names.add(item.path("metadata").path("name").asText()));
      return names;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse<String> send(TestApiServer server, String method, String path, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(30));
    request = body == null ? request.method(method, BodyPublishers.noBody())
        : request.header("Content-Type", "application/json").method(method, BodyPublishers.ofString(body));
    return http.send(request.build(), BodyHandlers.ofString());
  }
}
