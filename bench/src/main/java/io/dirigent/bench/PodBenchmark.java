package io.dirigent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.cluster.JvmDefaults;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.WatchEvent;
import io.dirigent.core.store.WatchOptions;
import io.dirigent.node.NodeAgents;
import io.dirigent.node.NodeSettings;
import io.dirigent.node.runtime.DockerRuntime;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Pods on the real Docker engine: how long a bound pod takes to be Running and Ready, and how
 * long N pods take to all run on one node — against the bare engine ({@code docker run}, 8 at a
 * time) and Docker Swarm ({@code docker service create --replicas N}), measured in the same run,
 * interleaved, so the ratios hold on a noisy machine.
 *
 * <p>Then the user's whole path: a Deployment of N replicas created through the HTTP API until
 * every pod is Running, against Swarm's service of N replicas, alternating, with the moment the
 * last pod reached each phase (seen, bound, container started, Running) from the benchmark's watch.
 *
 * <p>Usage: {@code PodBenchmark [latencyPods] [batch] [rounds] [deployment sizes...]} (sizes 20
 * and 60 by default). One member on the H2 store runs the API server, the scheduler, the
 * controller manager and
 * the node agent in this process. Swarm is given the image under a loopback registry name, so
 * its attempt to pull goes to 127.0.0.1 and fails at once, and it uses the local image.
 */
public final class PodBenchmark {

  private static final String IMAGE = "dirigent/httpenv:1";
  private static final String SWARM_IMAGE = "127.0.0.1:5999/dirigent/httpenv:1";

  private final ClusterNode node;
  private final String nodeName;
  private final String namespace;
  private final Map<String, Long> readyAt = new ConcurrentHashMap<>();
  private final Map<String, Long> runningAt = new ConcurrentHashMap<>();
  /** When the benchmark's watch first saw each pod, saw it bound, saw its container started. */
  private final Map<String, Long> seenAt = new ConcurrentHashMap<>();
  private final Map<String, Long> boundAt = new ConcurrentHashMap<>();
  private final Map<String, Long> startedAt = new ConcurrentHashMap<>();
  private java.net.http.HttpClient http;
  private String api;
  private DockerRuntime runtime;
  private int pool;
  /** When the watch saw each pod's sandbox ready (its PodReadyToStartContainers condition). */
  private final Map<String, Long> sandboxAt = new ConcurrentHashMap<>();

  private PodBenchmark(ClusterNode node, String nodeName, String namespace) {
    this.node = node;
    this.nodeName = nodeName;
    this.namespace = namespace;
  }

  public static void main(String[] args) throws Exception {
    JvmDefaults.apply();
    int latencyPods = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    List<Integer> deploymentSizes = new ArrayList<>();
    for (int i = 3; i < args.length; i++) {
      deploymentSizes.add(Integer.parseInt(args[i]));
    }
    if (deploymentSizes.isEmpty()) {
      deploymentSizes.addAll(List.of(20, 60));
    }
    ClusterNode node = BenchMember.start("pod-bench", "h2", Map.of("dirigent.node.events", "off"));
    node.ready().toCompletableFuture().get(120, TimeUnit.SECONDS);
    var config = node.system().settings().config();
    DockerRuntime runtime = new DockerRuntime("unix:///var/run/docker.sock", "dirigent/pause:1", config.getInt("dirigent.node.docker.threads"));
    NodeAgents agents = NodeAgents.create(node.system(), node.store(), Clock.systemUTC());
    String nodeName = "bench-node";
    int pool = config.getInt("dirigent.node.sandbox-pool");
    runtime.poolSandboxes(nodeName, pool, config.getString("dirigent.node.docker.busybox"));
    System.err.println("sandbox pool: " + pool + ", engine calls at once: " + config.getInt("dirigent.node.docker.threads"));
    NodeSettings settings = NodeSettings.from(node.system().settings().config()).withName(nodeName);
    // The node's range of the pod network, as the controller manager gives it, and its pods on a bridge of it.
    agents.startPodNetwork(settings, io.dirigent.node.network.NetworkSettings.from(node.system().settings().config()), runtime);
    agents.startAgent(settings, runtime);
    // The whole control plane in this process: the API server (plain HTTP on loopback), the
    // scheduler, the controller manager (which gives the node its range).
    io.dirigent.scheduler.Scheduler.init(node.system(), node.store());
    io.dirigent.controllers.ControllerManager.init(node.system(), node.store());
    io.dirigent.api.ApiServer server = io.dirigent.api.ApiServer.start(node).toCompletableFuture().get(30, TimeUnit.SECONDS);
    try {
      node.store().create(new NamespaceBuilder().withNewMetadata().withName("bench").endMetadata().build()).toCompletableFuture().get();
      PodBenchmark bench = new PodBenchmark(node, nodeName, "bench");
      bench.runtime = runtime;
      bench.pool = pool;
      bench.http = java.net.http.HttpClient.newHttpClient();
      bench.api = server.url();
      bench.watch();
      shell("docker tag " + IMAGE + " " + SWARM_IMAGE);
      System.err.println("warming up");
      bench.dirigent("warm", 10);
      // The Deployment path warmed too (controllers, the API's handlers), as on a server that has served a while.
      bench.awaitPool();
      bench.deployment("warm-deployment", 10);
      bench.bare(4);

      Latencies startup = bench.startupLatency(latencyPods);
      System.out.println("| measurement | pods | p50 (s) | p99 (s) | max (s) |");
      System.out.println("|---|---|---|---|---|");
      System.out.printf("| pod startup: bound → Running and Ready, one every 300 ms | %d | %.2f | %.2f | %.2f |%n",
          startup.count(), startup.percentileMillis(50) / 1000, startup.percentileMillis(99) / 1000, startup.percentileMillis(100) / 1000);
      Latencies scaleUps = bench.scaleUpLatency(latencyPods);
      System.out.printf("| pod startup, the whole path: a Deployment scaled up by one through the API → the new pod Ready, one at a time | %d | %.2f | %.2f | %.2f |%n",
          scaleUps.count(), scaleUps.percentileMillis(50) / 1000, scaleUps.percentileMillis(99) / 1000, scaleUps.percentileMillis(100) / 1000);
      System.out.println();

      List<Double> bare = new ArrayList<>();
      List<Double> swarm = new ArrayList<>();
      List<Double> dirigent = new ArrayList<>();
      List<Double> floor = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        floor.add(sandboxAndApp(batch));
        bare.add(bench.bare(batch));
        swarm.add(bench.swarm(batch));
        dirigent.add(bench.dirigent("round" + round, batch));
        System.err.printf("round %d: bare %.2f s, swarm %.2f s, dirigent %.2f s%n", round, bare.get(round - 1), swarm.get(round - 1), dirigent.get(round - 1));
      }
      System.out.println("| " + batch + " pods on one node, until all run | rounds | median (s) | each round (s) | vs Swarm |");
      System.out.println("|---|---|---|---|---|");
      row("bare engine: docker run, 8 at a time", bare, median(swarm));
      row("bare engine, pod-shaped: a sandbox and an app container joining it per pod, 16 pods at a time", floor, median(swarm));
      row("Docker Swarm: service create --replicas " + batch, swarm, median(swarm));
      row("Dirigent: " + batch + " bound pods created at once", dirigent, median(swarm));
      System.out.println();

      // The user's whole path: a Deployment through the API, against Swarm, alternating.
      System.out.println("| Deployment through the API until all pods Running | rounds | median (s) | each round (s) | vs Swarm "
          + "| last pod created / scheduled / sandbox ready / container started / Running (s, median round) |");
      System.out.println("|---|---|---|---|---|---|");
      for (int replicas : deploymentSizes) {
        List<Double> swarmRounds = new ArrayList<>();
        List<Double> dirigentRounds = new ArrayList<>();
        List<double[]> phases = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
          // Each round on a quiet engine: the node's pool refilled (as on a warm server), nothing else running.
          bench.awaitPool();
          swarmRounds.add(swarm(replicas));
          bench.awaitPool();
          double[] phase = bench.deployment("web" + replicas + "r" + round, replicas);
          phases.add(phase);
          dirigentRounds.add(phase[4]);
          System.err.printf("deployment of %d, round %d: swarm %.2f s, dirigent %.2f s (seen %.2f, bound %.2f, sandbox %.2f, started %.2f)%n",
              replicas, round, swarmRounds.get(round - 1), phase[4], phase[0], phase[1], phase[2], phase[3]);
        }
        double[] middle = phases.stream().sorted(java.util.Comparator.comparingDouble(phase -> phase[4])).toList().get(phases.size() / 2);
        deploymentRow("Docker Swarm: service create --replicas " + replicas, swarmRounds, median(swarmRounds), "");
        deploymentRow("Dirigent: Deployment of " + replicas + " replicas (sandbox pool " + bench.pool + ")", dirigentRounds, median(swarmRounds),
            "%.2f / %.2f / %.2f / %.2f / %.2f".formatted(middle[0], middle[1], middle[2], middle[3], middle[4]));
      }
    } finally {
      server.close();
      shell("docker swarm leave --force >/dev/null 2>&1 || true");
      agents.close();
      runtime.close();
      node.close();
    }
  }

  private static void deploymentRow(String what, List<Double> seconds, double swarm, String phases) {
    double median = median(seconds);
    System.out.printf("| %s | %d | %.2f | %s | %.2f× | %s |%n", what, seconds.size(), median,
        String.join(", ", seconds.stream().map(value -> "%.2f".formatted(value)).toList()), median / swarm, phases);
  }

  private static void row(String what, List<Double> seconds, double swarm) {
    double median = median(seconds);
    System.out.printf("| %s | %d | %.2f | %s | %.2f× |%n", what, seconds.size(), median,
        String.join(", ", seconds.stream().map(s -> String.format("%.2f", s)).toList()), median / swarm);
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
  }

  /** Follows the bench namespace's pods, noting when each was first seen Running and Ready. */
  /** Follows the namespace's pods for as long as the benchmark runs (again from a list, if the watch ends). */
  private void watch() {
    try {
      var listed = node.store().list(Pod.class, ListOptions.of(ObjectFilter.inNamespace(namespace))).toCompletableFuture().get(30, TimeUnit.SECONDS);
      listed.items().forEach(this::observe);
      node.store().watch(Pod.class, new WatchOptions(ObjectFilter.inNamespace(namespace), listed.resourceVersion(), false))
          .runForeach(event -> {
            if (event.type() == WatchEvent.Type.ERROR) {
              System.err.println("the benchmark's watch ended (" + event.object().path("message").asText() + "); watching again");
              CompletableFuture.runAsync(this::watch);
              return;
            }
            observe(event.object());
          }, node.system());
    } catch (Exception e) {
      throw new IllegalStateException("the benchmark cannot watch its pods", e);
    }
  }

  private void observe(JsonNode pod) {
    JsonNode status = pod.path("status");
    String name = KubeJson.name(pod);
    long now = System.nanoTime();
    seenAt.putIfAbsent(name, now);
    if (!pod.path("spec").path("nodeName").asText().isEmpty()) {
      boundAt.putIfAbsent(name, now);
    }
    for (JsonNode container : status.path("containerStatuses")) {
      if (container.path("state").has("running")) {
        startedAt.putIfAbsent(name, now);
      }
    }
    for (JsonNode condition : status.path("conditions")) {
      if (condition.path("type").asText().equals("PodReadyToStartContainers") && condition.path("status").asText().equals("True")) {
        sandboxAt.putIfAbsent(name, now);
      }
    }
    if (status.path("phase").asText().equals("Running")) {
      runningAt.putIfAbsent(name, now);
    }
    for (JsonNode condition : status.path("conditions")) {
      if (condition.path("type").asText().equals("Ready") && condition.path("status").asText().equals("True")) {
        readyAt.putIfAbsent(name, now);
      }
    }
  }

  private Pod pod(String name) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withNewSpec().withNodeName(nodeName).withTerminationGracePeriodSeconds(1L)
        .addNewContainer().withName("web").withImage(IMAGE).endContainer().endSpec().build();
  }

  /** From the create's acknowledgement to the pod's first Ready, for pods created one every 300 ms. */
  private Latencies startupLatency(int count) throws Exception {
    Latencies latencies = new Latencies();
    Map<String, Long> created = new HashMap<>();
    for (int i = 0; i < count; i++) {
      String name = "startup-" + i;
      node.store().create(pod(name)).toCompletableFuture().get(30, TimeUnit.SECONDS);
      created.put(name, System.nanoTime());
      Thread.sleep(300);
    }
    await(() -> created.keySet().stream().allMatch(readyAt::containsKey), 300);
    created.forEach((name, at) -> latencies.record(readyAt.get(name) - at));
    deleteAll();
    return latencies;
  }

  /**
   * From the scale request's answer to the new pod's first Ready, for a Deployment scaled up by
   * one replica at a time through the API (the scale subresource, as {@code kubectl scale}), each
   * a second after the previous pod was Ready: the controllers, the scheduler and the agent all
   * on the path.
   */
  private Latencies scaleUpLatency(int count) throws Exception {
    String name = "scale";
    String body = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%1$s"},
         "spec":{"replicas":0,"selector":{"matchLabels":{"app":"%1$s"}},
          "template":{"metadata":{"labels":{"app":"%1$s"}},
           "spec":{"terminationGracePeriodSeconds":1,"containers":[{"name":"web","image":"%2$s"}]}}}}
        """.formatted(name, IMAGE);
    String deployments = api + "/apis/apps/v1/namespaces/" + namespace + "/deployments";
    send("POST", deployments, "application/json", body, 201);
    Latencies latencies = new Latencies();
    java.util.Set<String> known = new java.util.HashSet<>();
    for (int replicas = 1; replicas <= count; replicas++) {
      long start = System.nanoTime();
      send("PATCH", deployments + "/" + name + "/scale", "application/merge-patch+json", "{\"spec\":{\"replicas\":" + replicas + "}}", 200);
      int expected = replicas;
      await(() -> readyAt.keySet().stream().filter(pod -> pod.startsWith(name + "-")).count() >= expected, 60);
      String added = readyAt.keySet().stream().filter(pod -> pod.startsWith(name + "-") && !known.contains(pod)).findFirst().orElseThrow();
      known.add(added);
      latencies.record(readyAt.get(added) - start);
      Thread.sleep(1000);
    }
    send("DELETE", deployments + "/" + name, null, null, 200, 202);
    awaitNoPods();
    shell("while docker ps -a --format '{{.Names}}' | grep '^dirigent_' | grep -qv '^dirigent_pool_'; do sleep 0.2; done");
    return latencies;
  }

  /** One API request, which must answer one of {@code statuses}. */
  private void send(String method, String url, String contentType, String body, int... statuses) throws Exception {
    var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
        .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody() : java.net.http.HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    var response = http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    if (java.util.Arrays.stream(statuses).noneMatch(status -> status == response.statusCode())) {
      throw new IllegalStateException(method + " " + url + " answered " + response.statusCode() + ": " + response.body());
    }
  }

  /** Seconds from the first create to every pod Running. */
  private double dirigent(String prefix, int count) throws Exception {
    long start = System.nanoTime();
    List<CompletableFuture<Pod>> creates = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      names.add(prefix + "-" + i);
      creates.add(node.store().create(pod(prefix + "-" + i)).toCompletableFuture());
    }
    CompletableFuture.allOf(creates.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    await(() -> names.stream().allMatch(runningAt::containsKey), 300);
    long last = names.stream().mapToLong(runningAt::get).max().orElseThrow();
    deleteAll();
    return (last - start) / 1e9;
  }

  /**
   * A Deployment of {@code replicas} created through the HTTP API, as a user's kubectl would, until
   * the watch has seen every one of its pods Running — the whole path: API, store, controllers,
   * scheduler, agent, engine. Answers the seconds from the request until the last pod reached each
   * phase: created (its ReplicaSet made it), bound, sandbox ready, container started, Running.
   */
  private double[] deployment(String name, int replicas) throws Exception {
    String body = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%1$s"},
         "spec":{"replicas":%2$d,"selector":{"matchLabels":{"app":"%1$s"}},
          "template":{"metadata":{"labels":{"app":"%1$s"}},
           "spec":{"terminationGracePeriodSeconds":1,"containers":[{"name":"web","image":"%3$s"}]}}}}
        """.formatted(name, replicas, IMAGE);
    long start = System.nanoTime();
    var created = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(api + "/apis/apps/v1/namespaces/" + namespace + "/deployments"))
        .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    if (created.statusCode() != 201) {
      throw new IllegalStateException("the Deployment was not created: " + created.statusCode() + " " + created.body());
    }
    java.util.function.Supplier<List<String>> pods = () -> seenAt.keySet().stream().filter(pod -> pod.startsWith(name + "-")).toList();
    await(() -> pods.get().stream().filter(runningAt::containsKey).count() >= replicas, 300);
    List<String> names = pods.get().stream().filter(runningAt::containsKey).toList();
    double[] phases = new double[5];
    int i = 0;
    for (Map<String, Long> phase : List.of(seenAt, boundAt, sandboxAt, startedAt, runningAt)) {
      phases[i++] = (names.stream().mapToLong(pod -> phase.getOrDefault(pod, runningAt.get(pod))).max().orElseThrow() - start) / 1e9;
    }
    var deleted = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(api + "/apis/apps/v1/namespaces/" + namespace + "/deployments/" + name))
        .DELETE().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    if (deleted.statusCode() != 200 && deleted.statusCode() != 202) {
      throw new IllegalStateException("the Deployment was not deleted: " + deleted.statusCode() + " " + deleted.body());
    }
    awaitNoPods();
    // The next round starts on an engine without this one's containers, as Swarm's rounds do.
    shell("while docker ps -a --format '{{.Names}}' | grep '^dirigent_' | grep -qv '^dirigent_pool_'; do sleep 0.2; done");
    return phases;
  }

  /** Waits until the node's sandbox pool is full again, and the engine quiet for a moment after. */
  private void awaitPool() throws InterruptedException {
    await(() -> runtime.pooledSandboxes() >= pool, 300);
    Thread.sleep(500);
  }

  /** Seconds for {@code docker run -d} of {@code count} containers, 8 at a time. */
  private static double bare(int count) throws Exception {
    long start = System.nanoTime();
    shell("seq %d | xargs -P 8 -I{} docker run -d --init --name dirigent-bench-bare-{} %s >/dev/null".formatted(count, IMAGE));
    double seconds = (System.nanoTime() - start) / 1e9;
    shell("docker rm -f $(docker ps -aq --filter name=dirigent-bench-bare-) >/dev/null");
    return seconds;
  }

  /**
   * Seconds for what a pod costs the engine at the least, with the docker CLI: a sandbox
   * container, then an app container in its network namespace, for {@code count} pods, 16 at a time.
   */
  private static double sandboxAndApp(int count) throws Exception {
    long start = System.nanoTime();
    shell(("seq %d | xargs -P 16 -I{} sh -c 'id=$(docker run -d --init --ipc shareable --name dirigent-bench-sb-{} dirigent/pause:1) && "
        + "docker run -d --init --network container:$id --ipc container:$id --name dirigent-bench-app-{} %s >/dev/null'").formatted(count, IMAGE));
    double seconds = (System.nanoTime() - start) / 1e9;
    shell("docker rm -f $(docker ps -aq --filter name=dirigent-bench-app- --filter name=dirigent-bench-sb-) >/dev/null");
    return seconds;
  }

  /** Seconds from {@code docker service create --replicas count} until all replicas run. */
  private static double swarm(int count) throws Exception {
    shell("docker swarm init --advertise-addr 127.0.0.1 --listen-addr 127.0.0.1:2377 >/dev/null 2>&1 || true");
    long start = System.nanoTime();
    shell(("docker service create -d --no-resolve-image --replicas %d --name dirigent-bench %s >/dev/null && "
        + "until [ \"$(docker service ls --filter name=dirigent-bench --format '{{.Replicas}}')\" = \"%d/%d\" ]; do sleep 0.05; done")
        .formatted(count, SWARM_IMAGE, count, count));
    double seconds = (System.nanoTime() - start) / 1e9;
    shell("docker service rm dirigent-bench >/dev/null; while [ -n \"$(docker ps -aq --filter label=com.docker.swarm.service.name=dirigent-bench)\" ]; do sleep 0.2; done");
    shell("docker swarm leave --force >/dev/null 2>&1 || true");
    return seconds;
  }

  private void deleteAll() throws Exception {
    var pods = node.store().list(Pod.class, ListOptions.of(ObjectFilter.inNamespace(namespace))).toCompletableFuture().get();
    for (Pod pod : pods.items(Pod.class)) {
      node.store().delete(Pod.class, namespace, pod.getMetadata().getName(), DeleteOptions.defaults()).toCompletableFuture().get();
    }
    awaitNoPods();
  }

  private void awaitNoPods() throws InterruptedException {
    await(() -> {
      try {
        return node.store().list(Pod.class, ListOptions.of(ObjectFilter.inNamespace(namespace))).toCompletableFuture().get().items().isEmpty();
      } catch (Exception e) {
        return false;
      }
    }, 120);
  }

  private static void await(java.util.function.BooleanSupplier condition, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + seconds + " s");
      }
      Thread.sleep(10);
    }
  }

  private static void shell(String command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder("bash", "-c", command).inheritIO().start();
    if (process.waitFor() != 0) {
      throw new IOException("failed: " + command);
    }
  }
}
