package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.dirigent.core.api.NodeTaints;
import io.dirigent.core.auth.CallerKey;
import io.dirigent.core.auth.Callers;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.testing.Await;
import io.dirigent.core.testing.TestNodes;
import io.dirigent.node.NodeAgents;
import io.dirigent.node.NodeSettings;
import io.dirigent.node.runtime.SimulatedRuntime;
import io.dirigent.scheduler.Scheduler;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A worker member fails, for real, in a two-member cluster: downed, its node's pods come back on
 * the others within seconds; restarted gracefully, its pods stay where they are and its next
 * agent takes them over.
 */
class NodeFailureTest {

  private final String prefix = "dead-" + Long.toString(System.nanoTime() % 100_000, 36);
  private final SimulatedRuntime runtime = new SimulatedRuntime(Clock.systemUTC());
  private ClusterNode controlPlane;
  private NodeAgents planeAgents;
  private ClusterNode worker;
  private NodeAgents workerAgents;

  private static Map<String, Object> timings() {
    return Map.of(
        "dirigent.node.lease-duration", "3s",
        "dirigent.node.lease-renew-interval", "500ms",
        "dirigent.controllers.pod-eviction-timeout", "1s");
  }

  @BeforeEach
  void start() throws Exception {
    java.util.HashMap<String, Object> settings = new java.util.HashMap<>(timings());
    settings.put("dirigent.store.plugin", "memory");
    settings.put("dirigent.data-dir", System.getProperty("java.io.tmpdir") + "/" + prefix);
    controlPlane = TestNodes.start(ConfigFactory.parseMap(settings));
    planeAgents = NodeAgents.create(controlPlane.system(), controlPlane.store(), Clock.systemUTC());
    NodeSettings base = NodeSettings.from(controlPlane.system().settings().config());
    planeAgents.startAgent(base.withName(prefix + "-1"), runtime);
    planeAgents.startAgent(base.withName(prefix + "-2"), runtime);
    startWorker();
    Await.until("three nodes registered", Duration.ofSeconds(30), () -> Await.result(controlPlane.store().list(Node.class, ListOptions.of(ObjectFilter.ALL)))
        .items(Node.class).stream().filter(n -> n.getMetadata().getName().startsWith(prefix)).count() == 3);
    Scheduler.init(controlPlane.system(), controlPlane.store());
    ControllerManager.init(controlPlane.system(), controlPlane.store());
    Await.result(controlPlane.store().create(new NamespaceBuilder().withNewMetadata().withName(prefix).endMetadata().build()));
    Await.result(controlPlane.store().create(new DeploymentBuilder().withNewMetadata().withName("web").withNamespace(prefix).endMetadata()
        .withNewSpec().withReplicas(3).withNewSelector().addToMatchLabels("app", "web").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("dirigent/busybox:1").endContainer().endSpec().endTemplate()
        .endSpec().build()));
    Await.until("three pods running, one on the worker member's node", Duration.ofSeconds(60),
        () -> running().size() == 3 && running().stream().anyMatch(p -> victim().equals(p.getSpec().getNodeName())));
  }

  /** The worker member, hosting the agent of node -3, joins the control plane's cluster. */
  private void startWorker() throws Exception {
    var seed = Cluster.get(controlPlane.system()).selfMember().address();
    // A worker holds no caller key, only the credential of its Node that the cluster issued when it joined.
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory(prefix + "-worker");
    CallerKey.writeCredential(dir.resolve("member.credential"), Callers.get(controlPlane.system()).key().orElseThrow().node(victim()));
    Config config = ConfigFactory.parseMap(Map.of(
        "dirigent.cluster.seed-nodes", List.of(seed.host().get() + ":" + seed.port().get()),
        "dirigent.cluster.roles", List.of("worker"),
        "dirigent.data-dir", dir.toString(),
        "dirigent.cluster.credentials.credential-file", dir.resolve("member.credential").toString(),
        "dirigent.store.plugin", "memory"))
        .withFallback(ConfigFactory.parseMap(timings()))
        .withFallback(TestNodes.testSettings());
    worker = ClusterNode.start(controlPlane.system().name(), config);
    worker.ready().toCompletableFuture().get(60, TimeUnit.SECONDS);
    workerAgents = NodeAgents.create(worker.system(), worker.store(), Clock.systemUTC());
    workerAgents.startAgent(NodeSettings.from(worker.system().settings().config()).withName(victim()), runtime);
  }

  @AfterEach
  void stop() {
    if (workerAgents != null) {
      workerAgents.close();
    }
    if (worker != null) {
      worker.close();
    }
    planeAgents.close();
    runtime.close();
    controlPlane.close();
  }

  private String victim() {
    return prefix + "-3";
  }

  @Test
  void aDownedWorkersPodsAreReplacedElsewhereWithinSeconds() {
    long died = System.nanoTime();
    // What the split brain resolver does to a member that stopped answering.
    Cluster.get(controlPlane.system()).manager().tell(new Down(Cluster.get(worker.system()).selfMember().address()));
    Await.until("three pods running again, none on the downed member's node", Duration.ofSeconds(30), () -> {
      List<Pod> pods = running();
      return pods.size() == 3 && pods.stream().noneMatch(p -> victim().equals(p.getSpec().getNodeName()));
    });
    Duration replaced = Duration.ofNanos(System.nanoTime() - died);
    System.out.println("worker member of " + victim() + " downed; its pods ran elsewhere after " + replaced.toMillis() + " ms");

    Node dead = Await.result(controlPlane.store().get(Node.class, null, victim()));
    assertThat(dead.getSpec().getTaints()).anySatisfy(t -> {
      assertThat(t.getKey()).isEqualTo(NodeTaints.UNREACHABLE);
      assertThat(t.getEffect()).isEqualTo("NoExecute");
    });
    assertThat(dead.getStatus().getConditions()).filteredOn(c -> c.getType().equals("Ready"))
        .singleElement().satisfies(c -> assertThat(c.getStatus()).isEqualTo("Unknown"));
  }

  @Test
  void aWorkerRestartedGracefullyKeepsItsPodsAndItsNextAgentTakesThemOver() throws Exception {
    String uid = running().stream().filter(p -> victim().equals(p.getSpec().getNodeName())).findFirst().orElseThrow().getMetadata().getUid();
    workerAgents.close();
    workerAgents = null;
    worker.close();
    worker = null;
    Await.until("the node tainted: its agent is away", Duration.ofSeconds(20), this::victimTainted);
    // A fixed wait, not a condition: what is checked is that nothing happens in it — well past the
    // lease and the eviction timeout a gone node would get.
    Thread.sleep(5000);
    assertThat(pods().stream().filter(p -> victim().equals(p.getSpec().getNodeName())).map(p -> p.getMetadata().getUid()))
        .as("a restarting worker's pod is not evicted").containsExactly(uid);

    startWorker();
    Await.until("the taint gone once the agent is back", Duration.ofSeconds(30), () -> !victimTainted());
    Await.until("the same pod running on it", Duration.ofSeconds(30), () -> running().stream()
        .anyMatch(p -> uid.equals(p.getMetadata().getUid()) && victim().equals(p.getSpec().getNodeName())));
    assertThat(pods()).as("no pod replaced: still three").hasSize(3);
  }

  private boolean victimTainted() {
    Node node = Await.result(controlPlane.store().get(Node.class, null, victim()));
    return node.getSpec().getTaints() != null && node.getSpec().getTaints().stream().anyMatch(t -> NodeTaints.UNREACHABLE.equals(t.getKey()));
  }

  private List<Pod> pods() {
    return Await.result(controlPlane.store().list(Pod.class, ListOptions.of(ObjectFilter.inNamespace(prefix)))).items(Pod.class).stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
  }

  private List<Pod> running() {
    return pods().stream().filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())).toList();
  }
}
