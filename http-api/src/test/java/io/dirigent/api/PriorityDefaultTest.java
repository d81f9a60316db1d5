package io.dirigent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.api.testing.TestApiServer;
import io.dirigent.core.api.KubeJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A PriorityClass marked globalDefault gives its priority to every new pod that names no class (a server of its own: it is cluster-wide). */
class PriorityDefaultTest {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void aPodThatNamesNoClassTakesTheGlobalDefault() throws Exception {
    try (TestApiServer server = TestApiServer.start(Map.of())) {
      assertThat(post(server, "/apis/scheduling.k8s.io/v1/priorityclasses",
          "{\"metadata\":{\"name\":\"everyday\"},\"value\":100,\"globalDefault\":true,\"preemptionPolicy\":\"Never\"}").path("value").asLong())
          .isEqualTo(100);
      JsonNode pod = post(server, "/api/v1/namespaces/default/pods", "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}");
      assertThat(pod.path("spec").path("priority").asLong()).isEqualTo(100);
      assertThat(pod.path("spec").path("priorityClassName").asText()).isEqualTo("everyday");
      assertThat(pod.path("spec").path("preemptionPolicy").asText()).isEqualTo("Never");
    }
  }

  private JsonNode post(TestApiServer server, String path, String body) throws Exception {
    var response = http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(BodyPublishers.ofString(body)).build(), BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return KubeJson.MAPPER.readTree(response.body());
  }
}
