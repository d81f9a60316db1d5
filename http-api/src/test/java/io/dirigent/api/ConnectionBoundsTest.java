package io.dirigent.api;

import static io.dirigent.api.testing.Sockets.closedByServer;
import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.api.testing.TestApiServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What one client can hold of the server: connections that send nothing, or their headers a byte
 * at a time, are closed; requests in flight and open watches are bounded per client, beyond which
 * it is answered 429 with Retry-After; health checks are answered regardless.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectionBoundsTest {

  private static final int ARRIVAL_MILLIS = 1500;
  private TestApiServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    server = TestApiServer.start(Map.of(
        "dirigent.api.request-arrival-timeout", ARRIVAL_MILLIS + "ms",
        "dirigent.api.limits.requests-in-flight-per-client", 2,
        "dirigent.api.limits.watches-per-client", 3,
        "dirigent.api.limits.unread-watch-timeout", "2s",
        "dirigent.api.limits.request-bytes-in-flight", "3MiB",
        "pekko.http.server.request-timeout", "3s"));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void headersSentAByteAtATimeAreCutOff() throws Exception {
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      out.write("GET /api/v1/namespaces HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
      long start = System.nanoTime();
      boolean closed = false;
      // One header byte every 200 ms would keep a connection with only an idle timeout open for ever.
      for (int i = 0; i < 100 && !closed; i++) {
        try {
          out.write('X');
          out.flush();
          Thread.sleep(200);
        } catch (IOException e) {
          closed = true;
        }
        closed = closed || closedByServer(socket, 1);
      }
      assertThat(closed).as("the server closed the connection").isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void aKeptAliveConnectionNobodyUsesIsClosedAndAQuietWatchIsNot() throws Exception {
    try (Socket idle = connect(); Socket watch = connect()) {
      send(idle, "GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      assertThat(readSome(idle)).startsWith("HTTP/1.1 200");
      send(watch, "GET /api/v1/namespaces/default/configmaps?watch=true HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      assertThat(readSome(watch)).startsWith("HTTP/1.1 200");

      Thread.sleep(ARRIVAL_MILLIS * 2L);
      assertThat(closedByServer(idle, 3000)).as("the idle connection is closed").isTrue();

      // The watch outlived the timeout and still delivers.
      HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/namespaces/default/configmaps"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"quiet\"}}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).isEqualTo(201);
      assertThat(readUntil(watch, "\"name\":\"quiet\"")).contains("\"type\":\"ADDED\"");
    }
  }

  @Test
  void aClientOverItsRequestsInFlightIsAnswered429AndHealthChecksStillAnswer() throws Exception {
    List<Socket> slow = new ArrayList<>();
    try {
      // Two requests whose bodies never come stay in flight.
      for (int i = 0; i < 2; i++) {
        Socket socket = connect();
        slow.add(socket);
        send(socket, "POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{");
      }
      Thread.sleep(300);
      HttpResponse<String> refused = get("/api/v1/namespaces");
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(refused.body()).contains("\"reason\":\"TooManyRequests\"").contains("\"retryAfterSeconds\":1");
      assertThat(get("/readyz").statusCode()).isEqualTo(200);
    } finally {
      for (Socket socket : slow) {
        socket.close();
      }
    }
    awaitStatus("/api/v1/namespaces", 200);
  }

  @Test
  void largeBodiesBeyondWhatTheServerHoldsAtOnceAreAnswered429() throws Exception {
    try (Socket first = connect(); Socket second = connect()) {
      String post = "POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + (2 << 20) + "\r\n\r\n{";
      // Two mebibytes on their way hold two of the three the server reads at once.
      send(first, post);
      Thread.sleep(300);
      send(second, post);
      String refused = readSome(second);
      assertThat(refused).startsWith("HTTP/1.1 429").contains("Retry-After: 1").contains("reading as many request bodies");
    }
    awaitStatus("/api/v1/namespaces/default/configmaps", 200);
  }

  @Test
  void aBodyThatDoesNotArriveWithinTheRequestTimeoutIsAnswered504WithAStatus() throws Exception {
    try (Socket slow = connect()) {
      // A body that never comes: the request cannot be answered, and the timeout answers it
      // (Pekko's own request timeout counts only from a body's end).
      send(slow, "POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Content-Length: 100\r\n\r\n{");
      String answer = readUntil(slow, "}");
      assertThat(answer).startsWith("HTTP/1.1 504").contains("\"reason\":\"Timeout\"").contains("\"kind\":\"Status\"");
    }
  }

  @Test
  void aClientOverItsOpenWatchesIsAnswered429UntilOneEnds() throws Exception {
    awaitNoWatches();
    List<Socket> watches = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        Socket socket = connect();
        watches.add(socket);
        send(socket, "GET /api/v1/namespaces/default/secrets?watch=true HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertThat(readSome(socket)).startsWith("HTTP/1.1 200");
      }
      HttpResponse<String> refused = get("/api/v1/namespaces/default/secrets?watch=true&timeoutSeconds=1");
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.body()).contains("open watches");
      assertThat(get("/api/v1/namespaces/default/secrets").statusCode()).as("a list is no watch").isEqualTo(200);
      watches.remove(0).close();
    } finally {
      for (Socket socket : watches) {
        socket.close();
      }
    }
    awaitStatus("/api/v1/namespaces/default/secrets?watch=true&timeoutSeconds=1", 200);
  }

  @Test
  void aWatchWhoseClientReadsNothingIsEnded() throws Exception {
    awaitNoWatches();
    try (Socket stuck = new Socket()) {
      // A small window: what the client does not read stays in the server.
      stuck.setReceiveBufferSize(4096);
      URI uri = URI.create(server.url());
      stuck.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()));
      send(stuck, "GET /api/v1/namespaces/kube-public/configmaps?watch=true HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      String big = "y".repeat(256 * 1024);
      for (int i = 0; i < 48; i++) {
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/namespaces/kube-public/configmaps"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"big-" + i
                + "\"},\"data\":{\"v\":\"" + big + "\"}}"))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(201);
      }
      // Twelve megabytes of events wait for a client that reads none: the server ends the watch, not the client.
      awaitNoWatches();
    }
  }

  // ---- helpers ----

  private Socket connect() throws IOException {
    URI uri = URI.create(server.url());
    Socket socket = new Socket(uri.getHost(), uri.getPort());
    socket.setSoTimeout(5000);
    return socket;
  }

  private static void send(Socket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
  }

  private static String readSome(Socket socket) throws IOException {
    byte[] buffer = new byte[8192];
    int read = socket.getInputStream().read(buffer);
    return read < 0 ? "" : new String(buffer, 0, read, StandardCharsets.UTF_8);
  }

  private static String readUntil(Socket socket, String text) throws IOException {
    StringBuilder seen = new StringBuilder();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!seen.toString().contains(text) && System.nanoTime() < deadline) {
      String more = readSome(socket);
      if (more.isEmpty()) {
        break;
      }
      seen.append(more);
    }
    return seen.toString();
  }


  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Until the watches of other tests, whose sockets are closed, have ended on the server too. */
  private void awaitNoWatches() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    String metrics = get("/metrics").body();
    while (!metrics.contains("apiserver_watches_open 0.0") && System.nanoTime() < deadline) {
      Thread.sleep(100);
      metrics = get("/metrics").body();
    }
    assertThat(metrics).as("the watches of closed connections ended").contains("apiserver_watches_open 0.0");
  }

  private void awaitStatus(String path, int code) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    int last = -1;
    while (System.nanoTime() < deadline) {
      last = get(path).statusCode();
      if (last == code) {
        return;
      }
      Thread.sleep(100);
    }
    assertThat(last).as("once the client holds less").isEqualTo(code);
  }
}
