package io.dirigent.bench;

import io.dirigent.api.ApiServer;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.cluster.JvmDefaults;
import java.net.InetSocketAddress;
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
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The API server under load from HTTP clients on loopback: create, get, list and update
 * throughput and latency with 50 concurrent connections; mutating latency at a fixed rate; and how
 * many open watches one member holds while delivering an event to all of them.
 *
 * <p>Usage: {@code ApiBenchmark [connections] [seconds] [mutatingRate] [watches...]}; with
 * {@code seconds} 0 only the fan-out runs. The server
 * runs in this process on the embedded H2 store. The request load comes from wrk (a C load
 * generator) in its own process, driven by {@code wrk/api.lua}, so the CPU per request is the
 * server's alone; the watchers of the fan-out measurement are plain sockets read by one thread
 * of this process ({@link WatchClients}).
 */
public final class ApiBenchmark {

  /** wrk's event loop thread; one keeps object names contiguous and uses a fraction of a core. */
  private static final int WRK_THREADS = 1;

  private final HttpClient http;
  private final String url;
  private final Path script;
  private final String namespace = "bench";

  private ApiBenchmark(HttpClient http, String url, Path script) {
    this.http = http;
    this.url = url;
    this.script = script;
  }

  public static void main(String[] args) throws Exception {
    JvmDefaults.apply();
    int connections = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    int rate = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
    List<Integer> watchCounts = new ArrayList<>();
    for (int i = 3; i < args.length; i++) {
      watchCounts.add(Integer.parseInt(args[i]));
    }
    if (watchCounts.isEmpty()) {
      watchCounts.addAll(List.of(1_000, 2_500, 5_000));
    }
    Path script = Files.createTempDirectory("dirigent-api-bench-").resolve("api.lua");
    try (var in = ApiBenchmark.class.getResourceAsStream("/wrk/api.lua")) {
      Files.copy(in, script);
    }
    // Every benchmark watch comes from one client, loopback.
    ClusterNode node = BenchMember.start("api-bench", "h2",
        Map.of("dirigent.api.port", 0, "dirigent.api.limits.watches-per-client", 1_000_000));
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
      ApiBenchmark bench = new ApiBenchmark(http, server.url(), script);
      bench.send("POST", "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"bench\"}}").get();
      System.out.println("| measurement | connections | seconds | requests | throughput (req/s) | p50 (ms) | p99 (ms) | CPU per request (µs) |");
      System.out.println("|---|---|---|---|---|---|---|---|");
      // With seconds 0, only the fan-out runs, on a member without the request phases' objects.
      if (seconds > 0) {
        bench.requests(connections, seconds, rate);
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

  /** Throughput and latency of create, get, list and update, then mutating latency at a fixed rate. */
  private void requests(int connections, int seconds, int rate) throws Exception {
    // Warm up: the JIT needs a minute on two cores.
    Run warm = wrk(Map.of("MODE", "create", "PREFIX", "warm-"), connections, 20);
    wrk(Map.of("MODE", "patch", "PREFIX", "warm-", "OBJECTS", Long.toString(warm.requests())), connections, 25);
    Run created = report("create", wrk(Map.of("MODE", "create", "PREFIX", "cm-"), connections, seconds));
    // wrk counts the answers it read; a create still in flight at the end may be missing.
    String objects = Long.toString(Math.max(1, created.requests() - connections));
    report("get", wrk(Map.of("MODE", "get", "OBJECTS", objects), connections, seconds));
    report("list (limit 50, of " + (warm.requests() + created.requests()) + ")", wrk(Map.of("MODE", "list"), connections, seconds));
    report("update (merge patch)", wrk(Map.of("MODE", "patch", "OBJECTS", objects), connections, seconds));
    // The target rate, and a third of it for what the server sustains comfortably; enough
    // connections that the pace holds while some requests wait.
    for (int perSecond : List.of(Math.max(rate / 3, 1), rate)) {
      report("mutating at " + perSecond + "/s (merge patch)",
          wrk(Map.of("MODE", "patch", "OBJECTS", objects, "RATE", Integer.toString(perSecond)), Math.max(connections, 100), 2 * seconds));
    }
  }

  /** What one wrk run reported, and the CPU this process (the server) used meanwhile. */
  record Run(int connections, long requests, double seconds, int errors, long late, double p50, double p99, String statuses, long cpuNanos) {

    static Run parse(int connections, String line, long cpuNanos) {
      Map<String, String> fields = new HashMap<>();
      for (String pair : line.trim().split(" ")) {
        int eq = pair.indexOf('=');
        fields.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
      return new Run(connections, Long.parseLong(fields.get("requests")), Double.parseDouble(fields.get("seconds")),
          Integer.parseInt(fields.get("errors")), Long.parseLong(fields.get("late")),
          Double.parseDouble(fields.get("p50")), Double.parseDouble(fields.get("p99")), fields.get("statuses"), cpuNanos);
    }

    /** Requests answered with anything but 2xx, or not answered. */
    long failed() {
      long ok = 0;
      for (String entry : statuses.split(",")) {
        if (entry.startsWith("2")) {
          ok += Long.parseLong(entry.substring(entry.indexOf(':') + 1));
        }
      }
      return requests - ok + errors;
    }
  }

  /** Runs wrk with the benchmark's script for {@code seconds}; {@code env} sets the script's mode. */
  private Run wrk(Map<String, String> env, int connections, int seconds) throws Exception {
    ProcessBuilder process = new ProcessBuilder("wrk", "-t" + WRK_THREADS, "-c" + connections, "-d" + seconds + "s",
        "--timeout", "30s", "-s", script.toString(), url)
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    process.environment().putAll(env);
    process.environment().put("THREADS", Integer.toString(WRK_THREADS));
    process.environment().put("NS", namespace);
    long cpu = Measure.processCpuNanos();
    Process wrk = process.start();
    String output = new String(wrk.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (wrk.waitFor() != 0) {
      throw new IllegalStateException("wrk failed: " + output);
    }
    String line = output.lines().filter(l -> l.startsWith("requests=")).findFirst()
        .orElseThrow(() -> new IllegalStateException("no summary from wrk: " + output));
    return Run.parse(connections, line, Measure.processCpuNanos() - cpu);
  }

  private Run report(String label, Run run) {
    String notes = run.failed() > 0 ? " (" + run.failed() + " failed: " + run.statuses() + ")" : "";
    if (run.late() > 0) {
      notes += " (" + run.late() + " sent late)";
    }
    System.out.printf("| %s%s | %d | %.0f | %d | %.0f | %.2f | %.2f | %.0f |%n",
        label, notes, run.connections(), run.seconds(), run.requests(), run.requests() / run.seconds(), run.p50(), run.p99(),
        run.cpuNanos() / 1e3 / Math.max(1, run.requests()));
    return run;
  }

  /** Opens {@code count} watches on one object and measures how fast its changes reach them all ({@link FanOut}). */
  private void watchFanOut(int count) throws Exception {
    String name = "watched-" + count;
    send("POST", collection(), configMap(name, "0")).get();
    String version = versionOf(send("GET", collection() + "?fieldSelector=metadata.name%3D" + name, null).get().body());
    String path = collection() + "?watch=true&timeoutSeconds=900&fieldSelector=metadata.name%3D" + name + "&resourceVersion=" + version;
    URI server = URI.create(url);
    try (WatchClients watches = WatchClients.open(new InetSocketAddress(server.getHost(), server.getPort()), path, count)) {
      watches.awaitAnswered(count, Duration.ofSeconds(120));
      System.out.println(FanOut.measure("watch fan-out", watches, count, i -> versionOf(
          send("PATCH", collection() + "/" + name, "{\"data\":{\"value\":\"" + i + "\"}}", "application/merge-patch+json").get().body())));
    }
  }

  /** The first resourceVersion in {@code json}; empty when there is none. */
  static String versionOf(String json) {
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




}
