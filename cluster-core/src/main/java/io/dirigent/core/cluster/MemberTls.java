package io.dirigent.core.cluster;

import com.typesafe.config.Config;
import io.dirigent.core.pki.ClusterPki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.remote.artery.tcp.SSLEngineProvider;
import scala.Option;

/**
 * TLS between cluster members (Artery's {@code tls-tcp}): each member holds a certificate of the
 * cluster's authority ({@code member.crt}/{@code member.key} in {@code dirigent.cluster.tls.pki-dir},
 * made there when the authority's key is at hand), both sides show theirs, and a connection is
 * kept only when the other side's was issued by the cluster's authority to a member (organisation
 * {@value ClusterPki#MEMBERS}) — not a user's client certificate, not another cluster's. A process
 * without one cannot join, send to an actor, or read what members say to each other.
 */
public final class MemberTls implements SSLEngineProvider {

  private static final String MEMBER = "member";

  private final SSLContext context;
  /** Where the identities of the members this one connects to are kept; null outside an actor system. */
  private final MemberRoles.Identities identities;

  /** Pekko makes one per actor system, with the system. */
  public MemberTls(ActorSystem system) {
    this(system.settings().config(), MemberRoles.identities(system));
  }

  MemberTls(Config config) {
    this(config, null);
  }

  private MemberTls(Config config, MemberRoles.Identities identities) {
    this.identities = identities;
    Path dir = Path.of(config.getString("dirigent.cluster.tls.pki-dir"));
    try {
      this.context = context(dir, config.getString("dirigent.cluster.member-name"), config.getStringList("pekko.cluster.roles"));
    } catch (IOException e) {
      throw new UncheckedIOException("member TLS cannot be set up from " + dir + ": " + e.getMessage(), e);
    }
  }

  private static SSLContext context(Path dir, String name, List<String> roles) throws IOException {
    Path ca = dir.resolve("ca.crt");
    if (!Files.exists(ca)) {
      throw new IOException("there is no cluster authority (ca.crt) in " + dir + ": copy the cluster's DIR/pki here, or start the first member");
    }
    boolean held = Files.exists(dir.resolve(MEMBER + ".crt")) && Files.exists(dir.resolve(MEMBER + ".key"));
    if (!held || (Files.exists(dir.resolve("ca.key")) && !carries(ClusterPki.readCertificate(dir.resolve(MEMBER + ".crt")), roles))) {
      if (!Files.exists(dir.resolve("ca.key"))) {
        throw new IOException("there is no member certificate (member.crt, member.key) in " + dir
            + ", and no authority key to make one: issue one on a control-plane member (docs/security.md)");
      }
      // A member holding the authority names its own roles; one whose certificate lacks a role it takes gets a new one.
      ClusterPki pki = ClusterPki.loadOrCreate(dir, "dirigent", Clock.systemUTC());
      pki.save(MEMBER, pki.issueMember(name, roles.stream().filter(role -> !role.startsWith("dc-")).toList()));
    }
    try {
      X509Certificate authority = ClusterPki.readCertificate(ca);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(ClusterPki.presenting(ClusterPki.readKey(dir.resolve(MEMBER + ".key")), ClusterPki.readCertificate(dir.resolve(MEMBER + ".crt")),
          authority), ClusterPki.trusting(authority), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("the member's certificate cannot be used: " + e.getMessage(), e);
    }
  }

  @Override
  public SSLEngine createServerSSLEngine(String hostname, int port) {
    return engine(hostname, port, false);
  }

  @Override
  public SSLEngine createClientSSLEngine(String hostname, int port) {
    return engine(hostname, port, true);
  }

  /** TLS 1.3 only; the accepting side demands the other's certificate. */
  private SSLEngine engine(String hostname, int port, boolean client) {
    SSLEngine engine = context.createSSLEngine(hostname, port);
    engine.setUseClientMode(client);
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setProtocols(new String[] {"TLSv1.3"});
    if (!client) {
      parameters.setNeedClientAuth(true);
    }
    engine.setSSLParameters(parameters);
    return engine;
  }

  /** Whether {@code certificate} lets its member take every one of {@code roles} (Pekko's own dc- roles aside). */
  static boolean carries(X509Certificate certificate, List<String> roles) {
    List<String> groups = ClusterPki.identityOf(certificate).groups();
    return roles.stream().filter(role -> !role.startsWith("dc-")).allMatch(role -> groups.contains(ClusterPki.ROLE_PREFIX + role));
  }

  /**
   * On a connection this member opened: the other side must be a member, and what its certificate
   * says is kept, by the address it was reached at, for {@link MemberRoles} to hold its declared
   * roles against.
   */
  @Override
  public Option<Throwable> verifyClientSession(String hostname, SSLSession session) {
    Option<Throwable> problem = member(session);
    if (problem.isEmpty() && identities != null) {
      ClusterPki.peerIdentity(session).ifPresent(identity -> identities.seen(session.getPeerHost(), session.getPeerPort(), identity));
    }
    return problem;
  }

  @Override
  public Option<Throwable> verifyServerSession(String hostname, SSLSession session) {
    return member(session);
  }

  /** Nothing when the peer's certificate (already checked against the authority) names a member; why not otherwise. */
  private static Option<Throwable> member(SSLSession session) {
    return ClusterPki.peerIdentity(session).filter(identity -> identity.groups().contains(ClusterPki.MEMBERS)).isPresent()
        ? Option.empty()
        : Option.apply(new SecurityException("the peer showed no cluster member's certificate"));
  }
}
