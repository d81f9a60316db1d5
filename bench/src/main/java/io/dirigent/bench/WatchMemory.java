package io.dirigent.bench;

import io.dirigent.api.ApiServer;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.cluster.JvmDefaults;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What an open watch costs the API server's heap, measured in its own process: a quiet watch that
 * reads; a watch that started with the whole collection and never reads (its client went away
 * without closing, or reads nothing on purpose) while changes keep coming; and whether the heap
 * comes back when they close. Each figure is the live heap after full collections, divided by the
 * number of watches.
 *
 * <pre>WatchMemory [watches=2000] [objects=200] [object-bytes=4096] [changes=500]</pre>
 */
public final class WatchMemory {

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final String url;

  private WatchMemory(String url) {
    this.url = url;
  }

  public static void main(String[] args) throws Exception {
    JvmDefaults.apply();
    int watches = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    int objects = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int objectBytes = args.length > 2 ? Integer.parseInt(args[2]) : 4_096;
    int changes = args.length > 3 ? Integer.parseInt(args[3]) : 500;
    ClusterNode node = BenchMember.start("watch-memory", "h2",
        Map.of("dirigent.api.port", 0, "dirigent.api.limits.watches-per-client", watches * 2 + 10));
    try {
      node.ready().toCompletableFuture().get(120, TimeUnit.SECONDS);
      ApiServer server = ApiServer.start(node).toCompletableFuture().get(30, TimeUnit.SECONDS);
      WatchMemory bench = new WatchMemory(server.url());
      bench.run(watches, objects, objectBytes, changes, node.system().settings().config().getDuration("dirigent.api.limits.unread-watch-timeout"));
      server.close();
    } finally {
      node.close();
    }
    System.exit(0);
  }

  private void run(int watches, int objects, int objectBytes, int changes, Duration unread) throws Exception {
    send("POST", "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"bench\"}}");
    String value = "x".repeat(objectBytes);
    for (int i = 0; i < objects; i++) {
      send("POST", "/api/v1/namespaces/bench/configmaps",
          "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm-" + i + "\"},\"data\":{\"v\":\"" + value + "\"}}");
    }
    String version = resourceVersion();
    System.out.println("| watches | what they hold | heap per watch (KiB) |");
    System.out.println("|---|---|---|");

    long base = liveHeap();
    List<Socket> quiet = open(watches, "/api/v1/namespaces/bench/secrets?watch=true&resourceVersion=" + version);
    Thread.sleep(2_000);
    System.out.printf("| %d | nothing: a quiet watch (secrets, none change) |  %.1f |%n", watches, (liveHeap() - base) / 1024.0 / watches);
    close(quiet);
    Thread.sleep(2_000);
    long afterQuiet = liveHeap();

    // A client that never reads: the server's socket buffers fill, and then its own.
    List<Socket> stuck = open(watches, "/api/v1/namespaces/bench/configmaps?watch=true");
    Thread.sleep(5_000);
    System.out.printf("| %d | the collection of %d objects of %d bytes, never read | %.1f |%n", watches, objects, objectBytes,
        (liveHeap() - afterQuiet) / 1024.0 / watches);
    for (int i = 0; i < changes; i++) {
      send("PATCH", "/api/v1/namespaces/bench/configmaps/cm-" + (i % objects),
          "{\"data\":{\"v\":\"" + i + value.substring(Integer.toString(i).length()) + "\"}}", "application/merge-patch+json");
    }
    Thread.sleep(5_000);
    System.out.printf("| %d | the same and %d later changes, never read | %.1f |%n", watches, changes, (liveHeap() - afterQuiet) / 1024.0 / watches);
    Thread.sleep(unread.toMillis() + 5_000);
    System.out.printf("| %d | after the unread-watch timeout (%d s): ended by the server | %.1f |%n", watches, unread.toSeconds(),
        (liveHeap() - afterQuiet) / 1024.0 / watches);
    close(stuck);
    Thread.sleep(5_000);
    System.out.printf("| 0 | after closing them all: heap above the start | %.1f MiB in all |%n", (liveHeap() - base) / 1024.0 / 1024.0);
  }

  private List<Socket> open(int count, String path) throws IOException {
    URI uri = URI.create(url);
    List<Socket> sockets = new ArrayList<>(count);
    byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < count; i++) {
      Socket socket = new Socket();
      // A small receive window, so that what is not read stays in the server rather than in the kernel.
      socket.setReceiveBufferSize(4096);
      socket.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()));
      socket.getOutputStream().write(request);
      sockets.add(socket);
    }
    return sockets;
  }

  private static void close(List<Socket> sockets) throws IOException {
    for (Socket socket : sockets) {
      socket.close();
    }
  }

  /** The live heap: used after full collections settle. */
  private static long liveHeap() throws InterruptedException {
    var memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(300);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  private String resourceVersion() throws Exception {
    String body = send("GET", "/api/v1/namespaces/bench/secrets", null);
    int at = body.indexOf("\"resourceVersion\":\"") + "\"resourceVersion\":\"".length();
    return body.substring(at, body.indexOf('"', at));
  }

  private String send(String method, String path, String body) throws Exception {
    return send(method, path, body, "application/json");
  }

  private String send(String method, String path, String body, String contentType) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60));
    if (body == null) {
      request.method(method, BodyPublishers.noBody());
    } else {
      request.header("Content-Type", contentType).method(method, BodyPublishers.ofString(body));
    }
    var response = http.send(request.build(), BodyHandlers.ofString());
    if (response.statusCode() >= 300) {
      throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }
}
