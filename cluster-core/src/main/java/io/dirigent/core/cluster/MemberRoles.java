package io.dirigent.core.cluster;

import io.dirigent.core.LocalOnly;
import io.dirigent.core.pki.ClusterPki;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Identify;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Holds every member to the roles its certificate carries. Pekko Cluster takes a member's roles
 * from the member itself; a worker running modified code could declare {@code control-plane} and
 * be given shards and singletons. A control-plane member therefore looks at the certificate each
 * member showed when this one connected to it ({@link MemberTls} keeps them by address) and downs
 * a member whose certificate does not name every role it declares
 * ({@code O=dirigent:role:control-plane}, {@code O=dirigent:role:worker}).
 */
public final class MemberRoles {

  /** How long to wait for a connection to a member, and so its certificate, before giving up on checking it. */
  private static final Duration CHECK_INTERVAL = Duration.ofMillis(200);
  private static final int CHECK_ATTEMPTS = 75;

  /** Local: the member's own cluster events and its own checks. */
  sealed interface Command extends LocalOnly {}

  private record Seen(ClusterEvent.MemberEvent event) implements Command {}

  private record Check(Member member, int attempt) implements Command {}

  private MemberRoles() {}

  /** The identities of the members this one connected to, by the address it reached them at. */
  public static final class Identities implements org.apache.pekko.actor.Extension {
    private final Map<String, ClusterPki.Identity> byAddress = new ConcurrentHashMap<>();

    void seen(String host, int port, ClusterPki.Identity identity) {
      byAddress.put(host + ":" + port, identity);
    }

    Optional<ClusterPki.Identity> of(Address address) {
      return Optional.ofNullable(byAddress.get(key(address)));
    }

    /** A member gone: whoever is next at its address shows its own certificate. */
    void forget(Address address) {
      byAddress.remove(key(address));
    }

    private static String key(Address address) {
      return address.host().getOrElse(() -> "") + ":" + address.port().getOrElse(() -> 0);
    }
  }

  private static final class IdentitiesId extends AbstractExtensionId<Identities> {
    @Override
    public Identities createExtension(ExtendedActorSystem system) {
      return new Identities();
    }
  }

  private static final IdentitiesId IDENTITIES = new IdentitiesId();

  static Identities identities(ActorSystem system) {
    return IDENTITIES.get(system);
  }

  /** The guard; runs on control-plane members when members talk TLS. */
  public static Behavior<Command> create() {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      Cluster cluster = Cluster.get(context.getSystem());
      cluster.subscriptions().tell(Subscribe.create(context.messageAdapter(ClusterEvent.MemberEvent.class, Seen::new), ClusterEvent.MemberEvent.class));
      Identities identities = identities(Adapter.toClassic(context.getSystem()));
      return Behaviors.receive(Command.class)
          .onMessage(Seen.class, seen -> {
            Member member = seen.event().member();
            if (seen.event() instanceof ClusterEvent.MemberRemoved) {
              identities.forget(member.address());
              return Behaviors.same();
            }
            boolean arriving = seen.event() instanceof ClusterEvent.MemberJoined || seen.event() instanceof ClusterEvent.MemberUp
                || seen.event() instanceof ClusterEvent.MemberWeaklyUp;
            if (arriving && !declared(member.getRoles()).isEmpty() && !member.equals(cluster.selfMember())) {
              context.getSelf().tell(new Check(member, 0));
            }
            return Behaviors.same();
          })
          .onMessage(Check.class, check -> {
            check(context, timers, cluster, identities, check);
            return Behaviors.same();
          })
          .build();
    }));
  }

  private static void check(ActorContext<Command> context, TimerScheduler<Command> timers, Cluster cluster, Identities identities, Check check) {
    Member member = check.member();
    Optional<ClusterPki.Identity> identity = identities.of(member.address());
    if (identity.isPresent()) {
      List<String> missing = missing(identity.get(), member.getRoles());
      if (missing.isEmpty()) {
        context.getLog().debug("member {} shows a certificate ({}) for its roles {}", member.address(), identity.get().user(), declared(member.getRoles()));
      } else {
        context.getLog().error("member {} declares the roles {} but its certificate ({}, {}) does not carry them: downing it",
            member.address(), missing, identity.get().user(), identity.get().groups());
        cluster.manager().tell(new Down(member.address()));
      }
      return;
    }
    if (check.attempt() == 0) {
      // Sending anything opens this member's connection to it, and with it the handshake that shows its certificate.
      Adapter.toClassic(context.getSystem()).actorSelection(member.address() + "/system/dirigent-member-roles")
          .tell(new Identify(member.address().toString()), ActorRef.noSender());
    }
    if (check.attempt() < CHECK_ATTEMPTS) {
      timers.startSingleTimer(new Check(member, check.attempt() + 1), CHECK_INTERVAL);
    } else {
      context.getLog().warn("member {} declares the roles {} and showed no certificate to this member yet: not checked", member.address(), declared(member.getRoles()));
    }
  }

  /** Of a member's {@code roles}, those its certificate must carry: Pekko's own data-center role ({@code dc-NAME}) aside. */
  public static List<String> declared(Collection<String> roles) {
    return roles.stream().filter(role -> !role.startsWith("dc-")).sorted().toList();
  }

  /** Of a member's declared {@code roles}, those the certificate {@code identity} names does not carry. */
  static List<String> missing(ClusterPki.Identity identity, Collection<String> roles) {
    return declared(roles).stream().filter(role -> !identity.groups().contains(ClusterPki.ROLE_PREFIX + role)).toList();
  }

  /** The roles the certificate {@code identity} names carries. */
  static List<String> carried(ClusterPki.Identity identity) {
    return identity.groups().stream().filter(group -> group.startsWith(ClusterPki.ROLE_PREFIX))
        .map(group -> group.substring(ClusterPki.ROLE_PREFIX.length())).toList();
  }
}
