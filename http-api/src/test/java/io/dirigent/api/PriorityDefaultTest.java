package io.dirigent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.api.testing.ApiClient;
import io.dirigent.api.testing.TestApiServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A PriorityClass marked globalDefault gives its priority to every new pod that names no class (a server of its own: it is cluster-wide). */
class PriorityDefaultTest {

  @Test
  void aPodThatNamesNoClassTakesTheGlobalDefault() throws Exception {
    try (TestApiServer server = TestApiServer.start(Map.of())) {
      ApiClient api = new ApiClient(server);
      ApiClient.Reply created = api.send("POST", "/apis/scheduling.k8s.io/v1/priorityclasses",
          "{\"metadata\":{\"name\":\"everyday\"},\"value\":100,\"globalDefault\":true,\"preemptionPolicy\":\"Never\"}");
      assertThat(created.code()).as(created.body()).isEqualTo(201);
      ApiClient.Reply made = api.send("POST", "/api/v1/namespaces/default/pods",
          "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}");
      assertThat(made.code()).as(made.body()).isEqualTo(201);
      JsonNode pod = made.json();
      assertThat(pod.path("spec").path("priority").asLong()).isEqualTo(100);
      assertThat(pod.path("spec").path("priorityClassName").asText()).isEqualTo("everyday");
      assertThat(pod.path("spec").path("preemptionPolicy").asText()).isEqualTo("Never");
    }
  }
}
