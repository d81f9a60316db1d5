package io.dirigent.node;

import static io.dirigent.node.testing.NodeTesting.awaitGone;
import static io.dirigent.node.testing.NodeTesting.awaitPod;
import static io.dirigent.node.testing.NodeTesting.container;
import static io.dirigent.node.testing.NodeTesting.restarts;
import static io.dirigent.node.testing.NodeTesting.unique;
import static io.dirigent.node.testing.NodeTesting.waitingReason;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.testing.Await;
import io.dirigent.core.testing.TestNodes;
import io.dirigent.node.runtime.DockerRuntime;
import io.dirigent.node.runtime.LogOptions;
import io.dirigent.node.testing.DockerEngine;
import io.dirigent.node.testing.NodeTesting;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node agent on the real Docker engine: pods become containers, and what happens to the
 * containers comes back as pod status. Only loopback and the tests' own containers are
 * contacted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DockerNodeIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir static Path dataDir;
  private ClusterNode member;
  private DockerRuntime runtime;
  private NodeAgents agents;
  private NodeSettings settings;
  private org.apache.pekko.actor.typed.ActorRef<NodeAgent.Command> agent;

  @BeforeAll
  void start() {
    DockerEngine.ensure();
    // A resync far in the future: whatever is noticed quickly was noticed from Docker's events.
    member = TestNodes.start(ConfigFactory.parseMap(Map.of("dirigent.node.resync-interval", "60s"))
        .withFallback(NodeTesting.settings(dataDir)));
    runtime = new DockerRuntime("unix:///var/run/docker.sock", "dirigent/pause:1", 16, unique("instance"));
    agents = NodeAgents.create(member.system(), member.store(), Clock.systemUTC());
    settings = NodeTesting.node(member, unique("docker"));
    // A small pool, so that the tests' pods take their sandboxes from it and from the engine both.
    runtime.poolSandboxes(settings.name(), 2, "/bin/busybox");
    agent = agents.startAgent(settings, runtime);
  }

  @AfterAll
  void stop() {
    NodeTesting.stopAll(agents, runtime, settings, member);
  }


  private PodBuilder pod(String namespace, String name) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withNewSpec().withNodeName(settings.name()).withTerminationGracePeriodSeconds(2L).endSpec();
  }

  private Pod create(PodBuilder pod) {
    return Await.result(member.store().create(pod.build()));
  }

  private String containerId(Pod pod, String name) {
    return container(pod, name).orElseThrow().getContainerID().replace("docker://", "");
  }

  @Test
  void containersOfAPodShareLocalhostAnEmptyDirAndTheHostPort() throws Exception {
    // A host port needs a namespace whose pods may use the host.
    String ns = NodeTesting.privilegedNamespace(member);
    create(pod(ns, "shared").editSpec()
        .addNewVolume().withName("scratch").withNewEmptyDir().endEmptyDir().endVolume()
        .addNewContainer().withName("web").withImage("dirigent/httpenv:1")
        .addNewPort().withContainerPort(8888).withHostPort(31888).endPort().endContainer()
        .addNewContainer().withName("writer").withImage("dirigent/busybox:1")
        .withCommand("sh", "-c", "echo hello > /scratch/greeting; exec sleep 3600")
        .addNewVolumeMount().withName("scratch").withMountPath("/scratch").endVolumeMount().endContainer()
        .addNewContainer().withName("checker").withImage("dirigent/busybox:1").withCommand("sleep", "3600")
        .addNewVolumeMount().withName("scratch").withMountPath("/data").endVolumeMount()
        .withNewReadinessProbe().withNewExec().withCommand("sh", "-c", "wget -qO- http://127.0.0.1:8888/ && cat /data/greeting").endExec()
        .withPeriodSeconds(1).endReadinessProbe().endContainer()
        .endSpec());
    Pod ready = awaitPod(member, ns, "shared", "Ready", WAIT, NodeTesting::ready);
    assertThat(ready.getStatus().getPodIP()).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
    assertThat(container(ready, "web").orElseThrow().getImageID()).startsWith("sha256:");

    var seen = Await.result(runtime.exec(containerId(ready, "checker"), List.of("sh", "-c", "wget -qO- http://127.0.0.1:8888/; cat /data/greeting"),
        Duration.ofSeconds(10)));
    assertThat(seen.exitCode()).isZero();
    assertThat(seen.output()).isEqualTo("shared\nhello");

    HttpResponse<String> viaHostPort = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:31888/")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(viaHostPort.body().strip()).isEqualTo("shared");
    Await.result(member.store().delete(Pod.class, ns, "shared", DeleteOptions.defaults()));
    awaitGone(member, ns, "shared", WAIT);
  }

  @Test
  void aPodWhoseSandboxCameFromThePoolHasItsOwnHostnameFilesAndAddress() {
    String ns = NodeTesting.namespace(member);
    Await.until("a pool sandbox ready", WAIT, () -> runtime.pooledSandboxes() > 0);
    // What it prints first, it prints before anything else of it ran: the hostname is the pod's from the start.
    create(pod(ns, "pooled").editSpec().addNewContainer().withName("app").withImage("dirigent/busybox:1")
        .withCommand("sh", "-c", "hostname; cat /etc/hostname; grep -w pooled /etc/hosts; exec sleep 3600").endContainer().endSpec());
    Pod running = awaitPod(member, ns, "pooled", "Running", WAIT, NodeTesting::running);
    String ip = running.getStatus().getPodIP();
    String id = containerId(running, "app");
    awaitLog(id, "pooled\npooled\n" + ip + "\tpooled");
    String sandbox = DockerEngine.docker("inspect", "-f", "{{.HostConfig.NetworkMode}}", id).output().strip().replace("container:", "");
    assertThat(DockerEngine.docker("inspect", "-f", "{{index .Config.Labels \"io.dirigent.pool\"}} {{.Name}}", sandbox).output().strip())
        .as("the sandbox is a pool sandbox, named for the pod").isEqualTo("bridge /dirigent_POD_pooled_" + ns + "_" + running.getMetadata().getUid() + "_0");
    // The app runs as itself: its own command in the container's first process's place, argv[0] as given.
    var ps = Await.result(runtime.exec(id, List.of("sh", "-c", "for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline; echo; done | grep '^sleep'"), Duration.ofSeconds(10)));
    assertThat(ps.output().strip()).isEqualTo("sleep 3600");

    // A container restarted in the same sandbox is named again.
    assertThat(DockerEngine.docker("kill", id).exit()).isZero();
    Pod restarted = awaitPod(member, ns, "pooled", "restarted", WAIT, p -> restarts(p, "app") == 1 && NodeTesting.running(p));
    awaitLog(containerId(restarted, "app"), "pooled\npooled\n" + ip + "\tpooled");
    assertThat(restarted.getStatus().getPodIP()).isEqualTo(ip);
    Await.until("the pool refilled", WAIT, () -> runtime.pooledSandboxes() == 2);
  }

  @Test
  void aCommandNotOnThePathFailsAsTheEngineWouldSayIt() {
    String ns = NodeTesting.namespace(member);
    Await.until("a pool sandbox ready", WAIT, () -> runtime.pooledSandboxes() > 0);
    create(pod(ns, "lost").editSpec().addNewContainer().withName("app").withImage("dirigent/busybox:1")
        .withCommand("no-such-tool").endContainer().endSpec());
    Pod failed = awaitPod(member, ns, "lost", "failed", WAIT, p -> restarts(p, "app") >= 1);
    var terminated = container(failed, "app").orElseThrow().getLastState().getTerminated();
    assertThat(terminated.getExitCode()).isEqualTo(127);
    assertThat(logOf(terminated.getContainerID().replace("docker://", ""))).contains("exec: \"no-such-tool\": executable file not found in $PATH");
  }

  @Test
  void aContainerKilledBehindTheAgentsBackIsRestartedFromDockerEvents() {
    String ns = NodeTesting.namespace(member);
    create(pod(ns, "victim").editSpec().addNewContainer().withName("app").withImage("dirigent/httpenv:1").endContainer().endSpec());
    Pod running = awaitPod(member, ns, "victim", "Running", WAIT, NodeTesting::running);
    String id = containerId(running, "app");
    assertThat(DockerEngine.docker("kill", id).exit()).isZero();
    // The resync is a minute away; a restart within seconds came from the engine's die event.
    Pod restarted = awaitPod(member, ns, "victim", "restarted", Duration.ofSeconds(5),
        p -> restarts(p, "app") == 1 && container(p, "app").orElseThrow().getState().getRunning() != null);
    assertThat(container(restarted, "app").orElseThrow().getLastState().getTerminated().getExitCode()).isEqualTo(137);
    assertThat(restarted.getStatus().getPodIP()).isEqualTo(running.getStatus().getPodIP());
  }

  @Test
  void aCrashingContainerBacksOffLongerEachTime() {
    String ns = NodeTesting.namespace(member);
    create(pod(ns, "crasher").editSpec().addNewContainer().withName("app").withImage("dirigent/busybox:1")
        .withCommand("sh", "-c", "echo failing; exit 3").endContainer().endSpec());
    Pod backingOff = awaitPod(member, ns, "crasher", "CrashLoopBackOff", WAIT,
        p -> restarts(p, "app") >= 1 && waitingReason(p, "app").equals("CrashLoopBackOff"));
    assertThat(container(backingOff, "app").orElseThrow().getLastState().getTerminated().getExitCode()).isEqualTo(3);
    long second = restartedAt(ns, "crasher", 2);
    long third = restartedAt(ns, "crasher", 3);
    long fourth = restartedAt(ns, "crasher", 4);
    assertThat(fourth - third).as("the back-off doubles").isGreaterThan(third - second);
    NodeTesting.awaitEvents(member, ns, "crasher", "BackOff", "Started");
  }

  private long restartedAt(String ns, String name, int count) {
    awaitPod(member, ns, name, "restarted " + count + " times", WAIT, p -> restarts(p, "app") >= count);
    return System.nanoTime();
  }

  @Test
  void readinessGatesReadyAndLivenessRestarts() {
    String ns = NodeTesting.namespace(member);
    create(pod(ns, "probed").editSpec()
        .addNewContainer().withName("gated").withImage("dirigent/busybox:1").withCommand("sleep", "3600")
        .withNewReadinessProbe().withNewExec().withCommand("test", "-f", "/tmp/ready").endExec().withPeriodSeconds(1).endReadinessProbe()
        .endContainer()
        .addNewContainer().withName("mortal").withImage("dirigent/busybox:1")
        .withCommand("sh", "-c", "touch /tmp/alive; sleep 2; rm /tmp/alive; exec sleep 3600")
        .withNewLivenessProbe().withNewExec().withCommand("test", "-f", "/tmp/alive").endExec().withPeriodSeconds(1).withFailureThreshold(1)
        .endLivenessProbe().endContainer()
        .endSpec());
    Pod running = awaitPod(member, ns, "probed", "Running", WAIT, NodeTesting::running);
    assertThat(NodeTesting.ready(running)).isFalse();
    assertThat(container(running, "gated").orElseThrow().getReady()).isFalse();

    awaitPod(member, ns, "probed", "mortal restarted by its liveness probe", WAIT, p -> restarts(p, "mortal") >= 1);
    NodeTesting.awaitEvents(member, ns, "probed", "Unhealthy", "Killing");

    Pod notYet = Await.result(member.store().get(Pod.class, ns, "probed"));
    Await.result(runtime.exec(containerId(notYet, "gated"), List.of("touch", "/tmp/ready"), Duration.ofSeconds(10)));
    awaitPod(member, ns, "probed", "gated ready", WAIT, p -> container(p, "gated").orElseThrow().getReady());
  }

  @Test
  void initContainersRunInOrderBeforeTheApp() {
    String ns = NodeTesting.namespace(member);
    create(pod(ns, "initialized").editSpec()
        .addNewVolume().withName("work").withNewEmptyDir().endEmptyDir().endVolume()
        .addNewInitContainer().withName("first").withImage("dirigent/busybox:1").withCommand("sh", "-c", "echo first > /work/log")
        .addNewVolumeMount().withName("work").withMountPath("/work").endVolumeMount().endInitContainer()
        .addNewInitContainer().withName("second").withImage("dirigent/busybox:1").withCommand("sh", "-c", "test -f /work/log && echo second >> /work/log")
        .addNewVolumeMount().withName("work").withMountPath("/work").endVolumeMount().endInitContainer()
        .addNewContainer().withName("app").withImage("dirigent/busybox:1").withCommand("sh", "-c", "cat /work/log; exec sleep 3600")
        .addNewVolumeMount().withName("work").withMountPath("/work").endVolumeMount().endContainer()
        .endSpec());
    Pod running = awaitPod(member, ns, "initialized", "Running", WAIT, NodeTesting::running);
    assertThat(running.getStatus().getInitContainerStatuses()).extracting(s -> s.getState().getTerminated().getExitCode()).containsExactly(0, 0);
    assertThat(restarts(running, "app")).isZero();
    awaitLog(containerId(running, "app"), "first\nsecond");
  }

  @Test
  void environmentAndFilesComeFromAConfigMapAndThePod() {
    String ns = NodeTesting.namespace(member);
    Await.result(member.store().create(new ConfigMapBuilder().withNewMetadata().withName("settings").withNamespace(ns).endMetadata()
        .withData(Map.of("color", "blue", "size", "large")).build()));
    create(pod(ns, "configured").editSpec()
        .addNewVolume().withName("config").withNewConfigMap().withName("settings").endConfigMap().endVolume()
        .addNewContainer().withName("app").withImage("dirigent/busybox:1")
        .withCommand("sh", "-c", "echo color=$COLOR size=$SIZE pod=$POD_NAME file=$(cat /etc/settings/color) args=$0; exec sleep 3600")
        .withArgs("$(COLOR)")
        .addNewEnv().withName("COLOR").withNewValueFrom().withNewConfigMapKeyRef("color", "settings", false).endValueFrom().endEnv()
        .addNewEnv().withName("POD_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name").endFieldRef().endValueFrom().endEnv()
        .addNewEnvFrom().withNewConfigMapRef().withName("settings").endConfigMapRef().withPrefix("").endEnvFrom()
        .addNewEnv().withName("SIZE").withValue("$(size)").endEnv()
        .addNewVolumeMount().withName("config").withMountPath("/etc/settings").endVolumeMount()
        .endContainer().endSpec());
    Pod running = awaitPod(member, ns, "configured", "Running", WAIT, NodeTesting::running);
    awaitLog(containerId(running, "app"), "color=blue size=large pod=configured file=blue args=blue");
  }

  @Test
  void aMissingConfigMapIsAConfigErrorNotACrash() {
    String ns = NodeTesting.namespace(member);
    create(pod(ns, "unconfigured").editSpec().addNewContainer().withName("app").withImage("dirigent/busybox:1").withCommand("sleep", "3600")
        .addNewEnv().withName("X").withNewValueFrom().withNewConfigMapKeyRef("x", "absent", false).endValueFrom().endEnv()
        .endContainer().endSpec());
    Pod waiting = awaitPod(member, ns, "unconfigured", "CreateContainerConfigError", WAIT,
        p -> waitingReason(p, "app").equals("CreateContainerConfigError"));
    assertThat(container(waiting, "app").orElseThrow().getState().getWaiting().getMessage()).isEqualTo("configmap \"absent\" not found");
  }

  @Test
  void theSecurityContextIsHonouredByTheEngine() {
    String ns = NodeTesting.namespace(member);
    create(pod(ns, "confined").editSpec()
        .withNewSecurityContext().withRunAsUser(1000L).withRunAsGroup(3000L).withSupplementalGroups(4000L).endSecurityContext()
        .addNewContainer().withName("app").withImage("dirigent/busybox:1")
        .withCommand("sh", "-c", "echo ids=$(id -u):$(id -g) groups=$(id -G);"
            + " grep -E '^(CapEff|NoNewPrivs)' /proc/self/status | tr -s '\\t' ' ' | tr '\\n' ' ';"
            + " echo; touch /rootfs-file 2>/dev/null && echo root-writable || echo root-read-only; exec sleep 3600")
        .withNewSecurityContext().withReadOnlyRootFilesystem(true).withAllowPrivilegeEscalation(false)
        .withNewCapabilities().withDrop("ALL").endCapabilities().endSecurityContext()
        .endContainer().endSpec());
    Pod running = awaitPod(member, ns, "confined", "Running", WAIT, NodeTesting::running);
    String id = containerId(running, "app");
    Await.until("the container's report", WAIT, () -> logOf(id).contains("root-"));
    assertThat(logOf(id)).contains("ids=1000:3000 groups=3000 4000").contains("CapEff: 0000000000000000 NoNewPrivs: 1")
        .contains("root-read-only");
  }

  @Test
  void runAsNonRootRefusesAnImageThatRunsAsRoot() {
    String ns = NodeTesting.namespace(member);
    create(pod(ns, "rootless").editSpec().withNewSecurityContext().withRunAsNonRoot(true).endSecurityContext()
        .addNewContainer().withName("app").withImage("dirigent/busybox:1").withCommand("sleep", "3600").endContainer().endSpec());
    Pod waiting = awaitPod(member, ns, "rootless", "CreateContainerConfigError", WAIT,
        p -> waitingReason(p, "app").equals("CreateContainerConfigError"));
    assertThat(container(waiting, "app").orElseThrow().getState().getWaiting().getMessage())
        .startsWith("container has runAsNonRoot and image will run as root");
  }

  @Test
  void aMissingImageGivesErrImagePullAndNothingIsPulled() {
    String ns = NodeTesting.namespace(member);
    create(pod(ns, "unpulled").editSpec().addNewContainer().withName("app").withImage("dirigent/not-built:7").endContainer().endSpec());
    awaitPod(member, ns, "unpulled", "ErrImagePull", WAIT, p -> waitingReason(p, "app").equals("ErrImagePull"));
    awaitPod(member, ns, "unpulled", "ImagePullBackOff", WAIT, p -> waitingReason(p, "app").equals("ImagePullBackOff"));
    assertThat(DockerEngine.docker("image", "inspect", "dirigent/not-built:7").exit()).isNotZero();
  }

  @Test
  void aMemoryLimitIsEnforcedAndAnOutOfMemoryKillIsReported() {
    String ns = NodeTesting.namespace(member);
    create(pod(ns, "hungry").editSpec().withRestartPolicy("Never").addNewContainer().withName("app").withImage("dirigent/busybox:1")
        .withCommand("sh", "-c", "a=$(head -c 200000000 /dev/zero | tr '\\0' x); echo survived")
        .withNewResources().withLimits(Map.of("memory", new Quantity("32Mi"), "cpu", new Quantity("500m"))).endResources()
        .endContainer().endSpec());
    Pod failed = awaitPod(member, ns, "hungry", "Failed, killed for memory", WAIT, p -> "Failed".equals(p.getStatus().getPhase())
        && container(p, "app").map(c -> c.getState().getTerminated() != null && "OOMKilled".equals(c.getState().getTerminated().getReason())).orElse(false));
    var terminated = container(failed, "app").orElseThrow().getState().getTerminated();
    assertThat(terminated.getReason()).isEqualTo("OOMKilled");
    assertThat(terminated.getExitCode()).isEqualTo(137);
    assertThat(failed.getStatus().getQosClass()).isEqualTo("Guaranteed");
  }

  @Test
  void deletionSendsSigtermAndWaitsTheGracePeriodBeforeSigkill() {
    String ns = NodeTesting.namespace(member);
    create(pod(ns, "polite").editSpec().addNewContainer().withName("app").withImage("dirigent/busybox:1")
        .withCommand("sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.1; done").endContainer().endSpec());
    create(pod(ns, "stubborn").editSpec().withTerminationGracePeriodSeconds(3L).addNewContainer().withName("app").withImage("dirigent/busybox:1")
        .withCommand("sh", "-c", "trap '' TERM; while true; do sleep 0.1; done").endContainer().endSpec());
    awaitPod(member, ns, "polite", "Running", WAIT, NodeTesting::running);
    awaitPod(member, ns, "stubborn", "Running", WAIT, NodeTesting::running);

    long start = System.nanoTime();
    Await.result(member.store().delete(Pod.class, ns, "polite", DeleteOptions.defaults()));
    Await.result(member.store().delete(Pod.class, ns, "stubborn", DeleteOptions.defaults()));
    awaitGone(member, ns, "polite", WAIT);
    Duration polite = Duration.ofNanos(System.nanoTime() - start);
    // The stubborn container ignores SIGTERM: it is still there until its grace period is over.
    NodeTesting.sleep(Math.max(0, 2000 - polite.toMillis()));
    assertThat(Await.result(member.store().get(Pod.class, ns, "stubborn")).getMetadata().getDeletionTimestamp()).isNotNull();
    awaitGone(member, ns, "stubborn", WAIT);
    Duration stubborn = Duration.ofNanos(System.nanoTime() - start);
    assertThat(polite).as("SIGTERM ended the polite container").isLessThan(Duration.ofSeconds(2));
    assertThat(stubborn).as("SIGKILL came after the 3 s grace period").isGreaterThanOrEqualTo(Duration.ofSeconds(3));
    NodeTesting.awaitEvents(member, ns, "stubborn", "Killing");
  }

  @Test
  void aRestartedAgentAdoptsItsPodsAndRemovesOnlyItsOwnStaleContainers() {
    String ns = NodeTesting.namespace(member);
    create(pod(ns, "survivor").editSpec().addNewContainer().withName("app").withImage("dirigent/httpenv:1").endContainer().endSpec());
    create(pod(ns, "forgotten").editSpec().addNewContainer().withName("app").withImage("dirigent/httpenv:1").endContainer().endSpec());
    Pod survivor = awaitPod(member, ns, "survivor", "Running", WAIT, NodeTesting::running);
    Pod forgotten = awaitPod(member, ns, "forgotten", "Running", WAIT, NodeTesting::running);
    String survivorId = containerId(survivor, "app");
    String forgottenUid = forgotten.getMetadata().getUid();
    // A container of someone else's, and one carrying Dirigent's labels for another node.
    String foreign = unique("foreign");
    String otherNode = unique("other");
    assertThat(DockerEngine.docker("run", "-d", "--name", foreign, "dirigent/pause:1").exit()).isZero();
    assertThat(DockerEngine.docker("run", "-d", "--name", otherNode, "--label", "io.dirigent.node=elsewhere",
        "--label", "io.dirigent.pod.uid=" + forgottenUid, "--label", "io.dirigent.container.name=app", "dirigent/pause:1").exit()).isZero();
    // Another server on this host (its own data directory and cluster) whose node has this node's name.
    String otherServer = unique("other-server");
    assertThat(DockerEngine.docker("run", "-d", "--name", otherServer, "--label", "io.dirigent.node=" + settings.name(),
        "--label", DockerRuntime.INSTANCE + "=someone-else", "--label", "io.dirigent.pod.uid=" + forgottenUid,
        "--label", "io.dirigent.container.name=app", "dirigent/pause:1").exit()).isZero();
    try {
      agents.stop(agent);
      // While the agent is down, one pod is deleted for good.
      Await.result(member.store().delete(Pod.class, ns, "forgotten", DeleteOptions.defaults().withGracePeriod(0)));
      awaitGone(member, ns, "forgotten", WAIT);
      agent = agents.startAgent(settings, runtime);

      Await.until("the forgotten pod's containers removed", WAIT,
          () -> Await.result(runtime.podContainers(settings.name(), forgottenUid)).isEmpty());
      // The survivor was adopted, not restarted: same container, no restart, and the new agent handles it.
      Pod adopted = Await.result(member.store().get(Pod.class, ns, "survivor"));
      assertThat(containerId(adopted, "app")).isEqualTo(survivorId);
      assertThat(restarts(adopted, "app")).isZero();
      assertThat(DockerEngine.docker("kill", survivorId).exit()).isZero();
      awaitPod(member, ns, "survivor", "restarted by the new agent", WAIT, p -> restarts(p, "app") == 1);
      assertThat(DockerEngine.docker("inspect", foreign).exit()).as("a container Dirigent did not make is left alone").isZero();
      assertThat(DockerEngine.docker("inspect", otherNode).exit()).as("another node's container is left alone").isZero();
      assertThat(DockerEngine.docker("inspect", otherServer).exit())
          .as("another server's container is left alone, though its node has this one's name").isZero();
    } finally {
      DockerEngine.docker("rm", "-f", foreign, otherNode, otherServer);
    }
  }

  /** Waits until the container's log is exactly {@code expected}. */
  private void awaitLog(String containerId, String expected) {
    Await.until("log to read " + expected, WAIT, () -> logOf(containerId).strip().equals(expected));
  }

  private String logOf(String containerId) {
    return Await.result(runtime.logs(containerId, new LogOptions(false, null, null, false))
        .runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), member.system())).utf8String();
  }
}
