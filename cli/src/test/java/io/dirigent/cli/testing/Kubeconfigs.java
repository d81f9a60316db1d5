package io.dirigent.cli.testing;

import io.dirigent.cli.client.Kubeconfig;
import io.dirigent.core.pki.ClusterPki;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/** Kubeconfigs for a TLS test server, as k3s writes them: the authority, and a certificate or a token. */
public final class Kubeconfigs {

  private Kubeconfigs() {}

  /** A kubeconfig at {@code file} for {@code server}, trusting {@code pki}, as the holder of {@code user}'s certificate: what {@code up} writes. */
  public static Path withCertificate(Path file, String server, ClusterPki pki, ClusterPki.Issued user) throws IOException {
    Kubeconfig.write(file, "dirigent", server, new Kubeconfig.Tls(pki.caPem(), ClusterPki.pem(user.certificate()), ClusterPki.pem(user.key())));
    return file;
  }

  /** A kubeconfig at {@code file} for {@code server}, trusting the authority {@code caPem}, sending {@code token}. */
  public static Path withToken(Path file, String server, String caPem, String token) throws IOException {
    Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: dirigent
          cluster: {server: "%s", certificate-authority-data: %s}
        users:
        - name: me
          user: {token: %s}
        contexts:
        - name: dirigent
          context: {cluster: dirigent, user: me, namespace: default}
        current-context: dirigent
        """.formatted(server, Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII)), token));
    return file;
  }
}
