package io.dirigent.api;

import static io.dirigent.api.testing.Sockets.closedByServer;
import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.api.testing.TestApiServer;
import io.dirigent.api.testing.TlsClients;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.pki.ClusterPki;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A TLS connection holds a slot of the server only while it is used: one that never finishes its
 * handshake, or speaks HTTP/2 and asks for nothing, is closed after the request-arrival timeout,
 * as an HTTP/1.1 one is; an HTTP/2 watch outlives it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Http2BoundsTest {

  private static final int ARRIVAL_MILLIS = 1500;
  private TestApiServer server;
  private ClusterPki pki;
  private ClusterPki.Issued admin;

  @BeforeAll
  void start() throws Exception {
    Path pkiDir = Files.createTempDirectory("dirigent-h2-pki-");
    server = TestApiServer.start(Map.of("dirigent.api.tls.enabled", true, "dirigent.api.tls.pki-dir", pkiDir.toString(),
        "dirigent.api.request-arrival-timeout", ARRIVAL_MILLIS + "ms"));
    pki = ClusterPki.loadOrCreate(pkiDir, "dirigent", Clock.systemUTC());
    admin = pki.issueClient("admin", List.of("system:masters"));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void aConnectionThatNeverStartsItsHandshakeIsClosed() throws Exception {
    URI url = URI.create(server.url());
    try (Socket socket = new Socket(url.getHost(), url.getPort())) {
      long start = System.nanoTime();
      assertThat(closedByServer(socket, ARRIVAL_MILLIS * 4)).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("closed for its silence, not at once").isGreaterThan(Duration.ofMillis(ARRIVAL_MILLIS - 200));
    }
  }

  @Test
  void anHttp2ConnectionThatAsksForNothingIsClosed() throws Exception {
    URI url = URI.create(server.url());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(ClusterPki.presenting(admin.key(), admin.certificate()), ClusterPki.trusting(pki.ca()), null);
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(url.getHost(), url.getPort())) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(new String[] {"h2"});
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      assertThat(socket.getApplicationProtocol()).isEqualTo("h2");
      // The client's preface and an empty SETTINGS frame: a connection, and no stream.
      socket.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
      socket.getOutputStream().flush();
      long start = System.nanoTime();

      assertThat(closedByServer(socket, ARRIVAL_MILLIS * 4)).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("closed for its silence, not for a bad preface").isGreaterThan(Duration.ofMillis(ARRIVAL_MILLIS - 400));
    }
  }

  @Test
  void anHttp2WatchOutlivesTheTimeoutAndStillDelivers() throws Exception {
    HttpClient h2 = TlsClients.client(admin, pki);
    String namespace = "h2-quiet-" + System.nanoTime();
    post(h2, "/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + namespace + "\"}}");
    var watch = h2.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/namespaces/" + namespace + "/configmaps?watch=true"))
        .version(HttpClient.Version.HTTP_2).build(), HttpResponse.BodyHandlers.ofLines());
    assertThat(watch.version()).isEqualTo(HttpClient.Version.HTTP_2);

    Thread.sleep(ARRIVAL_MILLIS * 3L);
    post(h2, "/api/v1/namespaces/" + namespace + "/configmaps", "{\"metadata\":{\"name\":\"late\"}}");

    assertThat(KubeJson.MAPPER.readTree(watch.body().iterator().next()).at("/object/metadata/name").asText()).isEqualTo("late");
    watch.body().close();
  }

  private void post(HttpClient client, String path, String body) throws Exception {
    HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create(server.url() + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
  }

}
