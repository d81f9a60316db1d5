package io.dirigent.controllers;

import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.PodPhase;
import io.dirigent.core.events.EventRecorder;
import io.dirigent.core.informer.Index;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each ReplicaSet's pods at {@code spec.replicas}: creates the missing ones from its
 * template (owned by it, named after it), deletes the surplus — the ones that matter least
 * first: unscheduled, then pending, then not ready, then the newest — and writes its status.
 * Expectations stop it creating twice while its cache has not yet seen its own creates.
 * The same loop, over {@link ReplicatedKind#REPLICATION_CONTROLLERS}, keeps ReplicationControllers.
 */
final class ReplicaSetController<T extends HasMetadata> implements Controller {

  /** The most pods created in one reconcile; the rest follow once these are seen. */
  private static final int MAX_BURST = 500;
  private static final Logger log = LoggerFactory.getLogger(ReplicaSetController.class);

  private final ReplicatedKind<T> kind;
  private final Store store;
  private final PodControl pods;
  private final Clock clock;
  private final Expectations expectations;

  ReplicaSetController(ReplicatedKind<T> kind, Store store, EventRecorder events, Clock clock) {
    this.kind = kind;
    this.store = store;
    this.pods = new PodControl(store, events);
    this.clock = clock;
    this.expectations = new Expectations(clock);
  }

  /** The ReplicaSet controller. */
  static ReplicaSetController<ReplicaSet> forReplicaSets(Store store, EventRecorder events, Clock clock) {
    return new ReplicaSetController<>(ReplicatedKind.REPLICA_SETS, store, events, clock);
  }

  /** The ReplicationController controller (Kubernetes' replication manager). */
  static ReplicaSetController<ReplicationController> forReplicationControllers(Store store, EventRecorder events, Clock clock) {
    return new ReplicaSetController<>(ReplicatedKind.REPLICATION_CONTROLLERS, store, events, clock);
  }

  @Override
  public String name() {
    return kind.controllerName();
  }

  @Override
  public List<Watch> watches() {
    return List.of(
        new Watch(kind.type(), (change, cache) -> {
          if (change.deleted()) {
            expectations.forget(Cache.key(change.object()));
          }
          return List.of(Cache.key(change.object()));
        }),
        new Watch(Pod.class, (change, cache) -> {
          List<String> owner = expectations.ownerOfPod(change, kind.kind());
          return owner.isEmpty() ? ControllerRefs.adopters(change, cache, kind.type(), kind.selector()) : owner;
        }));
  }

  @Override
  public CompletionStage<?> reconcile(String key, Cache cache) {
    Optional<T> found = cache.get(kind.type(), key);
    if (found.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    T rs = found.get();
    return ControllerRefs.claim(store, rs, kind.selector().apply(rs), ControllerRefs.candidates(cache, Pod.class, rs))
        .thenCompose(owned -> sync(key, rs, owned));
  }

  private CompletionStage<?> sync(String key, T rs, List<Pod> owned) {
    List<Pod> active = owned.stream().filter(ReplicaSetController::active).toList();
    CompletionStage<?> scaled = CompletableFuture.completedFuture(null);
    Integer replicas = kind.replicas().apply(rs);
    int wanted = replicas == null ? 1 : replicas;
    if (rs.getMetadata().getDeletionTimestamp() != null) {
      log.debug("{}={} being deleted: not scaling, active={}", kind.controllerName(), key, active.size());
    } else if (!expectations.satisfied(key)) {
      log.debug("{}={} waiting for its creates and deletes to be seen: not scaling, active={} replicas={}", kind.controllerName(), key, active.size(), wanted);
    } else {
      int diff = wanted - active.size();
      if (diff > 0) {
        log.debug("{}={} creating pods={} active={} replicas={}{}", kind.controllerName(), key, Math.min(diff, MAX_BURST), active.size(), wanted,
            diff > MAX_BURST ? " (the rest once these are seen)" : "");
        scaled = createPods(key, rs, Math.min(diff, MAX_BURST));
      } else if (diff < 0) {
        List<Pod> victims = ranked(active).subList(0, -diff);
        log.debug("{}={} deleting pods={} active={} replicas={}", kind.controllerName(), key, Cache.names(victims), active.size(), wanted);
        scaled = deletePods(key, rs, victims);
      }
    }
    ReplicaSetStatus status = status(rs, active);
    // Pods that are ready but not yet available for minReadySeconds become so without an event.
    java.time.Duration recheck = Availability.nextAvailable(active, minReady(rs), clock.instant());
    return scaled.thenCompose(done -> writeStatus(rs, status)).thenApply(done -> recheck);
  }

  private int minReady(T rs) {
    Integer seconds = kind.minReadySeconds().apply(rs);
    return seconds == null ? 0 : seconds;
  }

  /** The pods {@code rs} controls, as the cache has them. */
  static List<Pod> owned(HasMetadata rs, Cache cache) {
    return cache.indexed(Pod.class, Index.CONTROLLER, rs.getMetadata().getUid());
  }

  /** Counts toward replicas: not being deleted, not finished. */
  static boolean active(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() == null && !PodPhase.of(pod).terminal();
  }

  /** Pods in the order to delete them: unscheduled, pending, not ready, then the newest. */
  static List<Pod> ranked(List<Pod> pods) {
    List<Pod> ranked = new ArrayList<>(pods);
    ranked.sort(Comparator
        .comparing((Pod p) -> p.getSpec().getNodeName() != null && !p.getSpec().getNodeName().isEmpty())
        .thenComparing(p -> PodPhase.of(p) == PodPhase.RUNNING)
        .thenComparing(EndpointsController::ready)
        .thenComparing((Pod p) -> p.getMetadata().getCreationTimestamp() == null ? "" : p.getMetadata().getCreationTimestamp(), Comparator.reverseOrder()));
    return ranked;
  }

  private CompletionStage<?> createPods(String key, T rs, int count) {
    expectations.expect(key, count, 0);
    List<CompletableFuture<Pod>> creates = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      creates.add(pods.create(rs, podFor(rs, kind.template().apply(rs))).toCompletableFuture().whenComplete((pod, failure) -> {
        if (failure != null) {
          // This create will never be seen; the others that succeeded still are expected.
          log.debug("{}={} create failed, one fewer expected: {}", kind.controllerName(), key, StoreException.cause(failure).getMessage());
          expectations.createFailed(key);
        }
      }));
    }
    return CompletableFuture.allOf(creates.toArray(CompletableFuture[]::new));
  }

  /** A new pod from {@code rs}'s template, owned by it. */
  static Pod podFor(HasMetadata rs, PodTemplateSpec rsTemplate) {
    PodTemplateSpec template = KubeJson.toTyped(KubeJson.MAPPER.valueToTree(rsTemplate), PodTemplateSpec.class);
    ObjectMeta meta = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
    meta.setName(null);
    meta.setGenerateName(rs.getMetadata().getName() + "-");
    meta.setNamespace(rs.getMetadata().getNamespace());
    meta.setOwnerReferences(List.of(Owners.reference(rs)));
    return new PodBuilder().withMetadata(meta).withSpec(template.getSpec()).build();
  }

  private CompletionStage<?> deletePods(String key, T rs, List<Pod> victims) {
    expectations.expect(key, 0, victims.size());
    CompletableFuture<?>[] deletes = victims.stream()
        .map(pod -> pods.delete(rs, pod).toCompletableFuture().whenComplete((deleted, failure) -> {
          if (failure != null || !deleted) {
            log.debug("{}={} pod={} {}, one fewer deletion expected", kind.controllerName(), key, pod.getMetadata().getName(),
                failure != null ? "not deleted: " + StoreException.cause(failure).getMessage() : "was gone already");
            expectations.deleteFailed(key);
          }
        }))
        .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(deletes);
  }

  /** replicas, fullyLabeledReplicas, readyReplicas, availableReplicas (ready for minReadySeconds), observedGeneration. */
  ReplicaSetStatus status(T rs, List<Pod> active) {
    int minReady = minReady(rs);
    Instant now = clock.instant();
    int ready = 0;
    int available = 0;
    int labeled = 0;
    PodTemplateSpec template = kind.template().apply(rs);
    Map<String, String> templateLabels = template.getMetadata() == null || template.getMetadata().getLabels() == null
        ? Map.of() : template.getMetadata().getLabels();
    for (Pod pod : active) {
      if (EndpointsController.ready(pod)) {
        ready++;
        if (Availability.availableFor(pod, minReady, now)) {
          available++;
        }
      }
      Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
      if (labels.entrySet().containsAll(templateLabels.entrySet())) {
        labeled++;
      }
    }
    return new ReplicaSetStatusBuilder()
        .withReplicas(active.size())
        .withFullyLabeledReplicas(labeled)
        .withReadyReplicas(ready)
        .withAvailableReplicas(available)
        .withObservedGeneration(rs.getMetadata().getGeneration())
        .build();
  }

  private CompletionStage<?> writeStatus(T rs, ReplicaSetStatus status) {
    ReplicaSetStatus current = kind.status().apply(rs);
    if (current != null && KubeJson.sameContent(KubeJson.MAPPER.valueToTree(withoutConditions(current)), KubeJson.MAPPER.valueToTree(status))) {
      return CompletableFuture.completedFuture(null);
    }
    T update = Cache.copy(rs);
    update.getMetadata().setResourceVersion(null);
    kind.setStatus().accept(update, status);
    return store.updateStatus(update).exceptionally(failure -> null);
  }

  private static ReplicaSetStatus withoutConditions(ReplicaSetStatus status) {
    ReplicaSetStatus copy = new ReplicaSetStatusBuilder(status).build();
    copy.setConditions(List.of());
    return copy;
  }
}
