package io.dirigent.controllers;

import com.typesafe.config.Config;
import io.dirigent.core.auth.Caller;
import io.dirigent.core.auth.Callers;
import io.dirigent.core.cluster.HolderLease;
import io.dirigent.core.events.EventRecorder;
import io.dirigent.core.informer.Index;
import io.dirigent.core.informer.SharedInformer;
import io.dirigent.core.informer.SharedInformers;
import io.dirigent.core.store.Store;
import java.time.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * The controller manager — a cluster singleton on control-plane members that runs every control
 * loop as a child ({@link ControllerLoop}): Endpoints, EndpointSlices, ReplicaSet, ReplicationController, Deployment, DaemonSet, StatefulSet, Job, CronJob, the
 * PersistentVolume binder and reclaimer and the local-path provisioner, the garbage collector, node lifecycle, namespace deletion, ClusterRole aggregation, each namespace's default ServiceAccount
 * and the kubernetes Service's Endpoints. The loops share one informer per kind ({@link SharedInformers}), whose indexed
 * store every loop that follows the kind reads. When its member goes, the singleton starts on another and the informers
 * rebuild their stores from the store: the loops keep no state of their own.
 */
public final class ControllerManager {

  private ControllerManager() {}

  /** Starts the singleton on this member (a proxy where the role is missing). */
  public static ActorRef<Void> init(ActorSystem<?> system, Store store) {
    ControllerSettings settings = ControllerSettings.from(system.settings().config());
    Optional<String> caPem = clusterAuthority(system.settings().config());
    return ClusterSingleton.get(system).init(SingletonActor.of(
            // Under its own name: the store holds it to what a controller manager does (io.dirigent.core.auth.StoreAccess).
            Behaviors.supervise(create(store.as(Callers.get(system).component(Caller.CONTROLLER_MANAGER)), settings, Clock.systemUTC(), caPem))
                .onFailure(restartWithBackoff(settings.restartBackoff())),
            "controller-manager")
        .withSettings(ClusterSingletonSettings.create(system).withRole(settings.role())));
  }

  private static SupervisorStrategy restartWithBackoff(ControllerSettings.Backoff backoff) {
    return SupervisorStrategy.restartWithBackoff(backoff.initial(), backoff.max(), 0.2);
  }

  /** The cluster authority's certificate, which pods get to verify the API server; empty over plain HTTP. */
  private static Optional<String> clusterAuthority(Config config) {
    if (!config.getBoolean("dirigent.api.tls.enabled")) {
      return Optional.empty();
    }
    Path ca = Path.of(config.getString("dirigent.api.tls.pki-dir")).resolve("ca.crt");
    try {
      return Files.exists(ca) ? Optional.of(Files.readString(ca)) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("the cluster's authority cannot be read from " + ca, e);
    }
  }

  static Behavior<Void> create(Store store, ControllerSettings settings, Clock clock, Optional<String> caPem) {
    return Behaviors.setup(context -> {
      // Who runs the controllers, as kube-controller-manager says it: the Lease kube-system/kube-controller-manager.
      context.spawn(HolderLease.create(store, HolderLease.leader(context.getSystem(), "kube-controller-manager"), clock), "leader-lease");
      EventRecorder events = settings.events() ? new EventRecorder(store, "controller-manager", null, clock) : null;
      MemberView members = MemberView.of(context.getSystem(), settings.role());
      List<Controller> controllers = List.of(
          new EndpointsController(store),
          new EndpointSliceController(store),
          ReplicaSetController.forReplicaSets(store, named(store, events, "replicaset-controller", clock), clock),
          ReplicaSetController.forReplicationControllers(store, named(store, events, "replication-controller", clock), clock),
          new DeploymentController(store, named(store, events, "deployment-controller", clock), clock),
          new GarbageCollector(store),
          new DaemonSetController(store, named(store, events, "daemonset-controller", clock), clock),
          new JobController(store, named(store, events, "job-controller", clock), clock, JobPlanner.DEFAULT_BACKOFF),
          new CronJobController(store, named(store, events, "cronjob-controller", clock), clock),
          new StatefulSetController(store, named(store, events, "statefulset-controller", clock)),
          new NamespaceController(store, settings.namespaceRecheckInterval()),
          new CustomResourceCleanup(store, settings.namespaceRecheckInterval()),
          new ClusterRoleAggregationController(store),
          new ServiceAccountController(store, caPem),
          new DisruptionController(store, clock),
          new ResourceQuotaController(store),
          new NodeLifecycleController(store, named(store, events, "node-controller", clock), clock,
              settings.nodeMonitorGracePeriod(), settings.nodeMonitorPeriod(), settings.evictions(), members),
          new ApiServerEndpointsController(store, members, settings.apiServerEndpointsInterval()),
          new ClaimBinder(store, named(store, events, "persistentvolume-controller", clock)),
          new VolumeReclaimer(store, named(store, events, "persistentvolume-controller", clock)),
          new ClaimProtection(store),
          new LocalPathProvisioner(store, named(store, events, "dirigent.io/local-path", clock), settings.provisioningRetryInterval()),
          NodeIpamController.from(store, named(store, events, "node-ipam-controller", clock),
              context.getSystem().settings().config().getConfig("dirigent.network"), settings.nodeIpamRetryInterval()));
      SharedInformers informers = new SharedInformers(context, store, settings.relistDelay(), Index.STANDARD);
      for (Controller controller : controllers) {
        List<SharedInformer.Handle> followed = controller.watches().stream().map(watch -> informers.of(watch.kind())).toList();
        // A loop that fails starts again and subscribes anew, rather than leaving its kind unreconciled.
        context.spawn(Behaviors.supervise(ControllerLoop.create(store, controller, followed, settings.workers(), settings.resyncInterval(),
                settings.retryBackoff()))
            .onFailure(restartWithBackoff(settings.loopRestartBackoff())),
            controller.name());
      }
      context.getLog().info("controller manager started controllers={} informers={}", controllers.stream().map(Controller::name).toList(),
          informers.started().stream().map(handle -> handle.type().resource()).toList());
      return Behaviors.receive(Void.class)
          .onSignal(Terminated.class, stopped -> {
            // An informer stopped: its loops would hear nothing again. Fail, and be started afresh.
            throw new IllegalStateException("controller manager: " + stopped.getRef().path().name() + " stopped");
          })
          .build();
    });
  }

  /** A recorder reporting as {@code component}, as each Kubernetes controller names itself. */
  private static EventRecorder named(Store store, EventRecorder enabled, String component, Clock clock) {
    return enabled == null ? null : new EventRecorder(store, component, null, clock);
  }
}
