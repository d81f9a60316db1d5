package io.dirigent.core.cluster;

import com.typesafe.config.Config;
import io.dirigent.core.api.ResourceRegistry;
import io.dirigent.core.crd.CustomResourceWatcher;
import io.dirigent.core.crd.CustomResources;
import io.dirigent.core.crd.DefinitionAdmission;
import io.dirigent.core.auth.BootstrapPolicy;
import io.dirigent.core.auth.ServiceAccountAdmission;
import io.dirigent.core.store.JournalProbe;
import io.dirigent.core.store.ObjectEntity;
import io.dirigent.core.namespaces.NamespaceFinalizer;
import io.dirigent.core.pki.ClusterPki;
import io.dirigent.core.quota.LimitRangeAdmission;
import io.dirigent.core.quota.QuotaAdmission;
import io.dirigent.core.scheduling.PriorityAdmission;
import io.dirigent.core.scheduling.PriorityClasses;
import io.dirigent.core.security.PodSecurityAdmission;
import io.dirigent.core.services.ServiceAdmission;
import io.dirigent.core.services.KubernetesService;
import io.dirigent.core.services.ServiceAllocator;
import io.dirigent.core.store.ResourceIndex;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreSettings;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * One Dirigent cluster member: its actor system, joined to the cluster, with the store's sharded
 * entities registered. Control-plane members host the object entities and indexes and make sure
 * the system namespaces and the default RBAC roles exist.
 */
public final class ClusterNode implements AutoCloseable {

  public static final String CONTROL_PLANE = "control-plane";
  public static final String WORKER = "worker";

  private final ActorSystem<Void> system;
  private final Timing timing;
  private final ResourceRegistry registry;
  private final Store store;
  private final CompletionStage<Void> ready;
  private final Quorum quorum;
  /** Completes once the member has listed the CustomResourceDefinitions (at once on a worker, which serves none). */
  private volatile CompletionStage<Void> definitionsListed = CompletableFuture.completedFuture(null);
  /** On a control-plane member, once its store's schema is there. */
  private volatile JournalProbe journal;

  private ClusterNode(ActorSystem<Void> system, ResourceRegistry kinds) {
    this.system = system;
    // The member's own: the custom resources it serves come and go with their definitions.
    ResourceRegistry registry = kinds.extensible();
    this.registry = registry;
    this.timing = Timing.from(system.settings().config());
    StoreSettings settings = StoreSettings.from(system);
    boolean controlPlane = Cluster.get(system).selfMember().hasRole(CONTROL_PLANE);
    // Entities start on demand; the schema must be there before this member hosts any.
    CompletionStage<Void> schema = controlPlane ? StoreSchema.ensure(system) : CompletableFuture.completedFuture(null);
    this.store = new Store(system, registry);
    this.quorum = Quorum.of(system, settings.role());
    this.ready = schema
        .thenRun(() -> {
          if (controlPlane) {
            journal = JournalProbe.get(system);
          }
          ObjectEntity.init(system, registry, settings);
          ResourceIndex.init(system, registry, settings);
          ServiceAllocator.init(system, store, settings);
          store.admit(registry.byResource("services").orElseThrow(), new ServiceAdmission(system, settings.askTimeout())
              .then(new QuotaAdmission(store, registry.byResource("services").orElseThrow())));
          store.admit(registry.byResource("namespaces").orElseThrow(), new NamespaceFinalizer());
          store.admit(registry.byResource(CustomResources.DEFINITIONS).orElseThrow(), new DefinitionAdmission(store, java.time.Clock.systemUTC()));
          store.admit(registry.byResource("nodes").orElseThrow(), new io.dirigent.core.node.NodeRangeAdmission());
          // Mutating before validating, as Kubernetes orders its admission: the token volume, the
          // limit ranges' defaults (and bounds), Pod Security, and the quotas last.
          store.admit(registry.byResource("pods").orElseThrow(),
              new ServiceAccountAdmission(store, system.settings().config().getBoolean("dirigent.api.tls.enabled"))
                  .then(new PriorityAdmission(store))
                  .then(new LimitRangeAdmission(store))
                  .then(PodSecurityAdmission.from(store, system.settings().config()))
                  .then(new QuotaAdmission(store, registry.byResource("pods").orElseThrow())));
          // The other kinds quotas count that have no admission of their own.
          for (String counted : QUOTA_COUNTED) {
            registry.byResource(counted).ifPresent(type -> store.admit(type, new QuotaAdmission(store, type)));
          }
          if (system.settings().config().getBoolean("dirigent.cluster.tls.enabled")) {
            startMemberTlsGuards(system, controlPlane);
          }
          ClusterFormation.startProbe(system);
          joinCluster(system);
        })
        .thenCompose(joined -> awaitUp())
        .thenRun(() -> ClusterFormation.recordMember(dataDir(system)))
        .thenRun(() -> {
          if (controlPlane) {
            definitionsListed = CustomResourceWatcher.start(system, store, settings.definitionsRelistDelay());
          }
        })
        .thenCompose(up -> controlPlane ? retrying("the system namespaces", () -> SystemNamespaces.ensure(store)) : CompletableFuture.completedFuture(null))
        .thenCompose(namespaces -> controlPlane ? retrying("the bootstrap policy", () -> BootstrapPolicy.ensure(store)) : CompletableFuture.completedFuture(null))
        .thenCompose(policy -> controlPlane ? retrying("the system priority classes", () -> PriorityClasses.ensure(store)) : CompletableFuture.completedFuture(null))
        .thenCompose(classes -> controlPlane ? retrying("the local APIServices", () -> LocalApiServices.ensure(store, java.time.Clock.systemUTC()))
            : CompletableFuture.completedFuture(null))
        .thenCompose(policy -> controlPlane ? retrying("the kubernetes Service", () -> KubernetesService.ensure(system, store)) : CompletableFuture.completedFuture(null))
        .thenCompose(service -> controlPlane ? retrying("the default StorageClass", () -> DefaultStorageClass.ensure(store)) : CompletableFuture.completedFuture(null))
        // Ready once it serves every custom resource there is, not only the built-in kinds.
        .thenCompose(storageClass -> definitionsListed);
  }

  /** Starts a member with the given overrides on top of Dirigent's configuration. */
  public static ClusterNode start(String name, Config overrides) {
    return start(name, overrides, ResourceRegistry.builtin());
  }

  public static ClusterNode start(String name, Config overrides, ResourceRegistry registry) {
    JvmDefaults.apply();
    Config config = DirigentConfig.load(overrides);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), name, config);
    if (!JvmDefaults.callbacksPooled()) {
      system.log().warn("CompletableFuture callbacks start a thread each on this JVM (common pool parallelism {}); "
          + "start it with -D{}=2 or call JvmDefaults.apply() first thing in main",
          java.util.concurrent.ForkJoinPool.getCommonPoolParallelism(), JvmDefaults.COMMON_POOL_PARALLELISM);
    }
    return new ClusterNode(system, registry);
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public Store store() {
    return store;
  }

  public ResourceRegistry registry() {
    return registry;
  }

  /**
   * Completes when this member is Up and, on a control-plane member, the store answers; fails if
   * the member stops first.
   */
  public CompletionStage<Void> ready() {
    return ready;
  }

  /**
   * Why this member should not take requests now, as its {@code /readyz} says: it is not on the
   * side of the cluster the split brain resolver keeps, or (on a control-plane member) its journal
   * does not answer. Empty when it should.
   */
  public java.util.Optional<String> unready() {
    JournalProbe probe = journal;
    return probe == null ? quorum.lacking() : quorum.and(probe::problem).lacking();
  }

  /**
   * The member's start-up timings, from {@code dirigent.cluster}.
   *
   * @param upCheckInterval how often a starting member looks whether it is Up
   * @param startRetryInterval a start-up write the store did not take (the system namespaces, the
   *     bootstrap policy, ...) is tried again after this
   */
  public record Timing(java.time.Duration upCheckInterval, java.time.Duration startRetryInterval) {
    public Timing {
      for (java.time.Duration interval : List.of(upCheckInterval, startRetryInterval)) {
        if (interval.isNegative() || interval.isZero()) {
          throw new IllegalArgumentException("dirigent.cluster: the start-up intervals must be longer than zero: " + interval);
        }
      }
    }

    public static Timing from(Config config) {
      Config cluster = config.getConfig("dirigent.cluster");
      return new Timing(cluster.getDuration("up-check-interval"), cluster.getDuration("start-retry-interval"));
    }
  }

  /** The longest {@link #close} waits for the actor system to stop. */
  private static final java.time.Duration CLOSE_TIMEOUT = java.time.Duration.ofSeconds(30);
  /** Kinds a ResourceQuota counts (by name, or as count/RESOURCE) that have no admission of their own; those served are admitted by quota. */
  private static final List<String> QUOTA_COUNTED = List.of("configmaps", "secrets", "persistentvolumeclaims", "replicationcontrollers",
      "resourcequotas", "deployments.apps", "replicasets.apps", "statefulsets.apps", "daemonsets.apps", "jobs.batch", "cronjobs.batch");

  /**
   * Leaves the cluster and stops the actor system, waiting at most {@link #CLOSE_TIMEOUT}: a
   * member connection stuck in a TLS handshake (a peer that never completes it) can keep Pekko's
   * termination from finishing, and a caller must not wait for it forever.
   */
  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(CLOSE_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      system.log().warn("the actor system did not stop within {}; leaving it", CLOSE_TIMEOUT);
    } catch (java.util.concurrent.ExecutionException e) {
      system.log().warn("the actor system stopped with a failure: {}", e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * With TLS between members: every member renews its certificate before it ends; a control-plane
   * member holds the others to the roles their certificates carry and, holding the authority,
   * renews the workers' certificates.
   */
  private static void startMemberTlsGuards(ActorSystem<?> system, boolean controlPlane) {
    Config tls = system.settings().config().getConfig("dirigent.cluster.tls");
    java.nio.file.Path dir = java.nio.file.Path.of(tls.getString("pki-dir"));
    var props = org.apache.pekko.actor.typed.Props.empty();
    system.systemActorOf(MemberCertificates.renewer(dir, tls.getDuration("renew-before"), tls.getDuration("renew-check-interval"),
        system.dispatchers().lookup(org.apache.pekko.actor.typed.DispatcherSelector.blocking())), "dirigent-member-certificate-renewer", props);
    if (!controlPlane) {
      return;
    }
    system.systemActorOf(MemberRoles.create(), "dirigent-member-roles", props);
    if (java.nio.file.Files.exists(dir.resolve("ca.key"))) {
      try {
        ClusterPki authority = ClusterPki.loadOrCreate(dir, "dirigent", java.time.Clock.systemUTC());
        system.systemActorOf(MemberCertificates.issuer(authority), "dirigent-member-certificates", props);
      } catch (java.io.IOException e) {
        system.log().error("member certificates cannot be renewed here: {}", e.getMessage());
      }
    }
  }

  private static void joinCluster(ActorSystem<?> system) {
    Cluster cluster = Cluster.get(system);
    List<String> seeds = system.settings().config().getStringList("dirigent.cluster.seed-nodes");
    List<Address> addresses = seeds.isEmpty()
        ? List.of(cluster.selfMember().address())
        : seeds.stream().map(seed -> AddressFromURIString.parse("pekko://" + system.name() + "@" + seed)).toList();
    ClusterFormation.join(system, addresses, ClusterFormation.hasBeenMember(dataDir(system)));
  }

  private static java.nio.file.Path dataDir(ActorSystem<?> system) {
    return java.nio.file.Path.of(system.settings().config().getString("dirigent.data-dir"));
  }

  /**
   * {@code step}, tried again after the start-retry interval while it fails, until it succeeds or the member stops:
   * while members join and shards move, the store may not answer at once.
   */
  private <T> CompletionStage<T> retrying(String what, java.util.function.Supplier<CompletionStage<T>> step) {
    CompletableFuture<T> done = new CompletableFuture<>();
    attempt(what, step, done);
    return done;
  }

  private <T> void attempt(String what, java.util.function.Supplier<CompletionStage<T>> step, CompletableFuture<T> done) {
    step.get().whenComplete((value, failure) -> {
      if (failure == null) {
        done.complete(value);
      } else if (system.whenTerminated().isCompleted()) {
        done.completeExceptionally(failure);
      } else {
        system.log().info("{} not written yet ({}); trying again", what, failure.getMessage());
        system.scheduler().scheduleOnce(timing.startRetryInterval(), () -> attempt(what, step, done), system.executionContext());
      }
    });
  }

  private CompletionStage<Void> awaitUp() {
    CompletableFuture<Void> up = new CompletableFuture<>();
    Cluster cluster = Cluster.get(system);
    var poll = system.scheduler().scheduleAtFixedRate(
        java.time.Duration.ZERO, timing.upCheckInterval(),
        () -> {
          if (cluster.selfMember().status() == MemberStatus.up()) {
            up.complete(null);
          }
        },
        system.executionContext());
    // A member that gives up joining (no seed node answered) shuts itself down: say so at once
    // rather than leave the caller waiting.
    system.getWhenTerminated().thenRun(() -> up.completeExceptionally(new IllegalStateException(
        "the member stopped before it was Up; could it reach the seed nodes " + system.settings().config().getStringList("dirigent.cluster.seed-nodes") + "?")));
    return up.whenComplete((ok, failure) -> poll.cancel());
  }
}
