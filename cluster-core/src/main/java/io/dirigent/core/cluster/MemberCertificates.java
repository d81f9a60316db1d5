package io.dirigent.core.cluster;

import io.dirigent.core.CborSerializable;
import io.dirigent.core.LocalOnly;
import io.dirigent.core.auth.Caller;
import io.dirigent.core.auth.Callers;
import io.dirigent.core.pki.ClusterPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * Member certificates renewed before they end, as kubelets rotate theirs: a member checks its
 * certificate now and then, and when less than {@code dirigent.cluster.tls.renew-before} is left
 * makes a new key pair and gets it certified — by its own authority if it holds one (a
 * control-plane member), otherwise by a control-plane member's {@link #issuer}, asking with its
 * store credential; only the public key leaves the member. The issuer certifies a worker for the
 * Node its credential names and the {@code worker} role, nothing else. {@link MemberTls} takes the
 * new files for the connections that follow.
 */
public final class MemberCertificates {

  /** How renewing members find an issuer. */
  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "dirigent-member-certificates");
  private static final String MEMBER = "member";

  public sealed interface Command extends CborSerializable {}

  /** Certify {@code publicKey} (base64 X.509 SubjectPublicKeyInfo) for the member whose credential is {@code caller}. */
  public record Renew(Caller caller, String publicKey, ActorRef<Renewed> replyTo) implements Command {}

  /** The certificate (PEM), or why there is none. */
  public record Renewed(String certificate, String error) implements CborSerializable {}

  /** The renewer's own steps. */
  private record Check() implements Command, LocalOnly {}

  private record Done(String outcome, Throwable failure) implements Command, LocalOnly {}

  private MemberCertificates() {}

  /** The issuer of a control-plane member holding the authority, registered with the receptionist. */
  public static Behavior<Command> issuer(ClusterPki authority) {
    return Behaviors.setup(context -> {
      context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
      Callers callers = Callers.get(context.getSystem());
      return Behaviors.receive(Command.class)
          .onMessage(Renew.class, renew -> {
            renew.replyTo().tell(certify(authority, callers, renew));
            return Behaviors.same();
          })
          .build();
    });
  }

  private static Renewed certify(ClusterPki authority, Callers callers, Renew renew) {
    Caller caller = renew.caller();
    if (!callers.verify(caller) || caller.nodeName() == null) {
      return new Renewed("", "the cluster does not know this member's credential: join again with a bootstrap token");
    }
    try {
      PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(renew.publicKey())));
      return new Renewed(ClusterPki.pem(authority.certifyMember(caller.nodeName(), List.of(ClusterNode.WORKER), key)), "");
    } catch (GeneralSecurityException | IllegalArgumentException | IOException e) {
      return new Renewed("", "not a P-256 public key: " + e.getMessage());
    }
  }

  /**
   * The renewer of the member certificate in {@code dir}: checks every {@code interval}; the
   * file work runs on {@code files}.
   */
  public static Behavior<Command> renewer(Path dir, Duration before, Duration interval, Executor files) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(new Check(), Duration.ZERO, interval);
      boolean[] busy = {false};
      return Behaviors.receive(Command.class)
          .onMessage(Check.class, check -> {
            if (!busy[0]) {
              busy[0] = true;
              context.pipeToSelf(renewIfDue(context, dir, before, files), Done::new);
            }
            return Behaviors.same();
          })
          .onMessage(Done.class, done -> {
            busy[0] = false;
            if (done.failure() != null) {
              context.getLog().warn("member certificate not renewed: {}", done.failure().getMessage());
            } else if (done.outcome() != null) {
              context.getLog().info("member certificate renewed: {}", done.outcome());
            }
            return Behaviors.same();
          })
          .build();
    }));
  }

  /** Renews when due; completes with what was done (null: nothing was due). Runs off the actor. */
  private static CompletionStage<String> renewIfDue(ActorContext<Command> context, Path dir, Duration before, Executor files) {
    var system = context.getSystem();
    Caller credential = Callers.get(system).member();
    Duration timeout = system.settings().config().getDuration("dirigent.store.ask-timeout");
    return CompletableFuture.supplyAsync(() -> {
      try {
        X509Certificate current = ClusterPki.readCertificate(dir.resolve(MEMBER + ".crt"));
        if (!ClusterPki.dueForRenewal(current, Clock.systemUTC().instant(), before)) {
          return null;
        }
        return ClusterPki.newMemberKeyPair();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, files).thenCompose(pair -> {
      if (pair == null) {
        return CompletableFuture.completedFuture(null);
      }
      if (Files.exists(dir.resolve("ca.key"))) {
        return CompletableFuture.supplyAsync(() -> selfIssue(dir, pair), files);
      }
      return askIssuer(system, credential, pair, timeout).thenApplyAsync(pem -> save(dir, pair, pem), files);
    });
  }

  /** A member holding the authority certifies its new key itself, keeping the roles it has. */
  private static String selfIssue(Path dir, KeyPair pair) {
    try {
      ClusterPki authority = ClusterPki.loadOrCreate(dir, "dirigent", Clock.systemUTC());
      ClusterPki.Identity identity = ClusterPki.identityOf(ClusterPki.readCertificate(dir.resolve(MEMBER + ".crt")));
      List<String> roles = MemberRoles.carried(identity);
      String name = identity.user().startsWith(ClusterPki.MEMBER_PREFIX) ? identity.user().substring(ClusterPki.MEMBER_PREFIX.length()) : identity.user();
      return save(dir, pair, ClusterPki.pem(authority.certifyMember(name, roles, pair.getPublic())));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static CompletionStage<String> askIssuer(org.apache.pekko.actor.typed.ActorSystem<?> system, Caller credential, KeyPair pair, Duration timeout) {
    String publicKey = Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
    return ControlPlaneServices.find(system, KEY, timeout)
        .thenCompose(issuers -> {
          if (issuers.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalStateException("no control-plane member renews member certificates yet"));
          }
          return AskPattern.<Command, Renewed>ask(issuers.get(0), replyTo -> new Renew(credential, publicKey, replyTo), timeout, system.scheduler());
        })
        .thenApply(renewed -> {
          if (!renewed.error().isEmpty()) {
            throw new IllegalStateException(renewed.error());
          }
          return renewed.certificate();
        });
  }

  /** Keeps the new pair: the key first, so that a certificate is never on disk without its key. */
  private static String save(Path dir, KeyPair pair, String certificatePem) {
    try {
      X509Certificate certificate = ClusterPki.readCertificates(certificatePem).get(0);
      if (!certificate.getPublicKey().equals(pair.getPublic())) {
        throw new IOException("the issuer certified another key");
      }
      ClusterPki.writeIssued(dir, MEMBER, new ClusterPki.Issued(certificate, pair.getPrivate()));
      return ClusterPki.subject(certificate) + " until " + certificate.getNotAfter().toInstant();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
