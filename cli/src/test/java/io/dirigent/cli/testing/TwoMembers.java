package io.dirigent.cli.testing;

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
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * A cluster of two members on the in-memory store: a control plane serving the API, and a worker
 * whose agent runs one simulated node, so what the API server asks of a node crosses the cluster.
 */
public final class TwoMembers implements AutoCloseable {

  private final ClusterNode controlPlane;
  private final ClusterNode worker;
  private final SimulatedRuntime runtime = new SimulatedRuntime(Clock.systemUTC());
  private String nodeName;
  private NodeAgents agents;
  private ApiServer api;

  private TwoMembers(ClusterNode controlPlane, ClusterNode worker) {
    this.controlPlane = controlPlane;
    this.worker = worker;
  }

  /** Starts both members, the agent of {@code nodeName} on the worker, and the control plane's API server. */
  public static TwoMembers start(String nodeName) throws Exception {
    ClusterNode controlPlane = TestNodes.start(ConfigFactory.parseMap(Map.of(
        "dirigent.store.plugin", "memory", "dirigent.cluster.roles", List.of("control-plane"))));
    var address = Cluster.get(controlPlane.system()).selfMember().address();
    ClusterNode worker = ClusterNode.start(controlPlane.system().name(), ConfigFactory.parseMap(Map.of(
            "dirigent.store.plugin", "memory",
            "dirigent.cluster.roles", List.of("worker"),
            "dirigent.cluster.seed-nodes", List.of(address.host().get() + ":" + address.port().get())))
        .withFallback(TestNodes.testSettings()));
    TwoMembers members = new TwoMembers(controlPlane, worker);
    members.nodeName = nodeName;
    try {
      worker.ready().toCompletableFuture().get(60, TimeUnit.SECONDS);
      members.agents = NodeAgents.create(worker.system(), worker.store(), Clock.systemUTC());
      members.agents.startAgent(NodeSettings.from(worker.system().settings().config()).withName(nodeName), members.runtime);
      members.api = ApiServer.start(controlPlane).toCompletableFuture().get(30, TimeUnit.SECONDS);
      return members;
    } catch (Exception e) {
      members.close();
      throw e;
    }
  }

  /** Creates a pod of one container ({@code app}) bound to the simulated node, and waits until it runs. */
  public void runPod(String name) {
    Await.result(controlPlane.store().create(new PodBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
        .withNewSpec().withNodeName(nodeName).addNewContainer().withName("app").withImage("dirigent/busybox:1").endContainer()
        .endSpec().build()));
    Await.until("pod " + name + " runs on the other member's node", Duration.ofSeconds(60), () -> {
      Pod pod = controlPlane.store().get(Pod.class, "default", name).toCompletableFuture().join();
      return pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase());
    });
  }

  public ClusterNode controlPlane() {
    return controlPlane;
  }

  public ApiServer api() {
    return api;
  }

  @Override
  public void close() {
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
