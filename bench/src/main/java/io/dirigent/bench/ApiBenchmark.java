package io.dirigent.bench;

import com.typesafe.config.ConfigFactory;
import io.dirigent.api.ApiServer;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.cluster.JvmDefaults;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * The API server under load from HTTP clients on loopback: create, get, list and update
 * throughput and latency with 50 concurrent clients; mutating latency at a fixed rate; and how
 * many open watches one member holds while delivering an event to all of them.
 *
 * <p>Usage: {@code ApiBenchmark [clients] [operations] [mutatingRate] [watches...]}. The server
 * runs in this process on the embedded H2 store; the clients share the same two cores, so the
 * figures are for the whole loop.
 */
public final class ApiBenchmark {

  private final HttpClient http;
  private final String url;
  private final String namespace = "bench";

  private ApiBenchmark(HttpClient http, String url) {
    this.http = http;
    this.url = url;
  }

  public static void main(String[] args) throws Exception {
    JvmDefaults.apply();
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int operations = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int rate = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
    List<Integer> watchCounts = new ArrayList<>();
    for (int i = 3; i < args.length; i++) {
      watchCounts.add(Integer.parseInt(args[i]));
    }
    if (watchCounts.isEmpty()) {
      watchCounts.addAll(List.of(1_000, 2_500, 5_000));
    }
    Path dataDir = Files.createTempDirectory("dirigent-api-bench-");
    Map<String, Object> config = new HashMap<>();
    config.put("dirigent.store.plugin", "h2");
    config.put("dirigent.data-dir", dataDir.toString());
    config.put("dirigent.cluster.port", 0);
    config.put("dirigent.api.port", 0);
    ClusterNode node = ClusterNode.start("dirigent-api-bench", ConfigFactory.parseMap(config));
    try {
      node.ready().toCompletableFuture().get(120, TimeUnit.SECONDS);
      ApiServer server = ApiServer.start(node).toCompletableFuture().get(30, TimeUnit.SECONDS);
      HttpClient http = HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .executor(Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "bench-client");
            thread.setDaemon(true);
            return thread;
          }))
          .connectTimeout(Duration.ofSeconds(10))
          .build();
      ApiBenchmark bench = new ApiBenchmark(http, server.url());
      bench.send("POST", "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"bench\"}}").get();
      System.out.println("| measurement | clients | operations | throughput (req/s) | p50 (ms) | p99 (ms) | CPU per request (µs) |");
      System.out.println("|---|---|---|---|---|---|---|");
      // Warm up: the JIT needs a minute on two cores.
      long warmupEnd = System.nanoTime() + Duration.ofSeconds(45).toNanos();
      for (int round = 0; System.nanoTime() < warmupEnd; round++) {
        String prefix = "warm-" + round + "-";
        bench.closedLoop(null, clients, 2_000, i -> bench.send("POST", bench.collection(), bench.configMap(prefix + i, "0")));
      }
      bench.closedLoop("create", clients, operations, i -> bench.send("POST", bench.collection(), bench.configMap("cm-" + i, "0")));
      bench.closedLoop("get", clients, operations, i -> bench.send("GET", bench.collection() + "/cm-" + (i % operations), null));
      bench.closedLoop("list (limit 50)", clients, operations / 10, i -> bench.send("GET", bench.collection() + "?limit=50", null));
      bench.closedLoop("update (merge patch)", clients, operations, i -> bench.send("PATCH", bench.collection() + "/cm-" + (i % operations),
          "{\"data\":{\"value\":\"" + i + "\"}}", "application/merge-patch+json"));
      // The target rate, and a third of it for what the server sustains comfortably.
      for (int perSecond : List.of(Math.max(rate / 3, 1), rate)) {
        bench.openLoop("mutating at " + perSecond + "/s (patch)", perSecond, perSecond * 10, i -> bench.send("PATCH",
            bench.collection() + "/cm-" + (i % operations), "{\"data\":{\"value\":\"r" + i + "\"}}", "application/merge-patch+json"));
      }
      for (int count : watchCounts) {
        bench.watchFanOut(count);
      }
      server.close();
    } finally {
      node.close();
    }
    System.exit(0);
  }

  /** {@code clients} loops sending requests one after another until {@code total} are done. */
  private void closedLoop(String label, int clients, int total, IntFunction<CompletableFuture<HttpResponse<String>>> request) throws Exception {
    Latencies latencies = new Latencies();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    long cpu = Measure.processCpuNanos();
    long start = System.nanoTime();
    List<CompletableFuture<Void>> loops = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      loops.add(Measure.loop(() -> {
        int i = next.getAndIncrement();
        if (i >= total) {
          return null;
        }
        long t0 = System.nanoTime();
        return request.apply(i).handle((response, failure) -> {
          latencies.record(System.nanoTime() - t0);
          if (failure != null || response.statusCode() >= 300) {
            failures.incrementAndGet();
          }
          return null;
        });
      }).toCompletableFuture());
    }
    CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
    if (label != null) {
      report(label, clients, total, System.nanoTime() - start, Measure.processCpuNanos() - cpu, latencies, failures.get());
    }
  }

  /** Sends {@code total} requests at {@code rate} per second whatever the answers take. */
  private void openLoop(String label, int rate, int total, IntFunction<CompletableFuture<HttpResponse<String>>> request) throws Exception {
    Latencies latencies = new Latencies();
    AtomicInteger failures = new AtomicInteger();
    long interval = Duration.ofSeconds(1).toNanos() / rate;
    long cpu = Measure.processCpuNanos();
    long start = System.nanoTime();
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      long wait = start + i * interval - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      long t0 = System.nanoTime();
      sent.add(request.apply(i).handle((response, failure) -> {
        latencies.record(System.nanoTime() - t0);
        if (failure != null || response.statusCode() >= 300) {
          failures.incrementAndGet();
        }
        return null;
      }));
    }
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
    report(label, 0, total, System.nanoTime() - start, Measure.processCpuNanos() - cpu, latencies, failures.get());
  }

  /**
   * Opens {@code count} watches on one object, then changes it ten times, a second apart; the
   * latency of a delivery is from the write's acknowledgement to the watcher reading its line (0
   * when a watcher read it first).
   */
  private void watchFanOut(int count) throws Exception {
    String name = "watched-" + count;
    send("POST", collection(), configMap(name, "0")).get();
    String version = versionOf(send("GET", collection() + "?fieldSelector=metadata.name%3D" + name, null).get().body());
    Map<String, java.util.Queue<Long>> arrivals = new ConcurrentHashMap<>();
    AtomicInteger open = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    List<java.util.concurrent.Flow.Subscription> subscriptions = java.util.Collections.synchronizedList(new ArrayList<>());
    String path = collection() + "?watch=true&timeoutSeconds=600&fieldSelector=metadata.name%3D" + name + "&resourceVersion=" + version;
    for (int i = 0; i < count; i++) {
      var lines = new java.util.concurrent.Flow.Subscriber<String>() {
        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
          subscriptions.add(subscription);
          open.incrementAndGet();
          subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
          long now = System.nanoTime();
          arrivals.computeIfAbsent(versionOf(line), v -> new java.util.concurrent.ConcurrentLinkedQueue<>()).add(now);
        }

        @Override
        public void onError(Throwable throwable) {}

        @Override
        public void onComplete() {}
      };
      http.sendAsync(HttpRequest.newBuilder(URI.create(url + path)).GET().build(), BodyHandlers.fromLineSubscriber(lines))
          .exceptionally(failure -> {
            failed.incrementAndGet();
            return null;
          });
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (open.get() + failed.get() < count && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(100);
    }
    TimeUnit.SECONDS.sleep(2);
    int changes = 10;
    Map<String, Long> acknowledged = new HashMap<>();
    for (int i = 1; i <= changes; i++) {
      HttpResponse<String> response = send("PATCH", collection() + "/" + name, "{\"data\":{\"value\":\"" + i + "\"}}",
          "application/merge-patch+json").get();
      acknowledged.put(versionOf(response.body()), System.nanoTime());
      TimeUnit.SECONDS.sleep(1);
    }
    TimeUnit.SECONDS.sleep(5);
    Latencies latencies = new Latencies();
    acknowledged.forEach((rv, at) -> arrivals.getOrDefault(rv, new java.util.concurrent.ConcurrentLinkedQueue<>())
        .forEach(arrival -> latencies.record(Math.max(0, arrival - at))));
    int expected = open.get() * changes;
    System.out.printf("| watch fan-out: %d watches open (%d failed), %d of %d deliveries | %d | %d | | %.2f | %.2f | |%n",
        open.get(), failed.get(), latencies.count(), expected, count, changes,
        latencies.percentileMillis(50), latencies.percentileMillis(99));
    subscriptions.forEach(java.util.concurrent.Flow.Subscription::cancel);
  }

  private static String versionOf(String json) {
    int at = json.indexOf("\"resourceVersion\":\"");
    if (at < 0) {
      return "";
    }
    int start = at + "\"resourceVersion\":\"".length();
    return json.substring(start, json.indexOf('"', start));
  }

  private String collection() {
    return "/api/v1/namespaces/" + namespace + "/configmaps";
  }

  private String configMap(String name, String value) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"value\":\"" + value + "\"}}";
  }

  private CompletableFuture<HttpResponse<String>> send(String method, String path, String body) {
    return send(method, path, body, "application/json");
  }

  private CompletableFuture<HttpResponse<String>> send(String method, String path, String body, String contentType) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60));
    if (body == null) {
      request.method(method, BodyPublishers.noBody());
    } else {
      request.header("Content-Type", contentType).method(method, BodyPublishers.ofString(body));
    }
    return http.sendAsync(request.build(), BodyHandlers.ofString());
  }


  private static void report(String label, int clients, int operations, long elapsedNanos, long cpuNanos, Latencies latencies, int failures) {
    System.out.printf("| %s%s | %s | %d | %.0f | %.2f | %.2f | %.0f |%n",
        label, failures > 0 ? " (" + failures + " failed)" : "", clients == 0 ? "open loop" : Integer.toString(clients), operations,
        operations / (elapsedNanos / 1e9), latencies.percentileMillis(50), latencies.percentileMillis(99), cpuNanos / 1e3 / operations);
  }

}
