package io.dirigent.core.cluster;

import io.dirigent.core.LocalOnly;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Says in a Lease who holds something, as Kubernetes' components do in {@code kube-system}: the
 * scheduler's and the controller manager's leaders ({@code kube-scheduler},
 * {@code kube-controller-manager}), each API server's identity. Here the cluster decides who
 * holds it (a singleton's placement, a member's life); the Lease only publishes that, so that
 * {@code kubectl get lease -n kube-system} shows who leads. While it runs, the actor takes the
 * Lease (holderIdentity, acquireTime, leaseTransitions counted when the holder changes) and renews
 * it every {@code renewEvery}; failed writes are retried at the next renewal.
 */
public final class HolderLease {

  public static final String NAMESPACE = "kube-system";

  /** What the Lease says and how it is kept. */
  public record Spec(String name, String identity, Duration duration, Duration renewEvery, Map<String, String> labels, Map<String, String> annotations) {
    public Spec {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(identity, "identity");
      labels = Map.copyOf(labels);
      annotations = Map.copyOf(annotations);
      if (renewEvery.compareTo(duration) >= 0) {
        throw new IllegalArgumentException("a lease renewed every " + renewEvery + " would run out first: its duration is " + duration);
      }
    }
  }

  /**
   * The leader Lease {@code name} (kube-scheduler, kube-controller-manager) of a singleton running
   * on {@code system}'s member: held by that member's incarnation, timed by
   * {@code dirigent.cluster.leader-lease}.
   */
  public static Spec leader(org.apache.pekko.actor.typed.ActorSystem<?> system, String name) {
    var config = system.settings().config().getConfig("dirigent.cluster.leader-lease");
    var self = org.apache.pekko.cluster.typed.Cluster.get(system).selfMember().uniqueAddress();
    String identity = self.address().getHost().orElse("local") + ":" + self.address().getPort().orElse(0) + "_" + Long.toHexString(self.longUid());
    return new Spec(name, identity, config.getDuration("duration"), config.getDuration("renew-interval"), Map.of(), Map.of());
  }

  /** The label Kubernetes puts on the API servers' identity Leases. */
  public static final String API_SERVER_IDENTITY = "apiserver.kubernetes.io/identity";
  /** Where an API server's clients reach it, on its identity Lease: host:port. */
  public static final String API_ENDPOINT = "dirigent.io/api-endpoint";

  /**
   * The identity Lease of the API server of {@code system}'s member, serving at {@code host}:{@code port}:
   * {@code apiserver-<hash>} with Kubernetes' label, naming its member ({@link NodeLeases#MEMBER}) and
   * endpoint, from which the {@code kubernetes} Service's Endpoints are kept.
   */
  public static Spec apiServer(org.apache.pekko.actor.typed.ActorSystem<?> system, String host, int port) {
    var config = system.settings().config().getConfig("dirigent.cluster.leader-lease");
    var self = org.apache.pekko.cluster.typed.Cluster.get(system).selfMember().uniqueAddress();
    String name = "apiserver-" + Integer.toHexString(self.address().toString().hashCode());
    return new Spec(name, name + "_" + Long.toHexString(self.longUid()), config.getDuration("duration"), config.getDuration("renew-interval"),
        Map.of(API_SERVER_IDENTITY, "kube-apiserver"),
        Map.of(API_ENDPOINT, host + ":" + port, NodeLeases.MEMBER, self.address().toString()));
  }

  public sealed interface Command extends LocalOnly {}

  /** Stops renewing (the Lease runs out by itself). */
  public record Stop() implements Command {}

  private record Renew() implements Command {}

  private record Written(Throwable failure) implements Command {}

  private HolderLease() {}

  public static Behavior<Command> create(Store store, Spec spec, Clock clock) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(new Renew(), Duration.ZERO, spec.renewEvery());
      return idle(context, store, spec, clock);
    }));
  }

  private static Behavior<Command> idle(ActorContext<Command> context, Store store, Spec spec, Clock clock) {
    return Behaviors.receive(Command.class)
        .onMessage(Renew.class, renew -> {
          context.pipeToSelf(write(store, spec, clock.instant()), (done, failure) -> new Written(failure));
          return writing(context, store, spec, clock);
        })
        .onMessage(Written.class, written -> Behaviors.same())
        .onMessage(Stop.class, stop -> Behaviors.stopped())
        .build();
  }

  /** One write at a time: renewals due meanwhile are skipped. */
  private static Behavior<Command> writing(ActorContext<Command> context, Store store, Spec spec, Clock clock) {
    return Behaviors.receive(Command.class)
        .onMessage(Renew.class, renew -> Behaviors.same())
        .onMessage(Written.class, written -> {
          if (written.failure() != null) {
            context.getLog().info("lease {}/{} not renewed ({}); trying again in {}", NAMESPACE, spec.name(),
                written.failure().getMessage(), spec.renewEvery());
          }
          return idle(context, store, spec, clock);
        })
        .onMessage(Stop.class, stop -> Behaviors.stopped())
        .build();
  }

  /** Takes or renews the Lease at {@code now}: created if missing, its holder and transitions updated if another held it. */
  static CompletionStage<Lease> write(Store store, Spec spec, Instant now) {
    return store.get(Lease.class, NAMESPACE, spec.name()).handle((current, failure) -> {
      if (failure == null) {
        return store.update(next(current, spec, now));
      }
      if (StoreException.is(failure, StoreError.Reason.NOT_FOUND)) {
        return store.create(next(null, spec, now));
      }
      return CompletableFuture.<Lease>failedFuture(StoreException.cause(failure));
    }).thenCompose(stage -> stage);
  }

  /** The Lease as {@code spec}'s holder has it at {@code now}, after {@code current} (null: none yet). */
  static Lease next(Lease current, Spec spec, Instant now) {
    var time = now.atZone(ZoneOffset.UTC);
    boolean held = current != null && current.getSpec() != null && spec.identity().equals(current.getSpec().getHolderIdentity());
    int transitions = current == null || current.getSpec() == null || current.getSpec().getLeaseTransitions() == null
        ? 0 : current.getSpec().getLeaseTransitions();
    boolean everHeld = current != null && current.getSpec() != null && current.getSpec().getHolderIdentity() != null;
    return new LeaseBuilder()
        .withNewMetadata()
            .withName(spec.name())
            .withNamespace(NAMESPACE)
            .withLabels(spec.labels())
            .withAnnotations(spec.annotations())
            .withResourceVersion(current == null ? null : current.getMetadata().getResourceVersion())
        .endMetadata()
        .withNewSpec()
            .withHolderIdentity(spec.identity())
            .withLeaseDurationSeconds((int) Math.max(1, spec.duration().toSeconds()))
            .withAcquireTime(held && current.getSpec().getAcquireTime() != null ? current.getSpec().getAcquireTime() : time)
            .withRenewTime(time)
            .withLeaseTransitions(held || !everHeld ? transitions : transitions + 1)
        .endSpec()
        .build();
  }
}
