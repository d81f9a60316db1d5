package io.dirigent.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * How many calls at once the engine serves best on this machine — what {@code
 * dirigent.node.docker.threads} should be. For each number of calls at once, N pods' worth of work
 * is handed to that many threads, timed until all is done:
 *
 * <ul>
 *   <li>a pod from the pool: an app container created and started in a sandbox made beforehand;
 *   <li>a pod without: a sandbox created and started, then its app container.
 * </ul>
 *
 * <p>Usage: {@code EngineBenchmark [pods] [rounds]}. The containers are the benchmark's own
 * (named {@code dirigent-bench-engine-*}) and removed after each measurement.
 */
public final class EngineBenchmark {

  private static final String APP = "dirigent/httpenv:1";
  private static final String PAUSE = "dirigent/pause:1";
  private static final List<Integer> PARALLELISM = List.of(1, 2, 4, 8, 16, 32);

  private final DockerClient docker;

  private EngineBenchmark(DockerClient docker) {
    this.docker = docker;
  }

  public static void main(String[] args) throws Exception {
    int pods = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    var config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost("unix:///var/run/docker.sock").build();
    var http = new ApacheDockerHttpClient.Builder().dockerHost(config.getDockerHost()).maxConnections(64).connectionTimeout(Duration.ofSeconds(5)).build();
    EngineBenchmark bench = new EngineBenchmark(DockerClientImpl.getInstance(config, http));
    bench.clean();
    System.out.println("| " + pods + " pods, engine calls at once | from the pool: app containers in ready sandboxes (s, each round) | median | "
        + "without: a sandbox, then its app container (s, each round) | median |");
    System.out.println("|---|---|---|---|---|");
    List<double[]> medians = new ArrayList<>();
    for (int parallelism : PARALLELISM) {
      List<Double> pooled = new ArrayList<>();
      List<Double> fresh = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        pooled.add(bench.pooled(pods, parallelism));
        fresh.add(bench.fresh(pods, parallelism));
      }
      medians.add(new double[] {median(pooled), median(fresh)});
      System.out.printf("| %d | %s | %.2f | %s | %.2f |%n", parallelism, list(pooled), median(pooled), list(fresh), median(fresh));
    }
  }

  /** Seconds to create and start {@code pods} app containers in sandboxes started beforehand, {@code parallelism} at a time. */
  private double pooled(int pods, int parallelism) throws Exception {
    List<String> sandboxes = new ArrayList<>();
    for (int i = 0; i < pods; i++) {
      sandboxes.add(sandbox("dirigent-bench-engine-sb-" + i));
    }
    long start = System.nanoTime();
    run(pods, parallelism, i -> app("dirigent-bench-engine-app-" + i, sandboxes.get(i)));
    double seconds = (System.nanoTime() - start) / 1e9;
    clean();
    return seconds;
  }

  /** Seconds for {@code pods} sandboxes and their app containers, {@code parallelism} pods at a time. */
  private double fresh(int pods, int parallelism) throws Exception {
    long start = System.nanoTime();
    run(pods, parallelism, i -> app("dirigent-bench-engine-app-" + i, sandbox("dirigent-bench-engine-sb-" + i)));
    double seconds = (System.nanoTime() - start) / 1e9;
    clean();
    return seconds;
  }

  private void run(int pods, int parallelism, java.util.function.IntConsumer pod) {
    ExecutorService threads = Executors.newFixedThreadPool(parallelism);
    try {
      List<CompletableFuture<Void>> all = new ArrayList<>();
      for (int i = 0; i < pods; i++) {
        int index = i;
        all.add(CompletableFuture.runAsync(() -> pod.accept(index), threads));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    } finally {
      threads.shutdownNow();
    }
  }

  private String sandbox(String name) {
    String id = docker.createContainerCmd(PAUSE).withName(name).withHostName(name)
        .withHostConfig(HostConfig.newHostConfig().withInit(true).withIpcMode("shareable")).exec().getId();
    docker.startContainerCmd(id).exec();
    return id;
  }

  private void app(String name, String sandbox) {
    String id = docker.createContainerCmd(APP).withName(name)
        .withHostConfig(HostConfig.newHostConfig().withInit(true).withNetworkMode("container:" + sandbox).withIpcMode("container:" + sandbox))
        .exec().getId();
    docker.startContainerCmd(id).exec();
  }

  private void clean() {
    for (var container : docker.listContainersCmd().withShowAll(true).withNameFilter(List.of("dirigent-bench-engine-")).exec()) {
      docker.removeContainerCmd(container.getId()).withForce(true).exec();
    }
  }

  private static double median(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).sorted().toArray()[values.size() / 2];
  }

  private static String list(List<Double> values) {
    return String.join(", ", values.stream().map(value -> "%.2f".formatted(value)).toList());
  }
}
