package io.dirigent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.cli.testing.TwoMembers;
import io.dirigent.core.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A pod's log read through the API server of one member while the pod runs on a node whose agent
 * is on another: the request crosses the cluster, and the log streams back as a stream reference.
 */
class LogsAcrossMembersTest {

  @Test
  void theApiServerReadsALogFromANodeOnAnotherMember() throws Exception {
    try (TwoMembers members = TwoMembers.start("remote-node")) {
      members.runPod("far");

      String url = members.api().url() + "/api/v1/namespaces/default/pods/far/log";
      HttpClient http = HttpClient.newHttpClient();
      // The agent's registration reaches the other member's receptionist by gossip, within seconds.
      java.util.concurrent.atomic.AtomicReference<HttpResponse<String>> answer = new java.util.concurrent.atomic.AtomicReference<>();
      Await.until("the log answers from the other member", Duration.ofSeconds(30), () -> {
        try {
          answer.set(http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()));
          return answer.get().statusCode() != 503;
        } catch (Exception e) {
          return false;
        }
      });
      HttpResponse<String> log = answer.get();
      assertThat(log.statusCode()).as(log.body()).isEqualTo(200);
      assertThat(log.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
      assertThat(log.body()).contains("simulated container app started");
    }
  }
}
