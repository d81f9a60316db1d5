package io.dirigent.cli.client;

import io.dirigent.core.pki.ClusterPki;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/** The CLI's TLS from a kubeconfig: trust in its cluster's authority, and its user's client certificate. */
public final class ClientTls {

  private ClientTls() {}

  /** A context for {@code tls}; empty when it names no authority and no certificate (the JDK's defaults then). */
  public static Optional<SSLContext> context(Kubeconfig.Tls tls) {
    if (tls.authority() == null && tls.certificate() == null) {
      return Optional.empty();
    }
    try {
      var trust = tls.authority() == null ? null : ClusterPki.trusting(certificates(tls.authority(), "certificate-authority").toArray(X509Certificate[]::new));
      javax.net.ssl.KeyManager[] keys = null;
      if (tls.certificate() != null) {
        if (tls.key() == null) {
          throw new CliException("kubeconfig: the user has a client certificate but no client key");
        }
        keys = ClusterPki.presenting(ClusterPki.readKeyPem(tls.key(), "kubeconfig client-key"),
            certificates(tls.certificate(), "client-certificate").toArray(X509Certificate[]::new));
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust, null);
      return Optional.of(context);
    } catch (GeneralSecurityException | IOException e) {
      throw new CliException("kubeconfig: the certificates cannot be used: " + e.getMessage());
    }
  }

  private static List<X509Certificate> certificates(String pem, String field) throws IOException {
    List<X509Certificate> certificates = ClusterPki.readCertificates(pem);
    if (certificates.isEmpty()) {
      throw new IOException("the " + field + " holds no certificate");
    }
    return certificates;
  }
}
