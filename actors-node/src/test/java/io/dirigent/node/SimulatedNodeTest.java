package io.dirigent.node;

import static io.dirigent.node.testing.NodeTesting.awaitGone;
import static io.dirigent.node.testing.NodeTesting.awaitPod;
import static io.dirigent.node.testing.NodeTesting.ready;
import static io.dirigent.node.testing.NodeTesting.restarts;
import static io.dirigent.node.testing.NodeTesting.running;
import static io.dirigent.node.testing.NodeTesting.unique;
import static io.dirigent.node.testing.NodeTesting.waitingReason;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.testing.Await;
import io.dirigent.node.runtime.RuntimeContainer;
import io.dirigent.node.runtime.SimulatedRuntime;
import io.dirigent.node.testing.NodeTesting;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node agent on the simulated runtime, with the store on the in-memory journal: the pod
 * lifecycle without Docker, fast enough to check each rule on its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimulatedNodeTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir static Path dataDir;
  private ClusterNode member;
  private SimulatedRuntime runtime;
  private NodeAgents agents;
  private String nodeName;

  @BeforeAll
  void start() {
    member = NodeTesting.member(dataDir);
    runtime = new SimulatedRuntime(Clock.systemUTC());
    agents = NodeAgents.create(member.system(), member.store(), Clock.systemUTC());
    nodeName = unique("sim");
    agents.startAgent(NodeTesting.node(member, nodeName), runtime);
  }

  @AfterAll
  void stop() {
    if (agents != null) {
      agents.close();
    }
    if (runtime != null) {
      runtime.close();
    }
    if (member != null) {
      member.close();
    }
  }

  private Pod pod(String namespace, String name, Map<String, String> annotations, String restartPolicy, String... containers) {
    PodBuilder pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace).withAnnotations(annotations).endMetadata()
        .withNewSpec().withNodeName(nodeName).withRestartPolicy(restartPolicy).endSpec();
    for (String container : containers) {
      pod.editSpec().addNewContainer().withName(container).withImage("dirigent/busybox:1").endContainer().endSpec();
    }
    return Await.result(member.store().create(pod.build()));
  }

  @Test
  void theNodeRegistersWithCapacityAndKeepsItsLeaseFresh() {
    Await.until("node registered", WAIT, () -> {
      try {
        Node node = member.store().get(Node.class, null, nodeName).toCompletableFuture().get();
        return node.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
      } catch (Exception e) {
        return false;
      }
    });
    Node node = Await.result(member.store().get(Node.class, null, nodeName));
    assertThat(node.getStatus().getCapacity()).containsKeys("cpu", "memory", "pods");
    assertThat(node.getStatus().getAllocatable().get("pods").getAmount()).isEqualTo("110");
    assertThat(node.getStatus().getNodeInfo().getContainerRuntimeVersion()).isEqualTo("simulated://1.0");
    assertThat(node.getStatus().getConditions()).extracting(c -> c.getType())
        .containsExactlyInAnyOrder("Ready", "MemoryPressure", "DiskPressure", "PIDPressure");
    assertThat(node.getMetadata().getLabels()).containsEntry("kubernetes.io/hostname", nodeName);

    Await.until("lease created", WAIT, () -> member.store().get(Lease.class, "kube-node-lease", nodeName).toCompletableFuture()
        .handle((lease, failure) -> failure == null).join());
    Lease first = Await.result(member.store().get(Lease.class, "kube-node-lease", nodeName));
    assertThat(first.getSpec().getHolderIdentity()).isEqualTo(nodeName);
    ZonedDateTime renewed = first.getSpec().getRenewTime();
    Await.until("lease renewed", WAIT, () -> Await.result(member.store().get(Lease.class, "kube-node-lease", nodeName))
        .getSpec().getRenewTime().isAfter(renewed));
  }

  @Test
  void aBoundPodRunsAndReportsItsStatus() {
    String ns = NodeTesting.namespace(member);
    pod(ns, "web", Map.of(), "Always", "app", "sidecar");
    Pod pod = awaitPod(member, ns, "web", "Running and Ready", WAIT, p -> running(p) && ready(p));
    assertThat(pod.getStatus().getPodIP()).startsWith("10.");
    assertThat(pod.getStatus().getHostIP()).isEqualTo("127.0.0.1");
    assertThat(pod.getStatus().getStartTime()).isNotNull();
    assertThat(pod.getStatus().getQosClass()).isEqualTo("BestEffort");
    assertThat(pod.getStatus().getContainerStatuses()).hasSize(2).allSatisfy(status -> {
      assertThat(status.getReady()).isTrue();
      assertThat(status.getStarted()).isTrue();
      assertThat(status.getState().getRunning()).isNotNull();
      assertThat(status.getContainerID()).startsWith("simulated://");
      assertThat(status.getRestartCount()).isZero();
    });
    assertThat(pod.getStatus().getConditions()).extracting(c -> c.getType() + "=" + c.getStatus())
        .contains("Initialized=True", "ContainersReady=True", "Ready=True", "PodScheduled=True");
    NodeTesting.awaitEvents(member, ns, "web", "Pulled", "Created", "Started");
  }

  @Test
  void anExitedContainerIsRestartedWithAGrowingBackOff() {
    String ns = NodeTesting.namespace(member);
    pod(ns, "crash", Map.of(SimulatedRuntime.EXIT_CODE, "1"), "Always", "app");
    // The test's back-off: the first restart at once, then after 1 s, 2 s, 4 s (the most).
    long second = awaitRestart(ns, "crash", 2);
    long third = awaitRestart(ns, "crash", 3);
    long fourth = awaitRestart(ns, "crash", 4);
    assertThat(fourth - third).as("the wait doubles").isGreaterThan(third - second);

    Pod backingOff = awaitPod(member, ns, "crash", "in CrashLoopBackOff", WAIT, p -> waitingReason(p, "app").equals("CrashLoopBackOff"));
    var status = NodeTesting.container(backingOff, "app").orElseThrow();
    assertThat(status.getLastState().getTerminated().getExitCode()).isEqualTo(1);
    assertThat(status.getLastState().getTerminated().getReason()).isEqualTo("Error");
    assertThat(status.getState().getWaiting().getMessage()).contains("back-off 4s").contains("restarting failed container=app");
    assertThat(backingOff.getStatus().getPhase()).isEqualTo("Running");
    NodeTesting.awaitEvents(member, ns, "crash", "BackOff");
  }

  private long awaitRestart(String ns, String name, int count) {
    awaitPod(member, ns, name, "restarted " + count + " times", WAIT, p -> restarts(p, "app") >= count);
    return System.nanoTime();
  }

  @Test
  void restartPoliciesDecideWhatRunsAgain() {
    String ns = NodeTesting.namespace(member);
    pod(ns, "done", Map.of(SimulatedRuntime.EXIT_CODE, "0"), "Never", "app");
    pod(ns, "failed", Map.of(SimulatedRuntime.EXIT_CODE, "3"), "Never", "app");
    pod(ns, "retried", Map.of(SimulatedRuntime.EXIT_CODE, "3"), "OnFailure", "app");
    pod(ns, "finished", Map.of(SimulatedRuntime.EXIT_CODE, "0"), "OnFailure", "app");

    Pod done = awaitPod(member, ns, "done", "Succeeded", WAIT, p -> "Succeeded".equals(p.getStatus().getPhase()));
    assertThat(restarts(done, "app")).isZero();
    assertThat(NodeTesting.container(done, "app").orElseThrow().getState().getTerminated().getReason()).isEqualTo("Completed");
    assertThat(done.getStatus().getConditions()).anySatisfy(c -> {
      assertThat(c.getType()).isEqualTo("Ready");
      assertThat(c.getReason()).isEqualTo("PodCompleted");
    });
    Pod failed = awaitPod(member, ns, "failed", "Failed", WAIT, p -> "Failed".equals(p.getStatus().getPhase()));
    assertThat(restarts(failed, "app")).isZero();
    awaitPod(member, ns, "retried", "restarted", WAIT, p -> restarts(p, "app") >= 1);
    awaitPod(member, ns, "finished", "Succeeded", WAIT, p -> "Succeeded".equals(p.getStatus().getPhase()));
  }

  @Test
  void initContainersRunToCompletionBeforeTheApp() {
    String ns = NodeTesting.namespace(member);
    Pod pod = new PodBuilder().withNewMetadata().withName("init").withNamespace(ns)
        .withAnnotations(Map.of(SimulatedRuntime.EXIT_CODE + ".setup", "0", SimulatedRuntime.RUN_SECONDS + ".setup", "1",
            SimulatedRuntime.EXIT_CODE + ".migrate", "0"))
        .endMetadata()
        .withNewSpec().withNodeName(nodeName)
        .addNewInitContainer().withName("setup").withImage("dirigent/busybox:1").endInitContainer()
        .addNewInitContainer().withName("migrate").withImage("dirigent/busybox:1").endInitContainer()
        .addNewContainer().withName("app").withImage("dirigent/busybox:1").endContainer()
        .endSpec().build();
    Await.result(member.store().create(pod));
    Pod initializing = awaitPod(member, ns, "init", "initializing", WAIT, p -> p.getStatus().getInitContainerStatuses() != null
        && !p.getStatus().getInitContainerStatuses().isEmpty()
        && p.getStatus().getInitContainerStatuses().get(0).getState().getRunning() != null);
    assertThat(initializing.getStatus().getPhase()).isEqualTo("Pending");
    assertThat(waitingReason(initializing, "app")).isEqualTo("PodInitializing");
    assertThat(initializing.getStatus().getConditions()).anySatisfy(c -> {
      assertThat(c.getType()).isEqualTo("Initialized");
      assertThat(c.getStatus()).isEqualTo("False");
    });

    Pod started = awaitPod(member, ns, "init", "Running", WAIT, NodeTesting::running);
    var inits = started.getStatus().getInitContainerStatuses();
    assertThat(inits).extracting(s -> s.getState().getTerminated().getExitCode()).containsExactly(0, 0);
    // Each init container finished before the next one (and the app) started.
    List<RuntimeContainer> containers = Await.result(runtime.podContainers(nodeName, started.getMetadata().getUid()));
    RuntimeContainer setup = find(containers, "setup");
    RuntimeContainer migrate = find(containers, "migrate");
    RuntimeContainer app = find(containers, "app");
    assertThat(setup.finishedAt()).isBeforeOrEqualTo(migrate.startedAt());
    assertThat(migrate.finishedAt()).isBeforeOrEqualTo(app.startedAt());
  }

  private static RuntimeContainer find(List<RuntimeContainer> containers, String name) {
    return containers.stream().filter(c -> c.pod().container().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void aMissingImageIsReportedAndRetriedWithBackOff() {
    String ns = NodeTesting.namespace(member);
    runtime.removeImage("dirigent/nowhere:1");
    Pod pod = new PodBuilder().withNewMetadata().withName("noimage").withNamespace(ns).endMetadata()
        .withNewSpec().withNodeName(nodeName).addNewContainer().withName("app").withImage("dirigent/nowhere:1").endContainer().endSpec().build();
    Await.result(member.store().create(pod));
    Pod pulling = awaitPod(member, ns, "noimage", "ErrImagePull", WAIT, p -> waitingReason(p, "app").equals("ErrImagePull"));
    assertThat(pulling.getStatus().getPhase()).isEqualTo("Pending");
    assertThat(NodeTesting.container(pulling, "app").orElseThrow().getState().getWaiting().getMessage()).contains("dirigent/nowhere:1");
    awaitPod(member, ns, "noimage", "ImagePullBackOff", WAIT, p -> waitingReason(p, "app").equals("ImagePullBackOff"));
    NodeTesting.awaitEvents(member, ns, "noimage", "Failed", "BackOff");
  }

  @Test
  void deletingAPodStopsItsContainersThenRemovesIt() {
    String ns = NodeTesting.namespace(member);
    Pod pod = pod(ns, "doomed", Map.of(), "Always", "app");
    Pod running = awaitPod(member, ns, "doomed", "Running", WAIT, NodeTesting::running);
    String uid = running.getMetadata().getUid();
    assertThat(Await.result(runtime.podContainers(nodeName, uid))).isNotEmpty();

    var deleted = Await.result(member.store().delete(Pod.class, ns, "doomed", DeleteOptions.defaults()));
    assertThat(deleted.deleted()).as("a bound pod is only marked for deletion").isFalse();
    awaitGone(member, ns, "doomed", WAIT);
    assertThat(Await.result(runtime.podContainers(nodeName, uid))).isEmpty();
    assertThat(pod.getMetadata().getName()).isEqualTo("doomed");
  }

  @Test
  void aFailingLivenessProbeRestartsTheContainerAndReadinessGatesReady() {
    String ns = NodeTesting.namespace(member);
    Pod pod = new PodBuilder().withNewMetadata().withName("probed").withNamespace(ns).endMetadata()
        .withNewSpec().withNodeName(nodeName).addNewContainer().withName("app").withImage("dirigent/busybox:1")
        .withNewReadinessProbe().withNewExec().withCommand("true").endExec().withPeriodSeconds(1).withFailureThreshold(1).endReadinessProbe()
        .withNewLivenessProbe().withNewExec().withCommand("true").endExec().withPeriodSeconds(1).withFailureThreshold(2).endLivenessProbe()
        .endContainer().endSpec().build();
    Await.result(member.store().create(pod));
    Pod ready = awaitPod(member, ns, "probed", "Ready", WAIT, NodeTesting::ready);
    String id = NodeTesting.container(ready, "app").orElseThrow().getContainerID().replace("simulated://", "");

    runtime.failProbes(id, true);
    awaitPod(member, ns, "probed", "not Ready", WAIT, p -> !NodeTesting.ready(p));
    Pod restarted = awaitPod(member, ns, "probed", "restarted by liveness", WAIT, p -> restarts(p, "app") >= 1);
    assertThat(NodeTesting.container(restarted, "app").orElseThrow().getContainerID()).doesNotContain(id);
    awaitPod(member, ns, "probed", "Ready again", WAIT, NodeTesting::ready);
    NodeTesting.awaitEvents(member, ns, "probed", "Unhealthy", "Killing");
  }

  @Test
  void aContainerKilledBehindTheAgentsBackIsRestarted() {
    String ns = NodeTesting.namespace(member);
    pod(ns, "victim", Map.of(), "Always", "app");
    Pod running = awaitPod(member, ns, "victim", "Running", WAIT, NodeTesting::running);
    String id = NodeTesting.container(running, "app").orElseThrow().getContainerID().replace("simulated://", "");
    assertThat(runtime.exit(id, 137)).isTrue();
    Pod restarted = awaitPod(member, ns, "victim", "restarted", WAIT, p -> restarts(p, "app") == 1 && NodeTesting.running(p)
        && NodeTesting.container(p, "app").orElseThrow().getState().getRunning() != null);
    assertThat(NodeTesting.container(restarted, "app").orElseThrow().getLastState().getTerminated().getExitCode()).isEqualTo(137);
  }

  @Test
  void aNodeWhoseClockIsAnHourBehindRetriesByItAndStampsItsPodsWithIt() throws Exception {
    Clock behind = Clock.offset(Clock.systemUTC(), Duration.ofHours(-1));
    SimulatedRuntime skewedRuntime = new SimulatedRuntime(behind);
    NodeAgents skewed = NodeAgents.create(member.system(), member.store(), behind);
    try {
      String node = unique("behind");
      // Resyncs far apart, so that only the worker's own retry (a second later, by the node's clock) can start the pod in time.
      NodeSettings settings = NodeSettings.from(ConfigFactory.parseMap(Map.of("dirigent.node.resync-interval", "60s"))
          .withFallback(member.system().settings().config())).withName(node);
      skewed.startAgent(settings, skewedRuntime);
      skewedRuntime.failLooks(node, 3);
      String ns = NodeTesting.namespace(member);
      Instant before = behind.instant().truncatedTo(ChronoUnit.SECONDS);
      Await.result(member.store().create(new PodBuilder().withNewMetadata().withName("skewed").withNamespace(ns).endMetadata()
          .withNewSpec().withNodeName(node).addNewContainer().withName("app").withImage("dirigent/busybox:1").endContainer().endSpec().build()));

      Pod pod = awaitPod(member, ns, "skewed", "Running and Ready after three failed looks, long before a resync", Duration.ofSeconds(20),
          p -> running(p) && ready(p));
      Instant after = behind.instant();
      assertThat(Instant.parse(pod.getStatus().getStartTime())).isBetween(before, after);
      assertThat(pod.getStatus().getConditions()).filteredOn(c -> c.getType().equals("Ready")).singleElement()
          .satisfies(c -> assertThat(Instant.parse(c.getLastTransitionTime())).isBetween(before, after));
      assertThat(Instant.parse(NodeTesting.container(pod, "app").orElseThrow().getState().getRunning().getStartedAt())).isBetween(before, after);
    } finally {
      skewed.close();
      skewedRuntime.close();
    }
  }

  @Test
  void fiveHundredSimulatedNodesRunInOneProcess() throws Exception {
    String prefix = unique("fleet");
    SimulatedRuntime fleetRuntime = new SimulatedRuntime(Clock.systemUTC());
    // Leases renewed as simulated nodes renew them, not every half second: 500 of them share the store.
    NodeSettings base = NodeTesting.node(member, prefix).withLease(Duration.ofSeconds(40), Duration.ofSeconds(10));
    AutoCloseable fleet = agents.startSimulated(500, fleetRuntime, i -> base.withName("%s-%04d".formatted(prefix, i)));
    Await.until("500 nodes registered", Duration.ofSeconds(60), () -> Await.result(member.store().list(Node.class, ListOptions.ALL))
        .items(Node.class).stream().filter(n -> n.getMetadata().getName().startsWith(prefix)).count() == 500);

    // A pod on one of them runs there.
    String ns = NodeTesting.namespace(member);
    Pod pod = new PodBuilder().withNewMetadata().withName("far").withNamespace(ns).endMetadata()
        .withNewSpec().withNodeName(prefix + "-0377").addNewContainer().withName("app").withImage("dirigent/busybox:1").endContainer().endSpec().build();
    Await.result(member.store().create(pod));
    awaitPod(member, ns, "far", "Running", WAIT, NodeTesting::running);
    assertThat(Await.result(fleetRuntime.containers(prefix + "-0377"))).hasSize(2);
    assertThat(Await.result(member.store().list(Pod.class, ListOptions.of(new ObjectFilter(ns, "", ""))))
        .items()).hasSize(1);
    fleet.close();
    fleetRuntime.close();
  }
}
