package io.dirigent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.cli.testing.ApiCalls;
import io.dirigent.cli.testing.BinDirigent;
import io.dirigent.cli.testing.Kubectl;
import io.dirigent.cli.testing.MemberProcess;
import io.dirigent.cli.testing.Partition;
import io.dirigent.core.testing.Await;
import io.dirigent.core.testing.Cassandra;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The cluster through its faults, as an operator meets them: three control-plane members on a
 * shared Cassandra and two workers (simulated runtime), each a real {@code dirigent server} process
 * on its own loopback address (127.0.0.2–6), killed with SIGKILL, stopped and started again. Each
 * scenario asserts its goal (issue 17) and prints what it measured; the cluster carries over from
 * one scenario to the next, as a real one would.
 *
 * <p>The scenarios that wait out a fault for a minute or more (a worker's restart, the whole
 * control plane's, Cassandra's outage, a busy host) are tagged {@value #LONG}: {@code mvn verify}
 * (bin/test) leaves them out, {@code bin/chaos} runs every scenario.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsIT {

  /** The tag of the scenarios bin/test leaves to bin/chaos. */
  static final String LONG = "long";
  private static final String NAMESPACE = "faults";
  private static final int REPLICAS = 6;
  private static final String SEEDS = "127.0.0.2:2551,127.0.0.3:2551,127.0.0.4:2551";
  private static final Duration READY = Duration.ofSeconds(180);
  private static final Map<String, String> measured = new TreeMap<>();
  /** Threads for the calls the scenarios make at once (the common pool has one thread on two cores). */
  private static final java.util.concurrent.ExecutorService CALLS = java.util.concurrent.Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "faults-call");
    thread.setDaemon(true);
    return thread;
  });

  private static Path base;
  private static final List<MemberProcess> controlPlane = new ArrayList<>();
  private static final List<MemberProcess> workers = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    // A partition an interrupted run left behind would cut this run's members off.
    Partition.heal();
    Cassandra.ensureRunning();
    base = Files.createTempDirectory("dirigent-faults");
    String keyspace = "faults_" + Long.toString(System.nanoTime() % 1_000_000, 36);
    for (int i = 1; i <= 3; i++) {
      controlPlane.add(new MemberProcess("cp" + i, "127.0.0." + (i + 1), base.resolve("cp" + i), List.of(
          "--port", "2551", "--api-port", "6443", "--store", "cassandra", "--cassandra-keyspace", keyspace,
          "--seed-nodes", SEEDS, "--roles", "control-plane", "--ready-timeout", "170")));
    }
    MemberProcess first = controlPlane.get(0);
    first.start();
    first.awaitReady(READY);
    // The others share the first one's authority and keys, as docs/operations.md tells an operator to.
    for (MemberProcess other : controlPlane.subList(1, 3)) {
      copyTree(first.dataDir().resolve("pki"), other.dataDir().resolve("pki"));
      other.start();
    }
    for (MemberProcess other : controlPlane.subList(1, 3)) {
      other.awaitReady(READY);
    }
    for (int i = 1; i <= 2; i++) {
      String name = "w" + i;
      Path dir = base.resolve(name);
      BinDirigent.Run issued = BinDirigent.run("member-certificate", name, "--data-dir", first.dataDir().toString(), "--out", dir.resolve("pki").toString());
      assertThat(issued.exit()).as(issued.output()).isZero();
      MemberProcess worker = new MemberProcess(name, "127.0.0." + (i + 4), dir, List.of(
          "--port", "2551", "--seed-nodes", SEEDS, "--roles", "worker", "--node-name", name, "--runtime", "simulated", "--ready-timeout", "170"));
      workers.add(worker);
      worker.start();
    }
    for (MemberProcess worker : workers) {
      worker.awaitReady(READY);
    }
    Await.until("both workers' nodes Ready", Duration.ofSeconds(90), () -> ready("w1") && ready("w2"));
    assertThat(api(1).send("POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + NAMESPACE + "\"}}").code()).isEqualTo(201);
    assertThat(api(1).send("POST", "/apis/apps/v1/namespaces/" + NAMESPACE + "/deployments", """
        {"metadata":{"name":"web"},"spec":{"replicas":%d,"selector":{"matchLabels":{"app":"web"}},
         "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"app","image":"dirigent/busybox:1"}]}}}}
        """.formatted(REPLICAS)).code()).isEqualTo(201);
    Await.until(REPLICAS + " pods Running on both workers", Duration.ofSeconds(120), () -> {
      List<JsonNode> running = running();
      return running.size() == REPLICAS && nodesOf(running).containsAll(Set.of("w1", "w2"));
    });
  }

  @AfterAll
  static void stopCluster() throws Exception {
    System.out.println("fault suite measurements: " + measured);
    for (MemberProcess member : workers) {
      member.close();
    }
    for (MemberProcess member : controlPlane) {
      member.close();
    }
  }

  @Test
  @Order(1)
  void killingTheSingletonsMemberLosesWritesAndSingletonsForSecondsOnly() throws Exception {
    // The oldest member holds the singletons: the first started.
    MemberProcess victim = controlPlane.get(0);
    long killed = System.nanoTime();
    victim.kill();
    System.out.println("killed " + victim.name() + " at " + java.time.LocalTime.now());

    CompletableFuture<Duration> writes = CompletableFuture.supplyAsync(() -> untilWritesSucceed(2, killed), CALLS);
    CompletableFuture<Duration> scheduler = CompletableFuture.supplyAsync(() -> untilAPodIsBound(2, killed), CALLS);
    CompletableFuture<Duration> controllers = CompletableFuture.supplyAsync(() -> untilAReplicaSetCreatesAPod(2, killed), CALLS);
    Duration writesBack = writes.get();
    Duration schedulerBack = scheduler.get();
    Duration controllersBack = controllers.get();
    measured.put("1 control-plane kill -9: writes back (s)", seconds(writesBack));
    measured.put("1 control-plane kill -9: scheduler back (s)", seconds(schedulerBack));
    measured.put("1 control-plane kill -9: controller manager back (s)", seconds(controllersBack));
    System.out.printf("kill -9 of the singletons' member: writes back after %s s, scheduler %s s, controller manager %s s%n",
        seconds(writesBack), seconds(schedulerBack), seconds(controllersBack));

    // Who leads now, as Kubernetes shows it (the kubernetes Service's Endpoints may not list the
    // loopback addresses these members serve on: ApiServerEndpointsControllerTest covers them).
    List<JsonNode> leases = List.of(read("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler"),
        read("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager"));
    victim.start();
    victim.awaitReady(READY);
    for (JsonNode lease : leases) {
      String leader = lease.path("metadata").path("name").asText();
      assertThat(lease.path("spec").path("holderIdentity").asText()).as(leader + " held by a survivor").doesNotStartWith("127.0.0.2:");
      assertThat(lease.path("spec").path("leaseTransitions").asInt()).as(leader + " changed hands").isGreaterThanOrEqualTo(1);
    }
    // The goal is 10 s (docs/benchmarks.md has the figures of several runs); on a shared 2-core
    // machine a bound with room keeps this from failing on noise while catching a regression to the
    // 20 s it took before the failover was tuned.
    Duration bound = Duration.ofSeconds(15);
    assertThat(writesBack).as("writes to every object back").isLessThanOrEqualTo(bound);
    assertThat(schedulerBack).as("a new pod bound").isLessThanOrEqualTo(bound);
    assertThat(controllersBack).as("a new ReplicaSet's pod created").isLessThanOrEqualTo(bound);
  }

  @Test
  @Order(2)
  void aKilledWorkersPodsRunElsewhereWithinTwentySeconds() throws Exception {
    MemberProcess victim = workers.get(0);
    long killed = System.nanoTime();
    victim.kill();
    System.out.println("killed " + victim.name() + " at " + java.time.LocalTime.now());
    Await.until("all pods Running again, none on w1", Duration.ofSeconds(60), () -> {
      List<JsonNode> running = running();
      return running.size() == REPLICAS && !nodesOf(running).contains("w1");
    });
    Duration replaced = Duration.ofNanos(System.nanoTime() - killed);
    measured.put("2 worker kill -9: pods Running elsewhere (s)", seconds(replaced));
    System.out.printf("kill -9 of worker w1: its pods Running elsewhere after %s s%n", seconds(replaced));
    victim.start();
    long restarted = System.nanoTime();
    victim.awaitReady(READY);
    // Back means its Lease renewed and the taint its death earned gone, not only its agent's Ready.
    Await.until("w1 Ready again and untainted", Duration.ofSeconds(60), () -> ready("w1") && taintedNodes(2).isEmpty());
    measured.put("2 worker started again: Ready and untainted after (s)", seconds(Duration.ofNanos(System.nanoTime() - restarted)));
    assertThat(replaced).isLessThanOrEqualTo(Duration.ofSeconds(20));
  }

  @Test
  @Tag(LONG)
  @Order(3)
  void aWorkerRestartedGracefullyKeepsItsPods() throws Exception {
    // Put pods on w1 again: it came back empty from the last scenario.
    scale(0);
    scale(REPLICAS);
    Await.until(REPLICAS + " pods Running on both workers", Duration.ofSeconds(90), () -> {
      List<JsonNode> running = running();
      return running.size() == REPLICAS && nodesOf(running).containsAll(Set.of("w1", "w2"));
    });
    MemberProcess worker = workers.get(1);
    Set<String> before = running().stream().filter(pod -> pod.path("spec").path("nodeName").asText().equals("w2"))
        .map(pod -> pod.path("metadata").path("uid").asText()).collect(Collectors.toSet());
    Duration exit = worker.stop(Duration.ofSeconds(30));
    measured.put("3 worker SIGTERM: exit (s)", seconds(exit));
    // Well past its lease (10 s) and the eviction timeout a gone node would get (5 s).
    Thread.sleep(20_000);
    Set<String> kept = pods().stream().map(pod -> pod.path("metadata").path("uid").asText()).collect(Collectors.toSet());
    worker.start();
    worker.awaitReady(READY);
    long restarted = System.nanoTime();
    Await.until("w2's pods Running on it again", Duration.ofSeconds(60), () -> running().stream()
        .filter(pod -> pod.path("spec").path("nodeName").asText().equals("w2"))
        .map(pod -> pod.path("metadata").path("uid").asText()).collect(Collectors.toSet()).containsAll(before));
    measured.put("3 worker restart: its pods Running again after its start (s)", seconds(Duration.ofNanos(System.nanoTime() - restarted)));
    assertThat(kept).as("no pod of the restarting worker was evicted").containsAll(before);
    assertThat(exit).as("SIGTERM stops a worker within seconds").isLessThanOrEqualTo(Duration.ofSeconds(10));
  }

  @Test
  @Tag(LONG)
  @Order(4)
  void workersComeBackByThemselvesWhenTheWholeControlPlaneRestarts() throws Exception {
    Set<String> before = pods().stream().map(pod -> pod.path("metadata").path("uid").asText()).collect(Collectors.toSet());
    for (MemberProcess member : controlPlane) {
      member.kill();
    }
    // Long enough for the workers' resolver to give up on the vanished control plane.
    Thread.sleep(15_000);
    long restarted = System.nanoTime();
    for (MemberProcess member : controlPlane) {
      member.start();
    }
    for (MemberProcess member : controlPlane) {
      member.awaitReady(READY);
    }
    Await.until("both workers' nodes Ready again, the workers untouched", Duration.ofSeconds(120), () -> ready("w1") && ready("w2"));
    Duration back = Duration.ofNanos(System.nanoTime() - restarted);
    measured.put("4 control plane kill -9 and restart: workers Ready after the restart (s)", seconds(back));
    assertThat(workers).allSatisfy(worker -> assertThat(worker.alive()).as(worker.name() + " still running").isTrue());
    Await.until("every pod Running", Duration.ofSeconds(60), () -> running().size() == REPLICAS);
    assertThat(pods().stream().map(pod -> pod.path("metadata").path("uid").asText()).collect(Collectors.toSet()))
        .as("the same pods: none evicted or replaced").isEqualTo(before);
  }

  @Test
  @Tag(LONG)
  @Order(5)
  void aCassandraOutageIsAnsweredWith503AndCostsNoWriteAndNoPod() throws Exception {
    Set<String> before = pods().stream().map(pod -> pod.path("metadata").path("uid").asText()).collect(Collectors.toSet());
    ApiCalls api = api(2);
    assertThat(api.send("POST", "/api/v1/namespaces/" + NAMESPACE + "/configmaps", "{\"metadata\":{\"name\":\"before-outage\"}}").code()).isEqualTo(201);
    long stopped = System.nanoTime();
    Cassandra.stop();
    Await.until("/readyz says the member is not ready", Duration.ofSeconds(20), () -> api.get("/readyz").code() == 503);
    measured.put("5 Cassandra stopped: /readyz 503 after (s)", seconds(Duration.ofNanos(System.nanoTime() - stopped)));
    Await.until("a write refused at once with 503, not timed out", Duration.ofSeconds(20), () -> {
      long sent = System.nanoTime();
      int code = api.send("POST", "/api/v1/namespaces/" + NAMESPACE + "/configmaps",
          "{\"metadata\":{\"name\":\"during-%d\"}}".formatted(sent % 100_000)).code();
      return code == 503 && Duration.ofNanos(System.nanoTime() - sent).compareTo(Duration.ofSeconds(2)) < 0;
    });
    Cassandra.start();
    long back = System.nanoTime();
    Duration writes = untilWritesSucceed(2, back);
    measured.put("5 Cassandra back: writes succeed after (s)", seconds(writes));
    Await.until("/readyz ready again", Duration.ofSeconds(30), () -> api.get("/readyz").code() == 200);
    // Long enough for a lease missed during the outage to have cost a node its pods, had it.
    Thread.sleep(15_000);
    assertThat(api.get("/api/v1/namespaces/" + NAMESPACE + "/configmaps/before-outage").code()).as("the write acknowledged before").isEqualTo(200);
    assertThat(pods().stream().map(pod -> pod.path("metadata").path("uid").asText()).collect(Collectors.toSet()))
        .as("no pod evicted for the store's sake").isEqualTo(before);
    // The goal is 10 s (5.7 s measured); room for a noisy machine, not for the minute and more it took
    // while the driver and the journal's circuit breaker backed off.
    assertThat(writes).as("writes back after the store").isLessThanOrEqualTo(Duration.ofSeconds(20));
  }

  @Test
  @Order(6)
  void aMemberCutOffFromTheOthersActsOnNothingAndRejoinsWhenTheNetworkHeals() throws Exception {
    // What a taint during the partition means: none before it.
    Await.until("no node tainted before the partition", Duration.ofSeconds(60), () -> taintedNodes(2).isEmpty());
    Set<String> before = pods().stream().map(pod -> pod.path("metadata").path("uid").asText()).collect(Collectors.toSet());
    // The singletons' member, cut off from every other member but not from the store: its
    // controller manager keeps running until it is downed, with a view that is now stale.
    String holder = read("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager")
        .path("spec").path("holderIdentity").asText();
    MemberProcess cut = controlPlane.stream().filter(member -> holder.startsWith(member.host() + ":")).findFirst()
        .orElseThrow(() -> new AssertionError("no control-plane member holds the controller manager's lease: " + holder));
    int cutIndex = controlPlane.indexOf(cut) + 1;
    int otherIndex = cutIndex % 3 + 1;
    List<String> others = new ArrayList<>();
    controlPlane.stream().filter(member -> member != cut).forEach(member -> others.add(member.host()));
    workers.forEach(worker -> others.add(worker.host()));
    int logBefore = cut.log().size();

    List<String> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
    Set<String> tainted = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.concurrent.atomic.AtomicBoolean partitioned = new java.util.concurrent.atomic.AtomicBoolean(true);
    long cutAt;
    Duration majorityWrites;
    Duration notReady;
    try (Partition partition = Partition.isolate(cut.host(), others)) {
      cutAt = System.nanoTime();
      // Writes keep going to the cut-off member: what it acknowledges must survive.
      ApiCalls cutApi = api(cutIndex);
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        for (int i = 0; partitioned.get(); i++) {
          String name = "cut-" + cutAt % 100_000 + "-" + i;
          if (cutApi.send("POST", "/api/v1/namespaces/" + NAMESPACE + "/configmaps", "{\"metadata\":{\"name\":\"" + name + "\"}}").ok()) {
            acknowledged.add(name);
          }
          sleep(100);
        }
      }, CALLS);
      CompletableFuture<Void> watcher = CompletableFuture.runAsync(() -> {
        while (partitioned.get()) {
          tainted.addAll(taintedNodes(otherIndex));
          sleep(250);
        }
      }, CALLS);
      CompletableFuture<Duration> writes = CompletableFuture.supplyAsync(() -> untilWritesSucceed(otherIndex, cutAt), CALLS);
      Await.until("the cut-off member says it is not ready", Duration.ofSeconds(30), () -> api(cutIndex).get("/readyz").code() != 200);
      notReady = Duration.ofNanos(System.nanoTime() - cutAt);
      majorityWrites = writes.get();
      // Long enough for a pod-eviction-timeout (5 s) after any taint a stale view could have set.
      Thread.sleep(20_000);
      partitioned.set(false);
      writer.get();
      watcher.get();
    }
    long healed = System.nanoTime();
    // A member whose actor system would not stop (Pekko's remoting waits on connections into the
    // partition) exits with code 3 for its supervisor to start it again: this test is that supervisor.
    boolean exited = !cut.alive();
    if (exited) {
      assertThat(cut.exitCode()).as("the cut-off member's server exited only because its member would not stop").hasValue(3);
      cut.start();
    }
    Await.until("the cut-off member ready again", Duration.ofSeconds(120), () -> api(cutIndex).get("/readyz").code() == 200);
    Duration rejoined = Duration.ofNanos(System.nanoTime() - healed);
    List<String> log = cut.log();
    log = log.subList(Math.min(logBefore, log.size()), log.size());
    Duration downedToStopped = exited ? between(log, "myself", "did not stop within") : between(log, "myself", "the member stopped");
    measured.put("6 partition: cut-off member's server exited for its supervisor (instead of restarting its member)", String.valueOf(exited));

    measured.put("6 partition: majority's writes back (s)", seconds(majorityWrites));
    measured.put("6 partition: cut-off member not ready after (s)", seconds(notReady));
    measured.put("6 partition: cut-off member downed to stopped (s)", downedToStopped == null ? "never" : seconds(downedToStopped));
    measured.put("6 partition healed: cut-off member ready again after (s)", seconds(rejoined));
    System.out.printf("partition: majority's writes back after %s s, cut-off member not ready after %s s, stopped %s s after downing itself, "
        + "ready %s s after the network healed; it acknowledged %d writes%n", seconds(majorityWrites), seconds(notReady),
        downedToStopped == null ? "never" : seconds(downedToStopped), seconds(rejoined), acknowledged.size());

    for (String name : acknowledged) {
      assertThat(read("/api/v1/namespaces/" + NAMESPACE + "/configmaps/" + name).path("metadata").path("name").asText())
          .as("a write the cut-off member acknowledged").isEqualTo(name);
    }
    assertThat(tainted).as("nodes tainted during the partition").isEmpty();
    assertThat(pods().stream().map(pod -> pod.path("metadata").path("uid").asText()).collect(Collectors.toSet()))
        .as("the same pods: none evicted on a stale view").isEqualTo(before);
    assertThat(downedToStopped).as("the cut-off member downed itself and stopped").isNotNull();
    assertThat(downedToStopped).as("a downed member stops within 5 s").isLessThanOrEqualTo(Duration.ofSeconds(5));
    assertThat(majorityWrites).as("the majority's writes back").isLessThanOrEqualTo(Duration.ofSeconds(15));
  }

  @Test
  @Tag(LONG)
  @Order(7)
  void aBusyHostEvictsNothing() throws Exception {
    Set<String> before = pods().stream().map(pod -> pod.path("metadata").path("uid").asText()).collect(Collectors.toSet());
    Set<String> notReady = java.util.concurrent.ConcurrentHashMap.newKeySet();
    Set<String> tainted = java.util.concurrent.ConcurrentHashMap.newKeySet();
    // Ten busy loops per core: a load average far past what the machine can serve.
    List<Process> hogs = new ArrayList<>();
    long start = System.nanoTime();
    try {
      for (int i = 0; i < 20; i++) {
        hogs.add(new ProcessBuilder("sh", "-c", "while :; do :; done").start());
      }
      while (System.nanoTime() - start < Duration.ofSeconds(45).toNanos()) {
        for (String node : List.of("w1", "w2")) {
          if (!ready(node)) {
            notReady.add(node);
          }
        }
        tainted.addAll(taintedNodes(2));
        sleep(1000);
      }
    } finally {
      hogs.forEach(Process::destroyForcibly);
    }
    Await.until("both workers Ready after the load", Duration.ofSeconds(60), () -> ready("w1") && ready("w2"));
    // Long enough for a pod-eviction-timeout after any taint the load could have caused.
    Thread.sleep(10_000);
    measured.put("7 busy host (20 busy loops, 45 s): nodes seen NotReady", notReady.toString());
    // A Lease renewed late under such a load may make a node NotReady and tainted for a moment, as
    // in Kubernetes; what must not follow is an eviction (its member is still Up: 300 s).
    measured.put("7 busy host (20 busy loops, 45 s): nodes seen tainted", tainted.toString());
    assertThat(pods().stream().map(pod -> pod.path("metadata").path("uid").asText()).collect(Collectors.toSet()))
        .as("the same pods: none evicted for the load's sake").isEqualTo(before);
    assertThat(workers).allSatisfy(worker -> assertThat(worker.alive()).isTrue());
  }

  @Test
  @Order(8)
  void kubectlThroughTheBalancerKeepsWorkingThroughAMembersKill() throws Exception {
    for (MemberProcess member : controlPlane) {
      assertThat(member.alive()).as(member.name() + " running before the balancer's scenario").isTrue();
    }
    Path lb = base.resolve("api-lb");
    Path script = BinDirigent.SCRIPT.resolveSibling("api-lb");
    String members = controlPlane.stream().map(member -> member.host() + ":6443").collect(Collectors.joining(","));
    Process start = new ProcessBuilder(script.toString(), "start", "--dir", lb.toString(), "--listen", "127.0.0.1:16443", "--servers", members)
        .redirectErrorStream(true).start();
    String started = new String(start.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(start.waitFor()).as(started).isZero();
    MemberProcess victim = null;
    try {
      Path kubeconfig = base.resolve("api-lb.kubeconfig");
      Files.writeString(kubeconfig, Files.readString(controlPlane.get(0).dataDir().resolve("kubeconfig"))
          .replaceAll("server: https://[0-9.]+:6443", "server: https://127.0.0.1:16443"));
      Kubectl kubectl = new Kubectl(Files.createDirectories(base.resolve("kubectl-home")), kubeconfig.toString());
      Await.until("kubectl answered through the balancer", Duration.ofSeconds(30), () -> {
        try {
          return kubectl.run("get", "pods", "-n", NAMESPACE).exit() == 0;
        } catch (java.io.IOException | InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });

      String holder = read("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager").path("spec").path("holderIdentity").asText();
      victim = controlPlane.stream().filter(member -> holder.startsWith(member.host() + ":")).findFirst().orElseThrow();
      long killed = System.nanoTime();
      victim.kill();
      // As a user at a terminal: each command once, and once more if it failed.
      List<String> retried = new ArrayList<>();
      List<String> failed = new ArrayList<>();
      int commands = 0;
      for (int i = 0; System.nanoTime() - killed < Duration.ofSeconds(25).toNanos(); i++) {
        for (List<String> command : List.of(
            List.of("get", "pods", "-n", NAMESPACE),
            List.of("create", "configmap", "lb-" + killed % 100_000 + "-" + i, "-n", NAMESPACE),
            List.of("get", "deployment", "web", "-n", NAMESPACE, "-o", "name"))) {
          commands++;
          String[] args = command.toArray(String[]::new);
          Kubectl.Run first = kubectl.run(args);
          if (first.exit() == 0) {
            continue;
          }
          String when = seconds(Duration.ofNanos(System.nanoTime() - killed));
          retried.add(when + " s: " + String.join(" ", command) + ": " + first.err().strip());
          Kubectl.Run again = kubectl.run(args);
          // A create whose first try was carried out but not answered finds its object on the retry.
          boolean done = again.exit() == 0 || (command.get(0).equals("create") && again.err().contains("AlreadyExists"));
          if (!done) {
            failed.add(when + " s: " + String.join(" ", command) + ": " + again.err().strip());
          }
        }
      }
      measured.put("8 kubectl through the balancer, kill -9 of a member: commands retried of run", retried.size() + " of " + commands);
      System.out.printf("kubectl through the balancer during a kill -9: %d of %d commands needed their retry: %s%n", retried.size(), commands, retried);
      assertThat(failed).as("kubectl commands that failed twice through the balancer").isEmpty();
    } finally {
      new ProcessBuilder(script.toString(), "stop", "--dir", lb.toString()).redirectErrorStream(true).start().waitFor();
      if (victim != null) {
        victim.start();
        victim.awaitReady(READY);
      }
    }
  }

  // ---- what the scenarios measure ----

  /** Nodes carrying the taint of an unreachable or not-ready node, as control-plane member {@code i} answers. */
  private static Set<String> taintedNodes(int i) {
    ApiCalls.Answer nodes = api(i).get("/api/v1/nodes");
    Set<String> tainted = new java.util.HashSet<>();
    if (nodes.ok()) {
      for (JsonNode node : nodes.json().path("items")) {
        for (JsonNode taint : node.path("spec").path("taints")) {
          if (Set.of("node.kubernetes.io/unreachable", "node.kubernetes.io/not-ready").contains(taint.path("key").asText())) {
            tainted.add(node.path("metadata").path("name").asText() + " " + taint.path("key").asText());
          }
        }
      }
    }
    return tainted;
  }

  /** The time between the first log line containing {@code from} and the first later one containing {@code to}; null if either is missing. */
  private static Duration between(List<String> log, String from, String to) {
    java.time.LocalTime start = null;
    for (String line : log) {
      if (start == null && line.contains(from)) {
        start = java.time.LocalTime.parse(line.substring(0, 12));
      } else if (start != null && line.contains(to)) {
        return Duration.between(start, java.time.LocalTime.parse(line.substring(0, 12)));
      }
    }
    return null;
  }

  /**
   * Until four creates at once (four objects, on their shards wherever they are) all succeed. As
   * clients keep sending while a member is gone: a new round every 500 ms, each waiting up to 10 s
   * for its answers, so that rounds stuck on the dead member do not hold back the later ones.
   */
  private static Duration untilWritesSucceed(int member, long since) {
    ApiCalls api = api(member, Duration.ofSeconds(10));
    return firstToSucceed(since, "writes", round -> IntStream.range(0, 4)
        .mapToObj(i -> CompletableFuture.supplyAsync(() -> api.send("POST", "/api/v1/namespaces/" + NAMESPACE + "/configmaps",
            "{\"metadata\":{\"name\":\"write-%d-%d-%d\"},\"data\":{\"k\":\"v\"}}".formatted(since % 100_000, round, i)).ok(), CALLS))
        .toList().stream().allMatch(CompletableFuture::join));
  }

  /** Until a bare pod created now is bound to a node (the scheduler works). */
  private static Duration untilAPodIsBound(int member, long since) {
    return untilACreatedObjectShows(member, since, "a pod bound", "/api/v1/namespaces/" + NAMESPACE + "/pods", "bound", name -> """
        {"metadata":{"name":"%s"},"spec":{"containers":[{"name":"app","image":"dirigent/busybox:1"}]}}""".formatted(name),
        name -> "/api/v1/namespaces/" + NAMESPACE + "/pods/" + name, pod -> !pod.path("spec").path("nodeName").asText("").isEmpty());
  }

  /** Until a ReplicaSet created now has its pod (the controller manager works). */
  private static Duration untilAReplicaSetCreatesAPod(int member, long since) {
    return untilACreatedObjectShows(member, since, "a ReplicaSet's pod", "/apis/apps/v1/namespaces/" + NAMESPACE + "/replicasets", "rs", name -> """
        {"metadata":{"name":"%s"},"spec":{"replicas":1,"selector":{"matchLabels":{"probe":"%s"}},
         "template":{"metadata":{"labels":{"probe":"%s"}},"spec":{"containers":[{"name":"app","image":"dirigent/busybox:1"}]}}}}
        """.formatted(name, name, name),
        name -> "/api/v1/namespaces/" + NAMESPACE + "/pods?labelSelector=probe%3D" + name, pods -> pods.path("items").size() > 0);
  }

  /**
   * Creates objects in {@code collection} from {@code body} (a new one every 500 ms, until a create
   * succeeds) and waits until what {@code probe} reads of one of them satisfies {@code shows};
   * deletes them all after.
   */
  private static Duration untilACreatedObjectShows(int member, long since, String what, String collection, String prefix,
      java.util.function.UnaryOperator<String> body, java.util.function.UnaryOperator<String> probe, java.util.function.Predicate<JsonNode> shows) {
    ApiCalls api = api(member, Duration.ofSeconds(10));
    List<String> created = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    try {
      return firstToSucceed(since, what, attempt -> {
        String name = "%s-%d-%d".formatted(prefix, since % 100_000, attempt);
        if (!api.send("POST", collection, body.apply(name)).ok()) {
          return false;
        }
        if (done.get()) {
          // Answered after another attempt succeeded: not wanted any more.
          api.send("DELETE", collection + "/" + name, null);
          return false;
        }
        created.add(name);
        return awaitWithin(since, () -> done.get() || shows.test(readOr(api, probe.apply(name))))
            && !done.getAndSet(true);
      });
    } finally {
      done.set(true);
      List.copyOf(created).forEach(name -> api.send("DELETE", collection + "/" + name, null));
    }
  }

  private static JsonNode readOr(ApiCalls api, String path) {
    ApiCalls.Answer answer = api.get(path);
    return answer.ok() ? answer.json() : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  /**
   * Starts {@code attempt} every 500 ms, each on its own thread, until one answers true; how long
   * after {@code since} that was.
   */
  private static Duration firstToSucceed(long since, String what, java.util.function.IntPredicate attempt) {
    CompletableFuture<Duration> back = new CompletableFuture<>();
    try {
      for (int i = 0; !back.isDone(); i++) {
        int n = i;
        CALLS.execute(() -> {
          if (attempt.test(n)) {
            back.complete(Duration.ofNanos(System.nanoTime() - since));
          }
        });
        failIfTooLong(since, what);
        sleep(500);
      }
      return back.join();
    } finally {
      back.complete(null);
    }
  }

  /** Polls {@code condition} every 200 ms until it holds (true) or the scenario has run too long (false). */
  private static boolean awaitWithin(long since, java.util.function.BooleanSupplier condition) {
    while (System.nanoTime() - since < Duration.ofSeconds(120).toNanos()) {
      if (condition.getAsBoolean()) {
        return true;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return false;
      }
    }
    return false;
  }

  private static void failIfTooLong(long since, String what) {
    if (System.nanoTime() - since > Duration.ofSeconds(120).toNanos()) {
      throw new AssertionError(what + " did not come back within 120 s");
    }
  }

  // ---- the cluster seen through its API ----

  /** The API of control-plane member {@code i} (1–3); any that answers is as good for reads. */
  private static ApiCalls api(int i) {
    return api(i, Duration.ofSeconds(3));
  }

  private static ApiCalls api(int i, Duration timeout) {
    return new ApiCalls(controlPlane.get(0).dataDir().resolve("kubeconfig"), "127.0.0." + (i + 1), 6443, timeout);
  }

  /** A GET from the first control-plane member that answers it. */
  private static JsonNode read(String path) {
    for (int i = 1; i <= 3; i++) {
      if (controlPlane.get(i - 1).alive()) {
        ApiCalls.Answer answer = api(i).get(path);
        if (answer.ok()) {
          return answer.json();
        }
      }
    }
    throw new IllegalStateException("no control-plane member answered GET " + path);
  }

  private static boolean ready(String node) {
    try {
      for (JsonNode condition : read("/api/v1/nodes/" + node).path("status").path("conditions")) {
        if (condition.path("type").asText().equals("Ready")) {
          return condition.path("status").asText().equals("True");
        }
      }
      return false;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  private static List<JsonNode> pods() {
    List<JsonNode> pods = new ArrayList<>();
    read("/api/v1/namespaces/" + NAMESPACE + "/pods?labelSelector=app%3Dweb").path("items").forEach(pods::add);
    return pods.stream().filter(pod -> pod.path("metadata").path("deletionTimestamp").isMissingNode()).toList();
  }

  private static List<JsonNode> running() {
    try {
      return pods().stream().filter(pod -> pod.path("status").path("phase").asText().equals("Running")).toList();
    } catch (IllegalStateException e) {
      return List.of();
    }
  }

  private static Set<String> nodesOf(List<JsonNode> pods) {
    return pods.stream().map(pod -> pod.path("spec").path("nodeName").asText()).collect(Collectors.toSet());
  }

  private static void scale(int replicas) {
    Await.until("the Deployment scaled to " + replicas, Duration.ofSeconds(30), () -> IntStream.rangeClosed(1, 3)
        .filter(i -> controlPlane.get(i - 1).alive())
        .anyMatch(i -> api(i).send("PATCH", "/apis/apps/v1/namespaces/" + NAMESPACE + "/deployments/web",
            "{\"spec\":{\"replicas\":" + replicas + "}}").ok()));
    if (replicas == 0) {
      Await.until("no pod left", Duration.ofSeconds(60), () -> pods().isEmpty());
    }
  }

  private static String seconds(Duration duration) {
    return String.format("%.1f", duration.toMillis() / 1000.0);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void copyTree(Path from, Path to) throws java.io.IOException {
    Files.createDirectories(to);
    try (var files = Files.list(from)) {
      for (Path file : files.toList()) {
        if (Files.isRegularFile(file)) {
          Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
