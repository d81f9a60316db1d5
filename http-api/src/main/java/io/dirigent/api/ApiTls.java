package io.dirigent.api;

import io.dirigent.core.pki.ClusterPki;
import java.io.IOException;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * The API server's TLS: its serving certificate from the cluster's authority (with the names and
 * addresses clients reach it by), and the client certificates that authority issued, which name
 * who sends a request (Kubernetes' X.509 authentication: the common name is the user, each
 * organisation a group). A client without one is anonymous.
 */
final class ApiTls {

  private final SSLContext context;

  private ApiTls(SSLContext context) {
    this.context = context;
  }

  /**
   * The serving certificate (made or renewed in the authority's directory) for the names and the
   * IPv4 addresses this server answers to ({@link HostCheck}), and the context that serves with it.
   */
  static ApiTls from(ClusterPki pki, HostCheck served) throws IOException {
    Set<InetAddress> addresses = new LinkedHashSet<>(List.of(InetAddress.getLoopbackAddress()));
    served.addresses().stream().filter(address -> address.getAddress().length == 4 && !address.isAnyLocalAddress()).forEach(addresses::add);
    ClusterPki.Issued serving = pki.serving("apiserver", served.names(), addresses);
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(ClusterPki.presenting(serving.key(), serving.certificate(), pki.ca()), ClusterPki.trusting(pki.ca()), null);
      return new ApiTls(context);
    } catch (GeneralSecurityException e) {
      throw new IOException("the API server's TLS could not be set up: " + e.getMessage(), e);
    }
  }

  /** An engine for one connection: TLS 1.2 or 1.3, a client certificate asked for, not required. */
  SSLEngine engine() {
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(false);
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
    parameters.setWantClientAuth(true);
    engine.setSSLParameters(parameters);
    return engine;
  }

  /** Who sent {@code request}: the identity its client certificate names, or empty (anonymous, or plain HTTP). */
  static Optional<ClusterPki.Identity> identity(HttpRequest request) {
    return request.getAttribute(AttributeKeys.sslSession).flatMap(info -> ClusterPki.peerIdentity(info.getSession()));
  }
}
