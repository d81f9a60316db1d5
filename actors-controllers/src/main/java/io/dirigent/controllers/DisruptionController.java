package io.dirigent.controllers;

import io.dirigent.core.api.KubeJson;
import io.dirigent.core.informer.InformerStore;
import io.dirigent.core.selector.LabelSelector;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatusBuilder;
import io.dirigent.core.store.Store;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' disruption controller: keeps each PodDisruptionBudget's status — the pods it
 * expects (for percentages, the scale of their Deployment, ReplicaSet or ReplicationController),
 * how many must stay healthy, how many are, and so how many may be disrupted now
 * ({@link DisruptionBudgets}) — which the Eviction subresource reads and decrements. Its status
 * write carries the resourceVersion it read, so it never undoes an eviction's decrement it has
 * not seen (the conflict brings the key back with the newer budget).
 */
final class DisruptionController implements Controller {

  private static final Logger log = LoggerFactory.getLogger(DisruptionController.class);

  private final Store store;
  private final Clock clock;

  DisruptionController(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "disruption";
  }

  @Override
  public List<Watch> watches() {
    return List.of(
        new Watch(PodDisruptionBudget.class, (change, cache) -> List.of(Cache.key(change.object()))),
        new Watch(Pod.class, DisruptionController::budgetsOf),
        // A workload's scale is what a percentage or maxUnavailable counts from.
        new Watch(ReplicaSet.class, DisruptionController::budgetsInNamespace),
        new Watch(Deployment.class, DisruptionController::budgetsInNamespace),
        new Watch(ReplicationController.class, DisruptionController::budgetsInNamespace));
  }

  /** The budgets in the pod's namespace that select it now or did before. */
  private static Collection<String> budgetsOf(Change change, Cache cache) {
    Map<String, String> labels = KubeJson.stringMap(change.object(), "labels");
    Map<String, String> before = change.previous() == null ? Map.of() : KubeJson.stringMap(change.previous(), "labels");
    Set<String> keys = new HashSet<>();
    for (PodDisruptionBudget budget : cache.list(PodDisruptionBudget.class, KubeJson.namespace(change.object()))) {
      if (selects(budget, labels) || selects(budget, before)) {
        keys.add(Cache.key(budget));
      }
    }
    return keys;
  }

  private static Collection<String> budgetsInNamespace(Change change, Cache cache) {
    return cache.list(PodDisruptionBudget.class, KubeJson.namespace(change.object())).stream().map(Cache::key).toList();
  }

  /** As policy/v1 reads a budget's selector: none selects nothing, an empty one every pod of the namespace. */
  static boolean selects(PodDisruptionBudget budget, Map<String, String> labels) {
    if (budget.getSpec() == null || budget.getSpec().getSelector() == null) {
      return false;
    }
    try {
      return LabelSelector.of(budget.getSpec().getSelector()).matches(labels);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public CompletionStage<?> reconcile(String key, Cache cache) {
    Optional<PodDisruptionBudget> found = cache.get(PodDisruptionBudget.class, key);
    if (found.isEmpty() || found.get().getMetadata().getDeletionTimestamp() != null) {
      return CompletableFuture.completedFuture(null);
    }
    PodDisruptionBudget budget = found.get();
    String namespace = budget.getMetadata().getNamespace();
    List<DisruptionBudgets.PodState> pods = new ArrayList<>();
    Map<String, Integer> scales = new HashMap<>();
    for (Pod pod : cache.list(Pod.class, namespace)) {
      if (!selects(budget, pod.getMetadata().getLabels())) {
        continue;
      }
      Optional<String> controller = scaleOwner(pod, cache, scales);
      pods.add(new DisruptionBudgets.PodState(pod.getMetadata().getName(), pod.getMetadata().getDeletionTimestamp() != null,
          Availability.availableFor(pod, 0, clock.instant()), controller));
    }
    Instant now = clock.instant();
    DisruptionBudgets.Counts counts = DisruptionBudgets.count(budget.getSpec().getMinAvailable(), budget.getSpec().getMaxUnavailable(),
        pods, scales, disruptedPods(budget), now);
    PodDisruptionBudgetStatus status = status(budget, counts, now);
    log.debug("disruption budget={} expected={} desired={} healthy={} allowed={} failure={}", key, counts.expectedPods(),
        counts.desiredHealthy(), counts.currentHealthy(), counts.disruptionsAllowed(), counts.failure().orElse(""));
    CompletionStage<?> write = KubeJson.sameContent(KubeJson.MAPPER.valueToTree(budget.getStatus()), KubeJson.MAPPER.valueToTree(status))
        ? CompletableFuture.completedFuture(null)
        : writeStatus(budget, status);
    // An evicted pod that is not deleted in time counts as healthy again: looked at once it expires.
    return counts.recheck().<CompletionStage<?>>map(after -> write.thenApply(done -> after)).orElse(write);
  }

  /**
   * The uid of what sets the pod's scale — its ReplicaSet's Deployment, or its ReplicaSet — with
   * that scale put in {@code scales}; empty when the pod has no controller Dirigent knows the scale of.
   */
  private static Optional<String> scaleOwner(Pod pod, Cache cache, Map<String, Integer> scales) {
    Optional<OwnerReference> owner = Owners.controllerOf(pod);
    if (owner.isPresent() && "ReplicationController".equals(owner.get().getKind())) {
      Optional<ReplicationController> rc = cache.get(ReplicationController.class, InformerStore.key(pod.getMetadata().getNamespace(), owner.get().getName()))
          .filter(found -> found.getMetadata().getUid().equals(owner.get().getUid()));
      rc.ifPresent(found -> scales.put(found.getMetadata().getUid(), replicas(found.getSpec().getReplicas())));
      return rc.map(found -> found.getMetadata().getUid());
    }
    if (owner.isEmpty() || !"ReplicaSet".equals(owner.get().getKind())) {
      return Optional.empty();
    }
    Optional<ReplicaSet> rs = cache.get(ReplicaSet.class, InformerStore.key(pod.getMetadata().getNamespace(), owner.get().getName()))
        .filter(found -> found.getMetadata().getUid().equals(owner.get().getUid()));
    if (rs.isEmpty()) {
      return Optional.empty();
    }
    Optional<OwnerReference> rsOwner = Owners.controllerOf(rs.get()).filter(ref -> "Deployment".equals(ref.getKind()));
    if (rsOwner.isPresent()) {
      Optional<Deployment> deployment = cache.get(Deployment.class, InformerStore.key(pod.getMetadata().getNamespace(), rsOwner.get().getName()))
          .filter(found -> found.getMetadata().getUid().equals(rsOwner.get().getUid()));
      if (deployment.isEmpty()) {
        return Optional.empty();
      }
      scales.put(deployment.get().getMetadata().getUid(), replicas(deployment.get().getSpec().getReplicas()));
      return Optional.of(deployment.get().getMetadata().getUid());
    }
    scales.put(rs.get().getMetadata().getUid(), replicas(rs.get().getSpec().getReplicas()));
    return Optional.of(rs.get().getMetadata().getUid());
  }

  private static int replicas(Integer replicas) {
    return replicas == null ? 1 : replicas;
  }

  private static Map<String, Instant> disruptedPods(PodDisruptionBudget budget) {
    Map<String, Instant> disrupted = new TreeMap<>();
    if (budget.getStatus() != null && budget.getStatus().getDisruptedPods() != null) {
      budget.getStatus().getDisruptedPods().forEach((pod, when) -> {
        try {
          disrupted.put(pod, Instant.parse(when));
        } catch (DateTimeParseException | NullPointerException e) {
          // unreadable: not counted
        }
      });
    }
    return disrupted;
  }

  private static PodDisruptionBudgetStatus status(PodDisruptionBudget budget, DisruptionBudgets.Counts counts, Instant now) {
    PodDisruptionBudgetStatus current = budget.getStatus() == null ? new PodDisruptionBudgetStatus() : budget.getStatus();
    PodDisruptionBudgetStatusBuilder next = new PodDisruptionBudgetStatusBuilder(current)
        .withObservedGeneration(budget.getMetadata().getGeneration())
        .withDisruptionsAllowed(counts.disruptionsAllowed());
    if (counts.failure().isEmpty()) {
      Map<String, String> disrupted = new TreeMap<>();
      counts.disruptedPods().forEach((pod, when) -> disrupted.put(pod, when.toString()));
      next.withExpectedPods(counts.expectedPods()).withDesiredHealthy(counts.desiredHealthy()).withCurrentHealthy(counts.currentHealthy())
          .withDisruptedPods(disrupted.isEmpty() ? null : disrupted);
    }
    next.withConditions(condition(current.getConditions(), counts, budget.getMetadata().getGeneration(), now));
    return next.build();
  }

  /** The DisruptionAllowed condition, its transition time kept while its status does not change. */
  private static List<Condition> condition(List<Condition> existing, DisruptionBudgets.Counts counts, Long generation, Instant now) {
    Optional<Condition> before = existing == null ? Optional.empty()
        : existing.stream().filter(c -> DisruptionBudgets.DISRUPTION_ALLOWED.equals(c.getType())).findFirst();
    String status = counts.conditionStatus();
    String since = before.filter(c -> status.equals(c.getStatus()) && c.getLastTransitionTime() != null)
        .map(Condition::getLastTransitionTime).orElse(KubeJson.timestamp(now));
    return List.of(new ConditionBuilder().withType(DisruptionBudgets.DISRUPTION_ALLOWED).withStatus(status)
        .withReason(counts.conditionReason()).withMessage(counts.failure().orElse("")).withObservedGeneration(generation)
        .withLastTransitionTime(since).build());
  }

  private CompletionStage<?> writeStatus(PodDisruptionBudget budget, PodDisruptionBudgetStatus status) {
    PodDisruptionBudget update = Cache.copy(budget);
    update.setStatus(status);
    return store.updateStatus(update);
  }
}
