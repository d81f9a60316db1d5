package io.dirigent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.api.testing.TestApiServer;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.pki.ClusterPki;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The API server over TLS with the cluster's authority: clients that trust it reach the API, a
 * client certificate it issued names the user and groups (kubectl auth whoami's question), and a
 * client that trusts another authority, or presents another authority's certificate, gets no
 * connection.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiTlsTest {

  private Path pkiDir;
  private TestApiServer server;
  private ClusterPki pki;

  @BeforeAll
  void start() throws Exception {
    pkiDir = Files.createTempDirectory("dirigent-pki-");
    server = TestApiServer.start(Map.of("dirigent.api.tls.enabled", true, "dirigent.api.tls.pki-dir", pkiDir.toString()));
    pki = ClusterPki.loadOrCreate(pkiDir, "dirigent", Clock.systemUTC());
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void theServerSpeaksTlsWithACertificateOfTheClustersAuthority() throws Exception {
    assertThat(server.url()).startsWith("https://");
    HttpResponse<String> readyz = client(null, pki).send(get("/readyz"), HttpResponse.BodyHandlers.ofString());
    assertThat(readyz.statusCode()).isEqualTo(200);
    assertThat(Files.exists(pkiDir.resolve("apiserver.crt"))).isTrue();
    assertThat(pki.issuedHere(ClusterPki.readCertificate(pkiDir.resolve("apiserver.crt")))).isTrue();
  }

  @Test
  void aClientCertificateNamesTheUserAndGroupsAndWithoutOneOnlyHealthChecksAreAnswered() throws Exception {
    ClusterPki.Issued admin = pki.issueClient("admin", List.of("system:masters"));
    JsonNode who = whoami(client(admin, pki));
    assertThat(who.path("username").asText()).isEqualTo("admin");
    assertThat(who.path("groups")).extracting(JsonNode::asText).containsExactly("system:masters", "system:authenticated");
    HttpClient anonymous = client(null, pki);
    for (String path : List.of("/version", "/api", "/api/v1/namespaces/kube-system/secrets", "/metrics")) {
      HttpResponse<String> refused = anonymous.send(get(path), HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).as(path).isEqualTo(401);
      assertThat(refused.body()).contains("\"reason\":\"Unauthorized\"");
    }
    for (String path : List.of("/healthz", "/livez", "/readyz")) {
      assertThat(anonymous.send(get(path), HttpResponse.BodyHandlers.ofString()).statusCode()).as(path).isEqualTo(200);
    }
  }

  @Test
  void aClientOfAnotherAuthorityIsNoOne() throws Exception {
    ClusterPki other = ClusterPki.loadOrCreate(Files.createTempDirectory("dirigent-other-pki-"), "dirigent", Clock.systemUTC());
    // Trusting another authority: the server's certificate is not one the client accepts.
    assertThatThrownBy(() -> client(null, other).send(get("/version"), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(java.io.IOException.class);
    // Presenting another authority's certificate: the server takes it for no one. (Depending on
    // the handshake, the JDK client offers it and the server ends the handshake, or it offers
    // none, as the server asks for its authority's; either way no request is answered as admin.)
    ClusterPki.Issued forged = other.issueClient("admin", List.of("system:masters"));
    try {
      HttpResponse<String> answer = client(forged, pki).send(get("/api/v1/namespaces"), HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(401);
    } catch (java.io.IOException handshakeRefused) {
      // The server ended the handshake (an alert, or the connection closed): no answer at all.
      assertThat(handshakeRefused).isNotNull();
    }
  }

  @Test
  void aClientThatAsksForHttp2GetsItAndOneThatDoesNotGetsHttp11() throws Exception {
    ClusterPki.Issued admin = pki.issueClient("admin", List.of("system:masters"));
    HttpClient h2 = client(admin, pki);
    HttpResponse<String> two = h2.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/namespaces")).version(HttpClient.Version.HTTP_2)
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> one = h2.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/namespaces")).version(HttpClient.Version.HTTP_1_1)
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(two.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(two.statusCode()).as("the client certificate names the user over HTTP/2 too: " + two.body()).isEqualTo(200);
    assertThat(KubeJson.MAPPER.readTree(two.body()).path("kind").asText()).isEqualTo("NamespaceList");
    assertThat(one.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(one.statusCode()).isEqualTo(200);
  }

  @Test
  void watchesShareOneHttp2ConnectionAndEachSeesItsChanges() throws Exception {
    ClusterPki.Issued admin = pki.issueClient("admin", List.of("system:masters"));
    HttpClient h2 = client(admin, pki);
    String namespace = "h2-" + System.nanoTime();
    send(h2, "POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + namespace + "\"}}");
    var first = h2.send(watch(namespace, "configmaps"), HttpResponse.BodyHandlers.ofLines());
    var second = h2.send(watch(namespace, "secrets"), HttpResponse.BodyHandlers.ofLines());
    assertThat(first.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(second.version()).isEqualTo(HttpClient.Version.HTTP_2);

    send(h2, "POST", "/api/v1/namespaces/" + namespace + "/configmaps", "{\"metadata\":{\"name\":\"c\"}}");
    send(h2, "POST", "/api/v1/namespaces/" + namespace + "/secrets", "{\"metadata\":{\"name\":\"s\"}}");

    var firstLines = first.body().iterator();
    var secondLines = second.body().iterator();
    assertThat(KubeJson.MAPPER.readTree(firstLines.next()).at("/object/metadata/name").asText()).isEqualTo("c");
    assertThat(KubeJson.MAPPER.readTree(secondLines.next()).at("/object/metadata/name").asText()).isEqualTo("s");
    // Ending one stream ends that watch only: the other still sees its changes.
    first.body().close();
    send(h2, "POST", "/api/v1/namespaces/" + namespace + "/secrets", "{\"metadata\":{\"name\":\"t\"}}");
    assertThat(KubeJson.MAPPER.readTree(secondLines.next()).at("/object/metadata/name").asText()).isEqualTo("t");
    second.body().close();
  }

  private HttpRequest watch(String namespace, String resource) {
    return HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/namespaces/" + namespace + "/" + resource + "?watch=true&timeoutSeconds=30"))
        .version(HttpClient.Version.HTTP_2).timeout(Duration.ofSeconds(30)).build();
  }

  private void send(HttpClient client, String method, String path, String body) throws Exception {
    HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create(server.url() + path)).header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(method + " " + path + ": " + answer.body()).isBetween(200, 201);
  }

  @Test
  void plainHttpToTheTlsPortIsNotServed() {
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create(server.url().replace("https://", "http://") + "/version"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(java.io.IOException.class);
  }

  private JsonNode whoami(HttpClient client) throws Exception {
    HttpResponse<String> review = client.send(HttpRequest.newBuilder(URI.create(server.url() + "/apis/authentication.k8s.io/v1/selfsubjectreviews"))
        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(review.statusCode()).as(review.body()).isEqualTo(201);
    return KubeJson.MAPPER.readTree(review.body()).path("status").path("userInfo");
  }

  private HttpRequest get(String path) {
    return HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(10)).build();
  }

  private static HttpClient client(ClusterPki.Issued identity, ClusterPki trusted) throws Exception {
    return io.dirigent.api.testing.TlsClients.client(identity, trusted);
  }
}
