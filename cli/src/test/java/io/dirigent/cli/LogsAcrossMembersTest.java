package io.dirigent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.dirigent.api.ApiServer;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.testing.Await;
import io.dirigent.core.testing.TestNodes;
import io.dirigent.node.NodeAgents;
import io.dirigent.node.NodeSettings;
import io.dirigent.node.runtime.SimulatedRuntime;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;

/**
 * A pod's log read through the API server of one member while the pod runs on a node whose agent
 * is on another: the request crosses the cluster, and the log streams back as a stream reference.
 */
class LogsAcrossMembersTest {

  @Test
  void theApiServerReadsALogFromANodeOnAnotherMember() throws Exception {
    ClusterNode controlPlane = TestNodes.start(ConfigFactory.parseMap(Map.of(
        "dirigent.store.plugin", "memory", "dirigent.cluster.roles", java.util.List.of("control-plane"))));
    var address = Cluster.get(controlPlane.system()).selfMember().address();
    String seed = address.host().get() + ":" + address.port().get();
    ClusterNode worker = ClusterNode.start(controlPlane.system().name(), ConfigFactory.parseMap(Map.of(
            "dirigent.store.plugin", "memory",
            "dirigent.cluster.roles", java.util.List.of("worker"),
            "dirigent.cluster.seed-nodes", java.util.List.of(seed)))
        .withFallback(TestNodes.testSettings()));
    SimulatedRuntime runtime = new SimulatedRuntime(Clock.systemUTC());
    NodeAgents agents = null;
    ApiServer api = null;
    try {
      worker.ready().toCompletableFuture().get(60, TimeUnit.SECONDS);
      agents = NodeAgents.create(worker.system(), worker.store(), Clock.systemUTC());
      agents.startAgent(NodeSettings.from(worker.system().settings().config()).withName("remote-node"), runtime);
      api = ApiServer.start(controlPlane).toCompletableFuture().get(30, TimeUnit.SECONDS);

      Await.result(controlPlane.store().create(new PodBuilder().withNewMetadata().withName("far").withNamespace("default").endMetadata()
          .withNewSpec().withNodeName("remote-node").addNewContainer().withName("app").withImage("dirigent/busybox:1").endContainer()
          .endSpec().build()));
      Await.until("the pod runs on the other member's node", Duration.ofSeconds(60), () -> {
        Pod pod = controlPlane.store().get(Pod.class, "default", "far").toCompletableFuture().join();
        return pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase());
      });

      String url = api.url() + "/api/v1/namespaces/default/pods/far/log";
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
    } finally {
      if (api != null) {
        api.close();
      }
      if (agents != null) {
        agents.close();
      }
      runtime.close();
      worker.close();
      controlPlane.close();
    }
  }
}
