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
