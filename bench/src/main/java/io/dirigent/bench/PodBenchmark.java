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
 * <p>Usage: {@code PodBenchmark [latencyPods] [batch] [rounds]}. One member on the H2 store runs
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

  private PodBenchmark(ClusterNode node, String nodeName, String namespace) {
    this.node = node;
    this.nodeName = nodeName;
    this.namespace = namespace;
  }

  /** Sets the node's range once its agent registered it. */
  private static void giveRange(ClusterNode node, String nodeName, String range) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        io.fabric8.kubernetes.api.model.Node registered = node.store().get(io.fabric8.kubernetes.api.model.Node.class, null, nodeName)
            .toCompletableFuture().get();
        if (registered.getSpec() == null) {
          registered.setSpec(new io.fabric8.kubernetes.api.model.NodeSpec());
        }
        registered.getSpec().setPodCIDR(range);
        registered.getSpec().setPodCIDRs(List.of(range));
        node.store().update(registered).toCompletableFuture().get();
        return;
      } catch (java.util.concurrent.ExecutionException notYet) {
        if (System.nanoTime() > deadline) {
          throw notYet;
        }
        Thread.sleep(200);
      }
    }
  }

  public static void main(String[] args) throws Exception {
    JvmDefaults.apply();
    int latencyPods = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    ClusterNode node = BenchMember.start("pod-bench", "h2", Map.of("dirigent.node.events", "off"));
    node.ready().toCompletableFuture().get(120, TimeUnit.SECONDS);
    DockerRuntime runtime = new DockerRuntime("unix:///var/run/docker.sock", "dirigent/pause:1", 16);
    NodeAgents agents = NodeAgents.create(node.system(), node.store(), Clock.systemUTC());
    String nodeName = "bench-node";
    NodeSettings settings = NodeSettings.from(node.system().settings().config()).withName(nodeName);
    // The node's range of the pod network, as the controller manager gives it, and its pods on a bridge of it.
    agents.startPodNetwork(settings, io.dirigent.node.network.NetworkSettings.from(node.system().settings().config()), runtime);
    agents.startAgent(settings, runtime);
    giveRange(node, nodeName, "10.244.0.0/24");
    try {
      node.store().create(new NamespaceBuilder().withNewMetadata().withName("bench").endMetadata().build()).toCompletableFuture().get();
      PodBenchmark bench = new PodBenchmark(node, nodeName, "bench");
      bench.watch();
      shell("docker tag " + IMAGE + " " + SWARM_IMAGE);
      System.err.println("warming up");
      bench.dirigent("warm", 10);
      bench.bare(4);

      Latencies startup = bench.startupLatency(latencyPods);
      System.out.println("| measurement | pods | p50 (s) | p99 (s) | max (s) |");
      System.out.println("|---|---|---|---|---|");
      System.out.printf("| pod startup: bound → Running and Ready, one every 300 ms | %d | %.2f | %.2f | %.2f |%n",
          startup.count(), startup.percentileMillis(50) / 1000, startup.percentileMillis(99) / 1000, startup.percentileMillis(100) / 1000);
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
    } finally {
      shell("docker swarm leave --force >/dev/null 2>&1 || true");
      agents.close();
      runtime.close();
      node.close();
    }
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
  private void watch() {
    node.store().watch(Pod.class, new WatchOptions(ObjectFilter.inNamespace(namespace), null, false))
        .runForeach(event -> {
          if (event.type() == WatchEvent.Type.ERROR) {
            System.err.println("the benchmark's watch ended: " + event.object());
            return;
          }
          JsonNode status = event.object().path("status");
          String name = KubeJson.name(event.object());
          long now = System.nanoTime();
          if (status.path("phase").asText().equals("Running")) {
            runningAt.putIfAbsent(name, now);
          }
          for (JsonNode condition : status.path("conditions")) {
            if (condition.path("type").asText().equals("Ready") && condition.path("status").asText().equals("True")) {
              readyAt.putIfAbsent(name, now);
            }
          }
        }, node.system());
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
