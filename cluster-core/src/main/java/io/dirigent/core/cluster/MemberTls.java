package io.dirigent.core.cluster;

import com.typesafe.config.Config;
import io.dirigent.core.pki.ClusterPki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
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

  /** What the member presents and trusts, and when its files were read; replaced when they change. */
  private record Loaded(SSLContext context, X509Certificate certificate, FileTime modified) {}

  /** How often, at most, the member certificate's file is looked at for a renewal. */
  private static final long RELOAD_CHECK_NANOS = Duration.ofSeconds(2).toNanos();

  private final Path dir;
  private volatile Loaded loaded;
  private volatile long nextCheck;
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
    this.dir = Path.of(config.getString("dirigent.cluster.tls.pki-dir"));
    try {
      prepare(dir, config.getString("dirigent.cluster.member-name"), config.getStringList("pekko.cluster.roles"),
          config.getDuration("dirigent.cluster.tls.renew-before"));
      this.loaded = load(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("member TLS cannot be set up from " + dir + ": " + e.getMessage(), e);
    }
    this.nextCheck = System.nanoTime() + RELOAD_CHECK_NANOS;
  }

  /** Makes the member certificate when the member holds the authority and has none, one without its roles, or one near its end. */
  private static void prepare(Path dir, String name, List<String> roles, Duration renewBefore) throws IOException {
    Path ca = dir.resolve("ca.crt");
    if (!Files.exists(ca)) {
      throw new IOException("there is no cluster authority (ca.crt) in " + dir + ": copy the cluster's DIR/pki here, or start the first member");
    }
    boolean held = Files.exists(dir.resolve(MEMBER + ".crt")) && Files.exists(dir.resolve(MEMBER + ".key"));
    boolean authority = Files.exists(dir.resolve("ca.key"));
    if (held && authority) {
      X509Certificate current = ClusterPki.readCertificate(dir.resolve(MEMBER + ".crt"));
      held = MemberRoles.missing(ClusterPki.identityOf(current), roles).isEmpty()
          && !ClusterPki.dueForRenewal(current, Clock.systemUTC().instant(), renewBefore);
    }
    if (!held) {
      if (!authority) {
        throw new IOException("there is no member certificate (member.crt, member.key) in " + dir
            + ", and no authority key to make one: issue one on a control-plane member (docs/security.md)");
      }
      // A member holding the authority names its own roles; one whose certificate lacks a role it takes gets a new one.
      ClusterPki pki = ClusterPki.loadOrCreate(dir, "dirigent", Clock.systemUTC());
      pki.save(MEMBER, pki.issueMember(name, MemberRoles.declared(roles)));
    }
  }

  /** The member's certificate and key, and the authority, as they are on disk now. */
  private static Loaded load(Path dir) throws IOException {
    try {
      FileTime modified = Files.getLastModifiedTime(dir.resolve(MEMBER + ".crt"));
      X509Certificate authority = ClusterPki.readCertificate(dir.resolve("ca.crt"));
      X509Certificate certificate = ClusterPki.readCertificate(dir.resolve(MEMBER + ".crt"));
      java.security.PrivateKey key = ClusterPki.readKey(dir.resolve(MEMBER + ".key"));
      if (!pair(key, certificate)) {
        throw new IOException("member.key is not the key of member.crt");
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(ClusterPki.presenting(key, certificate, authority), ClusterPki.trusting(authority), null);
      return new Loaded(context, certificate, modified);
    } catch (GeneralSecurityException e) {
      throw new IOException("the member's certificate cannot be used: " + e.getMessage(), e);
    }
  }

  /**
   * The current context: a renewed certificate on disk (a new {@code member.crt}) is taken for
   * the connections that follow. A pair that does not load (the key not yet beside its
   * certificate) leaves the one in use until the next look.
   */
  private SSLContext context() {
    long now = System.nanoTime();
    if (now - nextCheck >= 0) {
      nextCheck = now + RELOAD_CHECK_NANOS;
      try {
        if (!Files.getLastModifiedTime(dir.resolve(MEMBER + ".crt")).equals(loaded.modified())) {
          loaded = load(dir);
        }
      } catch (IOException e) {
        // Keep what works; the next look may find the files complete.
      }
    }
    return loaded.context();
  }

  /** Whether {@code key} is the private half of {@code certificate} (a renewal writes the key first, then the certificate). */
  private static boolean pair(java.security.PrivateKey key, X509Certificate certificate) {
    try {
      var signature = java.security.Signature.getInstance("SHA256withECDSA");
      signature.initSign(key);
      byte[] probe = "dirigent".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      signature.update(probe);
      byte[] signed = signature.sign();
      signature.initVerify(certificate.getPublicKey());
      signature.update(probe);
      return signature.verify(signed);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The certificate this member presents now. */
  X509Certificate presented() {
    context();
    return loaded.certificate();
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
    SSLEngine engine = context().createSSLEngine(hostname, port);
    engine.setUseClientMode(client);
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setProtocols(new String[] {"TLSv1.3"});
    if (!client) {
      parameters.setNeedClientAuth(true);
    }
    engine.setSSLParameters(parameters);
    return engine;
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
