package io.dirigent.cli.client;

import io.dirigent.core.pki.ClusterPki;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** The CLI's TLS from a kubeconfig: trust in its cluster's authority, and its user's client certificate. */
public final class ClientTls {

  private static final char[] NO_PASSWORD = new char[0];

  private ClientTls() {}

  /** A context for {@code tls}; empty when it names no authority and no certificate (the JDK's defaults then). */
  public static Optional<SSLContext> context(Kubeconfig.Tls tls) {
    if (tls.authority() == null && tls.certificate() == null) {
      return Optional.empty();
    }
    try {
      TrustManagerFactory trust = null;
      if (tls.authority() != null) {
        KeyStore authorities = KeyStore.getInstance("PKCS12");
        authorities.load(null, null);
        int i = 0;
        for (Certificate certificate : certificates(tls.authority())) {
          authorities.setCertificateEntry("ca-" + i++, certificate);
        }
        trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(authorities);
      }
      KeyManagerFactory keys = null;
      if (tls.certificate() != null) {
        if (tls.key() == null) {
          throw new CliException("kubeconfig: the user has a client certificate but no client key");
        }
        KeyStore identity = KeyStore.getInstance("PKCS12");
        identity.load(null, null);
        identity.setKeyEntry("user", ClusterPki.readKeyPem(tls.key(), "kubeconfig client-key"), NO_PASSWORD,
            certificates(tls.certificate()).toArray(Certificate[]::new));
        keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(identity, NO_PASSWORD);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
      return Optional.of(context);
    } catch (GeneralSecurityException | IOException e) {
      throw new CliException("kubeconfig: the certificates cannot be used: " + e.getMessage());
    }
  }

  private static Collection<? extends Certificate> certificates(String pem) throws GeneralSecurityException {
    return CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
  }
}
