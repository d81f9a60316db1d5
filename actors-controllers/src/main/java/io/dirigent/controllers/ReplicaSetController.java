package io.dirigent.controllers;

import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.PodPhase;
import io.dirigent.core.events.EventRecorder;
import io.dirigent.core.informer.Index;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
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
 */
final class ReplicaSetController implements Controller {

  /** The most pods created in one reconcile; the rest follow once these are seen. */
  private static final int MAX_BURST = 500;
  private static final Logger log = LoggerFactory.getLogger(ReplicaSetController.class);

  private final Store store;
  private final PodControl pods;
  private final Clock clock;
  private final Expectations expectations;

  ReplicaSetController(Store store, EventRecorder events, Clock clock) {
    this.store = store;
    this.pods = new PodControl(store, events);
    this.clock = clock;
    this.expectations = new Expectations(clock);
  }

  @Override
  public String name() {
    return "replicaset";
  }

  @Override
  public List<Watch> watches() {
    return List.of(
        new Watch(ReplicaSet.class, (change, cache) -> {
          if (change.deleted()) {
            expectations.forget(Cache.key(change.object()));
          }
          return List.of(Cache.key(change.object()));
        }),
        new Watch(Pod.class, (change, cache) -> {
          List<String> owner = expectations.ownerOfPod(change, "ReplicaSet");
          return owner.isEmpty() ? ControllerRefs.adopters(change, cache, ReplicaSet.class, rs -> rs.getSpec().getSelector()) : owner;
        }));
  }

  @Override
  public CompletionStage<?> reconcile(String key, Cache cache) {
    Optional<ReplicaSet> found = cache.get(ReplicaSet.class, key);
    if (found.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    ReplicaSet rs = found.get();
    return ControllerRefs.claim(store, rs, rs.getSpec().getSelector(), ControllerRefs.candidates(cache, Pod.class, rs))
        .thenCompose(owned -> sync(key, rs, owned));
  }

  private CompletionStage<?> sync(String key, ReplicaSet rs, List<Pod> owned) {
    List<Pod> active = owned.stream().filter(ReplicaSetController::active).toList();
    CompletionStage<?> scaled = CompletableFuture.completedFuture(null);
    int wanted = rs.getSpec().getReplicas() == null ? 1 : rs.getSpec().getReplicas();
    if (rs.getMetadata().getDeletionTimestamp() != null) {
      log.debug("replicaset={} being deleted: not scaling, active={}", key, active.size());
    } else if (!expectations.satisfied(key)) {
      log.debug("replicaset={} waiting for its creates and deletes to be seen: not scaling, active={} replicas={}", key, active.size(), wanted);
    } else {
      int diff = wanted - active.size();
      if (diff > 0) {
        log.debug("replicaset={} creating pods={} active={} replicas={}{}", key, Math.min(diff, MAX_BURST), active.size(), wanted,
            diff > MAX_BURST ? " (the rest once these are seen)" : "");
        scaled = createPods(key, rs, Math.min(diff, MAX_BURST));
      } else if (diff < 0) {
        List<Pod> victims = ranked(active).subList(0, -diff);
        log.debug("replicaset={} deleting pods={} active={} replicas={}", key, Cache.names(victims), active.size(), wanted);
        scaled = deletePods(key, rs, victims);
      }
    }
    ReplicaSetStatus status = status(rs, active);
    // Pods that are ready but not yet available for minReadySeconds become so without an event.
    java.time.Duration recheck = Availability.nextAvailable(active, minReady(rs), clock.instant());
    return scaled.thenCompose(done -> writeStatus(rs, status)).thenApply(done -> recheck);
  }

  private static int minReady(ReplicaSet rs) {
    return rs.getSpec().getMinReadySeconds() == null ? 0 : rs.getSpec().getMinReadySeconds();
  }

  /** The pods {@code rs} controls, as the cache has them. */
  static List<Pod> owned(ReplicaSet rs, Cache cache) {
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

  private CompletionStage<?> createPods(String key, ReplicaSet rs, int count) {
    expectations.expect(key, count, 0);
    List<CompletableFuture<Pod>> creates = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      creates.add(pods.create(rs, podFor(rs)).toCompletableFuture().whenComplete((pod, failure) -> {
        if (failure != null) {
          // This create will never be seen; the others that succeeded still are expected.
          log.debug("replicaset={} create failed, one fewer expected: {}", key, StoreException.cause(failure).getMessage());
          expectations.createFailed(key);
        }
      }));
    }
    return CompletableFuture.allOf(creates.toArray(CompletableFuture[]::new));
  }

  /** A new pod from the ReplicaSet's template, owned by it. */
  static Pod podFor(ReplicaSet rs) {
    PodTemplateSpec template = KubeJson.toTyped(KubeJson.MAPPER.valueToTree(rs.getSpec().getTemplate()), PodTemplateSpec.class);
    ObjectMeta meta = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
    meta.setName(null);
    meta.setGenerateName(rs.getMetadata().getName() + "-");
    meta.setNamespace(rs.getMetadata().getNamespace());
    meta.setOwnerReferences(List.of(Owners.reference(rs)));
    return new PodBuilder().withMetadata(meta).withSpec(template.getSpec()).build();
  }

  private CompletionStage<?> deletePods(String key, ReplicaSet rs, List<Pod> victims) {
    expectations.expect(key, 0, victims.size());
    CompletableFuture<?>[] deletes = victims.stream()
        .map(pod -> pods.delete(rs, pod).toCompletableFuture().whenComplete((deleted, failure) -> {
          if (failure != null || !deleted) {
            log.debug("replicaset={} pod={} {}, one fewer deletion expected", key, pod.getMetadata().getName(),
                failure != null ? "not deleted: " + StoreException.cause(failure).getMessage() : "was gone already");
            expectations.deleteFailed(key);
          }
        }))
        .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(deletes);
  }

  /** replicas, fullyLabeledReplicas, readyReplicas, availableReplicas (ready for minReadySeconds), observedGeneration. */
  ReplicaSetStatus status(ReplicaSet rs, List<Pod> active) {
    int minReady = minReady(rs);
    Instant now = clock.instant();
    int ready = 0;
    int available = 0;
    int labeled = 0;
    Map<String, String> templateLabels = rs.getSpec().getTemplate().getMetadata() == null || rs.getSpec().getTemplate().getMetadata().getLabels() == null
        ? Map.of() : rs.getSpec().getTemplate().getMetadata().getLabels();
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

  private CompletionStage<?> writeStatus(ReplicaSet rs, ReplicaSetStatus status) {
    if (rs.getStatus() != null && KubeJson.sameContent(KubeJson.MAPPER.valueToTree(withoutConditions(rs.getStatus())), KubeJson.MAPPER.valueToTree(status))) {
      return CompletableFuture.completedFuture(null);
    }
    ReplicaSet update = Cache.copy(rs);
    update.getMetadata().setResourceVersion(null);
    update.setStatus(status);
    return store.updateStatus(update).exceptionally(failure -> null);
  }

  private static ReplicaSetStatus withoutConditions(ReplicaSetStatus status) {
    ReplicaSetStatus copy = new ReplicaSetStatusBuilder(status).build();
    copy.setConditions(List.of());
    return copy;
  }
}
