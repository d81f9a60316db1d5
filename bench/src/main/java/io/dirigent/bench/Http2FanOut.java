package io.dirigent.bench;

import io.dirigent.api.ApiServer;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.cluster.JvmDefaults;
import io.dirigent.core.pki.ClusterPki;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * The watch fan-out over HTTP/2, as client-go makes it: the API server over TLS, and the watches
 * multiplexed as streams over a few connections (one per {@value #STREAMS_PER_CONNECTION}
 * watches, the server's limit of concurrent streams), read by the JDK's HTTP/2 client. The same
 * measurement as {@code bin/bench api}'s fan-out over HTTP/1.1 ({@link FanOut}).
 *
 * <p>Usage: {@code Http2FanOut [watches...]}.
 */
public final class Http2FanOut {

  /** The server's limit of concurrent streams per connection (pekko.http.server.http2.max-concurrent-streams). */
  static final int STREAMS_PER_CONNECTION = 1000;
  private static final String READER = "h2-watch-reader";

  private Http2FanOut() {}

  public static void main(String[] args) throws Exception {
    JvmDefaults.apply();
    List<Integer> counts = new ArrayList<>();
    for (String arg : args) {
      counts.add(Integer.parseInt(arg));
    }
    if (counts.isEmpty()) {
      counts.addAll(List.of(1_000, 2_500, 5_000));
    }
    Path pki = Files.createTempDirectory("dirigent-h2-bench-pki-");
    ClusterNode node = BenchMember.start("h2-fan-out", "h2", Map.of("dirigent.api.port", 0,
        "dirigent.api.tls.enabled", true, "dirigent.api.tls.pki-dir", pki.toString(),
        "dirigent.api.limits.watches-per-client", 1_000_000));
    try {
      node.ready().toCompletableFuture().get(120, TimeUnit.SECONDS);
      ApiServer server = ApiServer.start(node).toCompletableFuture().get(30, TimeUnit.SECONDS);
      ClusterPki.Issued admin = ClusterPki.loadOrCreate(pki, "dirigent", Clock.systemUTC()).issueClient("bench", List.of("system:masters"));
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(ClusterPki.presenting(admin.key(), admin.certificate()), ClusterPki.trusting(ClusterPki.readCertificate(pki.resolve("ca.crt"))), null);
      HttpClient writer = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_2).build();
      String url = server.url();
      send(writer, url, "POST", "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"bench\"}}");
      System.out.println("| measurement | watches | | | | p50 (ms) | p99 (ms) | CPU per delivery (µs) |");
      System.out.println("|---|---|---|---|---|---|---|---|");
      for (int count : counts) {
        fanOut(writer, tls, url, count);
      }
      server.close();
    } finally {
      node.close();
    }
    System.exit(0);
  }

  private static void fanOut(HttpClient writer, SSLContext tls, String url, int count) throws Exception {
    String collection = "/api/v1/namespaces/bench/configmaps";
    String name = "watched-h2-" + count;
    String created = send(writer, url, "POST", collection, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"value\":\"0\"}}");
    String path = collection + "?watch=true&timeoutSeconds=900&fieldSelector=metadata.name%3D" + name + "&resourceVersion=" + ApiBenchmark.versionOf(created);
    try (Streams streams = new Streams(tls, URI.create(url + path), count)) {
      streams.awaitOpen(count, Duration.ofSeconds(120));
      System.out.println(FanOut.measure("watch fan-out over HTTP/2 (" + streams.connections() + " connections)", streams, count,
          i -> ApiBenchmark.versionOf(send(writer, url, "PATCH", collection + "/" + name, "{\"data\":{\"value\":\"" + i + "\"}}"))));
    }
  }

  /** Watches as HTTP/2 streams, {@value #STREAMS_PER_CONNECTION} to a client (and so to a connection), read on one thread. */
  private static final class Streams extends WatchTally implements AutoCloseable {
    private final ExecutorService reader = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, READER);
      thread.setDaemon(true);
      return thread;
    });
    private final List<HttpClient> clients = new ArrayList<>();
    private final List<Flow.Subscription> subscriptions = new ArrayList<>();

    Streams(SSLContext tls, URI watch, int count) {
      for (int i = 0; i < count; i++) {
        if (i % STREAMS_PER_CONNECTION == 0) {
          clients.add(HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_2).executor(reader).build());
        }
        HttpClient client = clients.get(clients.size() - 1);
        CompletionStage<HttpResponse<Void>> response = client.sendAsync(HttpRequest.newBuilder(watch).build(), info -> {
          answered(info.statusCode() == 200 && info.version() == HttpClient.Version.HTTP_2);
          return HttpResponse.BodySubscribers.fromSubscriber(new Lines());
        });
        response.exceptionally(failure -> {
          answered(false);
          return null;
        });
      }
    }

    int connections() {
      return clients.size();
    }

    void awaitOpen(int count, Duration within) throws InterruptedException {
      long deadline = System.nanoTime() + within.toNanos();
      while (open() + failed() < count && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }

    /** One stream's bytes, scanned for the versions it carries. */
    private final class Lines implements Flow.Subscriber<List<ByteBuffer>> {
      private byte[] carry = new byte[0];

      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        synchronized (Streams.this) {
          subscriptions.add(subscription);
        }
        subscription.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(List<ByteBuffer> buffers) {
        long now = System.nanoTime();
        for (ByteBuffer buffer : buffers) {
          byte[] bytes = new byte[buffer.remaining()];
          buffer.get(bytes);
          carry = VersionMarks.scan(carry, bytes, 0, bytes.length, version -> arrived(version, now));
        }
      }

      @Override
      public void onError(Throwable failure) {}

      @Override
      public void onComplete() {}
    }

    /** The reader's thread and the HTTP clients' own (their selector threads read the connections). */
    @Override
    public long readerCpuNanos() {
      var threads = ManagementFactory.getThreadMXBean();
      long total = 0;
      for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
        if (info != null && (info.getThreadName().startsWith(READER) || info.getThreadName().startsWith("HttpClient-"))) {
          total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
        }
      }
      return total;
    }


    @Override
    public void close() {
      synchronized (this) {
        subscriptions.forEach(Flow.Subscription::cancel);
      }
      reader.shutdownNow();
    }
  }

  private static String send(HttpClient client, String url, String method, String path, String body) throws Exception {
    String type = method.equals("PATCH") ? "application/merge-patch+json" : "application/json";
    HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create(url + path)).header("Content-Type", type)
        .method(method, HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() >= 300) {
      throw new IllegalStateException(method + " " + path + ": " + answer.statusCode() + " " + answer.body());
    }
    return answer.body();
  }
}
