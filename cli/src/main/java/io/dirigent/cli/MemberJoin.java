package io.dirigent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.cli.client.CliException;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.auth.CallerKey;
import io.dirigent.core.pki.ClusterPki;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * How a new member joins, as {@code kubeadm join} does: it learns the cluster's authority from
 * the API server's TLS handshake and keeps it only if its fingerprint is the one it was given
 * (so a server in the middle is found out), then, trusting that authority alone, presents its
 * bootstrap token and receives its member certificate and the members to join through.
 */
final class MemberJoin {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private MemberJoin() {}

  /** Writes ca.crt, member.crt and member.key into {@code pkiDir}; answers the seed nodes. */
  static List<String> join(URI api, String token, String fingerprint, String name, Path pkiDir) throws IOException, InterruptedException {
    if (!"https".equals(api.getScheme())) {
      throw new CliException("--join needs the API server's https:// address");
    }
    X509Certificate authority = authority(api, fingerprint);
    HttpClient client = HttpClient.newBuilder().sslContext(trusting(authority)).connectTimeout(TIMEOUT).build();
    ObjectNode body = KubeJson.MAPPER.createObjectNode().put("apiVersion", "dirigent.io/v1").put("kind", "MemberJoin").put("name", name);
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(api.resolve("/apis/dirigent.io/v1/memberjoins"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json").timeout(TIMEOUT)
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 201) {
      String message = response.statusCode() == 401 ? "the token is not good (unknown, expired or revoked)"
          : KubeJson.MAPPER.readTree(response.body()).path("message").asText(response.body());
      throw new CliException("joining through " + api + " failed (" + response.statusCode() + "): " + message);
    }
    JsonNode status = KubeJson.MAPPER.readTree(response.body()).path("status");
    Files.createDirectories(pkiDir);
    ClusterPki.writeIssued(pkiDir, "member", new ClusterPki.Issued(
        ClusterPki.readCertificates(status.path("certificate").asText()).get(0),
        ClusterPki.readKeyPem(status.path("key").asText(), "the join's answer")));
    Files.writeString(pkiDir.resolve("ca.crt"), ClusterPki.pem(authority));
    try {
      CallerKey.writeCredential(pkiDir.resolve(CallerKey.CREDENTIAL_FILE), CallerKey.fromJson(status.path("credential")));
    } catch (IllegalArgumentException e) {
      throw new CliException("joining through " + api + " gave no store credential for this member: is the server older than this client?");
    }
    List<String> seeds = new ArrayList<>();
    status.path("seedNodes").forEach(seed -> seeds.add(seed.asText()));
    return seeds;
  }

  /** The authority in the server's handshake whose fingerprint is {@code fingerprint}. */
  private static X509Certificate authority(URI api, String fingerprint) throws IOException {
    List<X509Certificate> shown = new ArrayList<>();
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      // Only to read the chain the server shows; nothing is sent on this connection.
      context.init(null, new TrustManager[] {new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
          throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
          shown.addAll(List.of(chain));
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      }}, null);
      int port = api.getPort() < 0 ? 443 : api.getPort();
      try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(api.getHost(), port)) {
        socket.setSoTimeout((int) TIMEOUT.toMillis());
        socket.startHandshake();
      }
    } catch (GeneralSecurityException e) {
      throw new IOException("TLS to " + api + " failed: " + e.getMessage(), e);
    }
    return shown.stream().filter(certificate -> certificate.getBasicConstraints() >= 0)
        .filter(certificate -> ClusterPki.fingerprint(certificate).equalsIgnoreCase(fingerprint)).findFirst()
        .orElseThrow(() -> new CliException("the server at " + api + " shows no authority with the fingerprint " + fingerprint
            + ": it is not the cluster you meant, or someone is in between"));
  }

  private static SSLContext trusting(X509Certificate authority) throws IOException {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, ClusterPki.trusting(authority), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
  }
}
