package io.dirigent.cli.testing;

import io.dirigent.core.pki.ClusterPki;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/** Kubeconfigs for a TLS test server, as k3s writes them: the authority, and a certificate or a token. */
public final class Kubeconfigs {

  private Kubeconfigs() {}

  /** A kubeconfig at {@code file} for {@code server}, trusting {@code pki}, as the holder of {@code user}'s certificate. */
  public static Path withCertificate(Path file, String server, ClusterPki pki, ClusterPki.Issued user) throws IOException {
    return write(file, server, pki, "{client-certificate-data: %s, client-key-data: %s}"
        .formatted(base64(ClusterPki.pem(user.certificate())), base64(ClusterPki.pem(user.key()))));
  }

  /** A kubeconfig at {@code file} for {@code server}, trusting {@code pki}, sending {@code token}. */
  public static Path withToken(Path file, String server, ClusterPki pki, String token) throws IOException {
    return write(file, server, pki, "{token: " + token + "}");
  }

  private static Path write(Path file, String server, ClusterPki pki, String user) throws IOException {
    Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: dirigent
          cluster: {server: "%s", certificate-authority-data: %s}
        users:
        - name: me
          user: %s
        contexts:
        - name: dirigent
          context: {cluster: dirigent, user: me, namespace: default}
        current-context: dirigent
        """.formatted(server, base64(pki.caPem()), user));
    return file;
  }

  private static String base64(String pem) {
    return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
  }
}
