package io.dirigent.api.testing;

import io.dirigent.core.pki.ClusterPki;
import java.net.http.HttpClient;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/** HTTP clients for a TLS test server. */
public final class TlsClients {

  private TlsClients() {}

  /** A client trusting {@code trusted}'s authority, presenting {@code identity} when not null. */
  public static HttpClient client(ClusterPki.Issued identity, ClusterPki trusted) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(identity == null ? null : ClusterPki.presenting(identity.key(), identity.certificate()), ClusterPki.trusting(trusted.ca()), null);
    return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
  }
}
