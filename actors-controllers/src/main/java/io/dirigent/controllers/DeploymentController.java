package io.dirigent.controllers;

import io.dirigent.core.api.ConditionStatus;
import io.dirigent.core.api.DeploymentConditions;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.events.EventRecorder;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.store.Store;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolls each Deployment's pods from one template to the next through ReplicaSets named
 * {@code <deployment>-<pod-template-hash>}: RollingUpdate (within maxSurge and maxUnavailable,
 * {@link RollingMath}) or Recreate (the old pods gone before a new one starts). Each template's
 * ReplicaSet carries a revision; going back to an earlier template (a rollback) reuses its
 * ReplicaSet under a new revision. A paused Deployment only scales. Old ReplicaSets beyond
 * revisionHistoryLimit are deleted. Status counts the pods of every ReplicaSet, with the
 * Available and Progressing conditions (ProgressDeadlineExceeded after progressDeadlineSeconds
 * without progress).
 */
final class DeploymentController implements Controller {

  static final String HASH = "pod-template-hash";
  static final String REVISION = "deployment.kubernetes.io/revision";
  static final String DESIRED = "deployment.kubernetes.io/desired-replicas";
  static final String MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
  /** The strategy types ({@code spec.strategy.type}). */
  static final String ROLLING_UPDATE = "RollingUpdate";
  static final String RECREATE = "Recreate";
  private static final String HASH_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
  /** Writes map entries in key order, so equal templates hash equal; made once, it is costly to copy. */
  private static final com.fasterxml.jackson.databind.ObjectMapper SORTED = KubeJson.MAPPER.copy()
      .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private static final Logger log = LoggerFactory.getLogger(DeploymentController.class);

  private final Store store;
  private final EventRecorder events;
  private final Clock clock;

  DeploymentController(Store store, EventRecorder events, Clock clock) {
    this.store = store;
    this.events = events;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "deployment";
  }

  @Override
  public List<Watch> watches() {
    return List.of(
        new Watch(Deployment.class, (change, cache) -> List.of(Cache.key(change.object()))),
        new Watch(ReplicaSet.class, (change, cache) -> {
          List<String> owner = ownerKey(change.object());
          return owner.isEmpty() ? ControllerRefs.adopters(change, cache, Deployment.class, d -> d.getSpec().getSelector()) : owner;
        }),
        new Watch(Pod.class, (change, cache) -> Owners.controllerKey(change.object(), "ReplicaSet")
            .flatMap(rs -> cache.tree(ReplicaSet.class, rs))
            .map(DeploymentController::ownerKey).orElse(List.of())));
  }

  private static List<String> ownerKey(com.fasterxml.jackson.databind.JsonNode rs) {
    return Owners.controllerKey(rs, "Deployment").map(List::of).orElse(List.of());
  }

  @Override
  public CompletionStage<?> reconcile(String key, Cache cache) {
    Optional<Deployment> found = cache.get(Deployment.class, key);
    if (found.isEmpty() || found.get().getMetadata().getDeletionTimestamp() != null) {
      return CompletableFuture.completedFuture(null);
    }
    Deployment d = found.get();
    // What the asynchronous part needs of the cache is read here, where the reconcile decides: the
    // pods of each ReplicaSet as they were when its claim was made (Cache's rule).
    List<ReplicaSet> candidates = ControllerRefs.candidates(cache, ReplicaSet.class, d);
    Map<String, List<Pod>> podsByReplicaSet = new HashMap<>();
    candidates.forEach(rs -> podsByReplicaSet.put(rs.getMetadata().getUid(), ReplicaSetController.owned(rs, cache)));
    return ControllerRefs.claim(store, d, d.getSpec().getSelector(), candidates)
        .thenCompose(claimed -> sync(d, new ArrayList<>(claimed), podsByReplicaSet));
  }

  /** @param podsByReplicaSet the pods of each of the namespace's ReplicaSets, by the ReplicaSet's uid, as the cache had them */
  private CompletionStage<?> sync(Deployment d, List<ReplicaSet> owned, Map<String, List<Pod>> podsByReplicaSet) {
    owned.sort(Comparator.comparingLong(DeploymentController::revision).thenComparing(rs -> rs.getMetadata().getCreationTimestamp() == null ? "" : rs.getMetadata().getCreationTimestamp()));
    String hash = templateHash(d.getSpec().getTemplate());
    Optional<ReplicaSet> newRs = owned.stream().filter(rs -> hash.equals(labels(rs).get(HASH))).findFirst();
    List<ReplicaSet> olds = owned.stream().filter(rs -> newRs.isEmpty() || rs != newRs.get()).toList();
    int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    long maxRevision = owned.stream().mapToLong(DeploymentController::revision).max().orElse(0);
    boolean paused = Boolean.TRUE.equals(d.getSpec().getPaused());

    String key = Cache.key(d);
    if (newRs.isEmpty()) {
      if (paused) {
        log.debug("deployment={} paused and no ReplicaSet has its template: status only", key);
        return writeStatus(d, owned, null, replicas);
      }
      int initial = initialReplicas(d, replicas, olds);
      log.debug("deployment={} creating replicaset={}-{} revision={} replicas={}: no ReplicaSet has its template", key, d.getMetadata().getName(),
          hash, maxRevision + 1, initial);
      return createReplicaSet(d, hash, maxRevision + 1, initial).thenApply(done -> null);
    }
    ReplicaSet current = newRs.get();
    if (revision(current) < maxRevision) {
      // Back to an earlier template: its ReplicaSet becomes the newest revision (a rollback).
      ReplicaSet bumped = Cache.copy(current);
      bumped.getMetadata().getAnnotations().put(REVISION, Long.toString(maxRevision + 1));
      long restored = revision(current);
      log.info("deployment={} rolling back to replicaset={} of revision={}: it becomes revision={}", key, current.getMetadata().getName(),
          restored, maxRevision + 1);
      return store.update(bumped).thenApply(done -> {
        if (events != null) {
          events.record(d, null, EventRecorder.NORMAL, "DeploymentRollback",
              "Rolled back deployment \"%s\" to revision %d".formatted(d.getMetadata().getName(), restored));
        }
        return null;
      });
    }
    if (!Long.toString(revision(current)).equals(annotations(d).get(REVISION))) {
      log.debug("deployment={} revision now {} (replicaset={})", key, revision(current), current.getMetadata().getName());
      Deployment annotated = Cache.copy(d);
      annotated.getMetadata().setAnnotations(new HashMap<>(annotations(d)));
      annotated.getMetadata().getAnnotations().put(REVISION, Long.toString(revision(current)));
      return store.update(annotated).thenApply(done -> null);
    }
    CompletionStage<?> step;
    if (paused) {
      step = olds.stream().allMatch(rs -> spec(rs) == 0) ? scale(d, current, replicas, "paused: scaling only")
          : CompletableFuture.completedFuture(null);
    } else if (RECREATE.equals(strategy(d))) {
      step = recreate(d, current, olds, replicas, podsByReplicaSet);
    } else {
      step = rolling(d, current, olds, replicas);
    }
    Duration recheck = Availability.nextAvailable(allPods(owned, podsByReplicaSet), minReady(d), clock.instant());
    return step.thenCompose(done -> cleanup(d, olds))
        .thenCompose(done -> writeStatus(d, owned, current, replicas))
        .thenApply(done -> recheck != null ? recheck : progressRecheck(d));
  }

  // ---- strategies ----

  private CompletionStage<?> rolling(Deployment d, ReplicaSet newRs, List<ReplicaSet> olds, int replicas) {
    RollingMath.Limits limits = RollingMath.limits(rollingParam(d, true), rollingParam(d, false), replicas);
    int allSpecs = spec(newRs) + olds.stream().mapToInt(DeploymentController::spec).sum();
    int nextNew = RollingMath.scaleUpNew(replicas, spec(newRs), allSpecs, limits);
    if (nextNew != spec(newRs)) {
      return scale(d, newRs, nextNew, "rolling: the new ReplicaSet within maxSurge=%d (all ReplicaSets want %d)".formatted(limits.maxSurge(), allSpecs));
    }
    List<RollingMath.Old> oldSizes = olds.stream().map(rs -> new RollingMath.Old(rs.getMetadata().getName(), spec(rs), available(rs))).toList();
    int allAvailable = available(newRs) + olds.stream().mapToInt(DeploymentController::available).sum();
    List<Integer> next = RollingMath.scaleDownOld(replicas, oldSizes, spec(newRs), available(newRs), allAvailable, limits);
    List<CompletableFuture<?>> writes = new ArrayList<>();
    for (int i = 0; i < olds.size(); i++) {
      if (next.get(i) != spec(olds.get(i))) {
        writes.add(scale(d, olds.get(i), next.get(i), "rolling: an old ReplicaSet within maxUnavailable=%d (%d available of %d)"
            .formatted(limits.maxUnavailable(), allAvailable, replicas)).toCompletableFuture());
      }
    }
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
  }

  private CompletionStage<?> recreate(Deployment d, ReplicaSet newRs, List<ReplicaSet> olds, int replicas, Map<String, List<Pod>> podsByReplicaSet) {
    List<CompletableFuture<?>> writes = new ArrayList<>();
    for (ReplicaSet old : olds) {
      if (spec(old) > 0) {
        writes.add(scale(d, old, 0, "recreate: every old pod goes first").toCompletableFuture());
      }
    }
    if (!writes.isEmpty()) {
      return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
    }
    // Every old pod must be gone before a new one starts.
    List<Pod> oldPods = olds.stream().flatMap(old -> podsByReplicaSet.getOrDefault(old.getMetadata().getUid(), List.of()).stream()).toList();
    if (!oldPods.isEmpty()) {
      log.debug("deployment={} recreate: waiting for the old pods to be gone pods={}", Cache.key(d), Cache.names(oldPods));
      return CompletableFuture.completedFuture(null);
    }
    if (spec(newRs) == replicas) {
      return CompletableFuture.completedFuture(null);
    }
    return scale(d, newRs, replicas, "recreate: the old pods are gone");
  }

  /** The size a new template's ReplicaSet starts at. */
  private int initialReplicas(Deployment d, int replicas, List<ReplicaSet> olds) {
    if (RECREATE.equals(strategy(d))) {
      return olds.isEmpty() ? replicas : 0;
    }
    RollingMath.Limits limits = RollingMath.limits(rollingParam(d, true), rollingParam(d, false), replicas);
    return RollingMath.scaleUpNew(replicas, 0, olds.stream().mapToInt(DeploymentController::spec).sum(), limits);
  }

  private CompletionStage<ReplicaSet> createReplicaSet(Deployment d, String hash, long revision, int replicas) {
    PodTemplateSpec template = KubeJson.toTyped(KubeJson.MAPPER.valueToTree(d.getSpec().getTemplate()), PodTemplateSpec.class);
    Map<String, String> labels = new HashMap<>(template.getMetadata() == null || template.getMetadata().getLabels() == null
        ? Map.of() : template.getMetadata().getLabels());
    labels.put(HASH, hash);
    if (template.getMetadata() == null) {
      template.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
    }
    template.getMetadata().setLabels(labels);
    var selector = KubeJson.toTyped(KubeJson.MAPPER.valueToTree(d.getSpec().getSelector()), io.fabric8.kubernetes.api.model.LabelSelector.class);
    Map<String, String> match = new HashMap<>(selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels());
    match.put(HASH, hash);
    selector.setMatchLabels(match);
    RollingMath.Limits limits = RollingMath.limits(rollingParam(d, true), rollingParam(d, false), d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas());
    ReplicaSet rs = new ReplicaSetBuilder()
        .withNewMetadata()
        .withName(d.getMetadata().getName() + "-" + hash)
        .withNamespace(d.getMetadata().getNamespace())
        .withLabels(labels)
        .addToAnnotations(REVISION, Long.toString(revision))
        .addToAnnotations(DESIRED, Integer.toString(d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas()))
        .addToAnnotations(MAX_REPLICAS, Integer.toString((d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas()) + limits.maxSurge()))
        .withOwnerReferences(Owners.reference(d))
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withMinReadySeconds(d.getSpec().getMinReadySeconds())
        .withSelector(selector)
        .withTemplate(template)
        .endSpec()
        .build();
    return store.create(rs).whenComplete((created, failure) -> {
      if (failure == null) {
        scaledEvent(d, created.getMetadata().getName(), 0, replicas);
      }
    });
  }

  /** Sets {@code rs}'s replicas, for the reason {@code why} (which the log gives). */
  private CompletionStage<?> scale(Deployment d, ReplicaSet rs, int replicas, String why) {
    ReplicaSet scaled = Cache.copy(rs);
    int before = spec(rs);
    log.debug("deployment={} scaling replicaset={} from={} to={} why={}", Cache.key(d), rs.getMetadata().getName(), before, replicas, why);
    scaled.getSpec().setReplicas(replicas);
    Map<String, String> annotations = new HashMap<>(annotations(rs));
    annotations.put(DESIRED, Integer.toString(d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas()));
    scaled.getMetadata().setAnnotations(annotations);
    return store.update(scaled).whenComplete((written, failure) -> {
      if (failure == null) {
        scaledEvent(d, rs.getMetadata().getName(), before, replicas);
      }
    });
  }

  private void scaledEvent(Deployment d, String rs, int before, int after) {
    if (events != null && before != after) {
      events.record(d, null, EventRecorder.NORMAL, "ScalingReplicaSet",
          "Scaled %s replica set %s to %d from %d".formatted(after > before ? "up" : "down", rs, after, before));
    }
  }

  /** Deletes the oldest empty ReplicaSets beyond revisionHistoryLimit (default 10). */
  private CompletionStage<?> cleanup(Deployment d, List<ReplicaSet> olds) {
    int limit = d.getSpec().getRevisionHistoryLimit() == null ? 10 : d.getSpec().getRevisionHistoryLimit();
    List<ReplicaSet> empty = olds.stream().filter(rs -> spec(rs) == 0 && (rs.getStatus() == null || rs.getStatus().getReplicas() == null || rs.getStatus().getReplicas() == 0)).toList();
    List<CompletableFuture<?>> deletes = new ArrayList<>();
    for (int i = 0; i < empty.size() - limit; i++) {
      ReplicaSet rs = empty.get(i);
      log.debug("deployment={} deleting replicaset={} revision={}: beyond revisionHistoryLimit={}", Cache.key(d), rs.getMetadata().getName(),
          revision(rs), limit);
      deletes.add(store.delete(ReplicaSet.class, rs.getMetadata().getNamespace(), rs.getMetadata().getName(), DeleteOptions.defaults())
          .toCompletableFuture().exceptionally(failure -> null));
    }
    return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new));
  }

  // ---- status ----

  private CompletionStage<?> writeStatus(Deployment d, List<ReplicaSet> owned, ReplicaSet newRs, int replicas) {
    DeploymentStatus previous = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
    int total = owned.stream().mapToInt(rs -> rs.getStatus() == null || rs.getStatus().getReplicas() == null ? 0 : rs.getStatus().getReplicas()).sum();
    int updated = newRs == null || newRs.getStatus() == null || newRs.getStatus().getReplicas() == null ? 0 : newRs.getStatus().getReplicas();
    int ready = owned.stream().mapToInt(rs -> rs.getStatus() == null || rs.getStatus().getReadyReplicas() == null ? 0 : rs.getStatus().getReadyReplicas()).sum();
    int available = owned.stream().mapToInt(DeploymentController::available).sum();
    RollingMath.Limits limits = RollingMath.limits(rollingParam(d, true), rollingParam(d, false), replicas);
    int minAvailable = RECREATE.equals(strategy(d)) ? replicas : replicas - limits.maxUnavailable();
    String now = KubeJson.timestamp(clock.instant());
    List<DeploymentCondition> conditions = new ArrayList<>();
    boolean isAvailable = available >= minAvailable;
    conditions.add(condition(previous, DeploymentConditions.AVAILABLE, isAvailable,
        isAvailable ? DeploymentConditions.MINIMUM_REPLICAS_AVAILABLE : DeploymentConditions.MINIMUM_REPLICAS_UNAVAILABLE,
        isAvailable ? "Deployment has minimum availability." : "Deployment does not have minimum availability.", now, false));
    conditions.add(progressing(d, previous, newRs, total, updated, available, replicas, now));
    DeploymentStatus status = new DeploymentStatusBuilder()
        .withObservedGeneration(d.getMetadata().getGeneration())
        .withReplicas(total)
        .withUpdatedReplicas(updated)
        .withReadyReplicas(ready)
        .withAvailableReplicas(available)
        .withUnavailableReplicas(Math.max(0, replicas - available))
        .withConditions(conditions)
        .withCollisionCount(previous.getCollisionCount())
        .build();
    if (KubeJson.sameContent(KubeJson.MAPPER.valueToTree(status), KubeJson.MAPPER.valueToTree(previous))) {
      return CompletableFuture.completedFuture(null);
    }
    Deployment update = Cache.copy(d);
    update.getMetadata().setResourceVersion(null);
    update.setStatus(status);
    return store.updateStatus(update).exceptionally(failure -> null);
  }

  /** Progressing: True while the rollout moves or once it completed; False after the deadline without progress. */
  private DeploymentCondition progressing(Deployment d, DeploymentStatus previous, ReplicaSet newRs, int total, int updated, int available,
      int replicas, String now) {
    DeploymentCondition before = previous.getConditions() == null ? null
        : previous.getConditions().stream().filter(c -> DeploymentConditions.PROGRESSING.equals(c.getType())).findFirst().orElse(null);
    String newName = newRs == null ? "" : newRs.getMetadata().getName();
    boolean complete = newRs != null && updated == replicas && total == replicas && available >= replicas && spec(newRs) == replicas;
    if (Boolean.TRUE.equals(d.getSpec().getPaused())) {
      return condition(previous, DeploymentConditions.PROGRESSING, false, DeploymentConditions.DEPLOYMENT_PAUSED, "Deployment is paused", now, true);
    }
    if (complete) {
      return condition(previous, DeploymentConditions.PROGRESSING, true, DeploymentConditions.NEW_REPLICA_SET_AVAILABLE,
          "ReplicaSet \"%s\" has successfully progressed.".formatted(newName), now,
          before == null || !DeploymentConditions.NEW_REPLICA_SET_AVAILABLE.equals(before.getReason()));
    }
    // Progress is any change in the counts since the condition was last updated.
    boolean moved = before == null || previous.getUpdatedReplicas() == null || !Objects.equals(previous.getUpdatedReplicas(), updated)
        || !Objects.equals(previous.getAvailableReplicas(), available) || !Objects.equals(previous.getReplicas(), total)
        || !before.getMessage().contains(newName);
    if (!moved && before.getLastUpdateTime() != null) {
      Instant last = Instant.parse(before.getLastUpdateTime());
      int deadline = d.getSpec().getProgressDeadlineSeconds() == null ? 600 : d.getSpec().getProgressDeadlineSeconds();
      if (DeploymentConditions.PROGRESS_DEADLINE_EXCEEDED.equals(before.getReason()) || last.plusSeconds(deadline).isBefore(clock.instant())) {
        if (!DeploymentConditions.PROGRESS_DEADLINE_EXCEEDED.equals(before.getReason())) {
          log.info("deployment={} replicaset={} made no progress for progressDeadlineSeconds={}: ProgressDeadlineExceeded", Cache.key(d), newName,
              deadline);
        }
        return condition(previous, DeploymentConditions.PROGRESSING, false, DeploymentConditions.PROGRESS_DEADLINE_EXCEEDED,
            "ReplicaSet \"%s\" has timed out progressing.".formatted(newName), now,
            !DeploymentConditions.PROGRESS_DEADLINE_EXCEEDED.equals(before.getReason()));
      }
      return before;
    }
    return condition(previous, DeploymentConditions.PROGRESSING, true, DeploymentConditions.REPLICA_SET_UPDATED,
        "ReplicaSet \"%s\" is progressing.".formatted(newName), now, true);
  }

  /** When the progress deadline of an unfinished rollout will need checking. */
  private Duration progressRecheck(Deployment d) {
    if (d.getStatus() == null || d.getStatus().getConditions() == null) {
      return null;
    }
    int deadline = d.getSpec().getProgressDeadlineSeconds() == null ? 600 : d.getSpec().getProgressDeadlineSeconds();
    return d.getStatus().getConditions().stream()
        .filter(c -> DeploymentConditions.PROGRESSING.equals(c.getType()) && DeploymentConditions.REPLICA_SET_UPDATED.equals(c.getReason())
            && c.getLastUpdateTime() != null)
        .findFirst()
        .map(c -> Duration.between(clock.instant(), Instant.parse(c.getLastUpdateTime()).plusSeconds(deadline)).plusSeconds(1))
        .filter(left -> !left.isNegative())
        .orElse(null);
  }

  private static DeploymentCondition condition(DeploymentStatus previous, String type, boolean value, String reason, String message, String now,
      boolean updatedNow) {
    String status = ConditionStatus.of(value);
    DeploymentCondition before = previous.getConditions() == null ? null
        : previous.getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElse(null);
    String transition = before != null && status.equals(before.getStatus()) && before.getLastTransitionTime() != null ? before.getLastTransitionTime() : now;
    String update = updatedNow || before == null || before.getLastUpdateTime() == null || !status.equals(before.getStatus())
        || !reason.equals(before.getReason()) ? now : before.getLastUpdateTime();
    return new DeploymentConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
        .withLastTransitionTime(transition).withLastUpdateTime(update).build();
  }

  // ---- small things ----

  /**
   * A hash of the pod template, in Kubernetes' safe alphabet (no vowels, no confusable
   * characters), 10 characters: the new ReplicaSet's name suffix and its pods' pod-template-hash.
   */
  static String templateHash(PodTemplateSpec template) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(SORTED.writeValueAsString(canonical(template)).getBytes(StandardCharsets.UTF_8));
      StringBuilder hash = new StringBuilder();
      for (int i = 0; i < 10; i++) {
        hash.append(HASH_ALPHABET.charAt((digest[i] & 0xFF) % HASH_ALPHABET.length()));
      }
      return hash.toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The template without its pod-template-hash label and without empty values, with object keys
   * sorted, so equal templates hash equal: {@code resources: {}} (which kubectl writes for every
   * container) and no resources at all are the same template, as they are the same Go value in
   * Kubernetes, which hashes its typed template.
   */
  private static Object canonical(PodTemplateSpec template) throws Exception {
    com.fasterxml.jackson.databind.JsonNode tree = KubeJson.MAPPER.valueToTree(template);
    if (tree.path("metadata").path("labels").isObject()) {
      ((com.fasterxml.jackson.databind.node.ObjectNode) tree.path("metadata").path("labels")).remove(HASH);
    }
    return SORTED.treeToValue(withoutEmpties(tree), Object.class);
  }

  /** A copy without nulls, empty objects and empty lists, at every depth. */
  private static com.fasterxml.jackson.databind.JsonNode withoutEmpties(com.fasterxml.jackson.databind.JsonNode node) {
    if (node.isObject()) {
      var pruned = KubeJson.MAPPER.createObjectNode();
      node.fields().forEachRemaining(entry -> {
        var value = withoutEmpties(entry.getValue());
        if (!value.isNull() && !((value.isObject() || value.isArray()) && value.isEmpty())) {
          pruned.set(entry.getKey(), value);
        }
      });
      return pruned;
    }
    if (node.isArray()) {
      var pruned = KubeJson.MAPPER.createArrayNode();
      node.forEach(element -> pruned.add(withoutEmpties(element)));
      return pruned;
    }
    return node;
  }

  private static List<Pod> allPods(List<ReplicaSet> owned, Map<String, List<Pod>> podsByReplicaSet) {
    List<Pod> pods = new ArrayList<>();
    owned.forEach(rs -> pods.addAll(podsByReplicaSet.getOrDefault(rs.getMetadata().getUid(), List.of())));
    return pods;
  }

  private static String strategy(Deployment d) {
    return d.getSpec().getStrategy() == null || d.getSpec().getStrategy().getType() == null ? ROLLING_UPDATE : d.getSpec().getStrategy().getType();
  }

  private static io.fabric8.kubernetes.api.model.IntOrString rollingParam(Deployment d, boolean surge) {
    var strategy = d.getSpec().getStrategy();
    if (strategy == null || strategy.getRollingUpdate() == null) {
      return null;
    }
    return surge ? strategy.getRollingUpdate().getMaxSurge() : strategy.getRollingUpdate().getMaxUnavailable();
  }

  private static int minReady(Deployment d) {
    return d.getSpec().getMinReadySeconds() == null ? 0 : d.getSpec().getMinReadySeconds();
  }

  static long revision(ReplicaSet rs) {
    try {
      return Long.parseLong(annotations(rs).getOrDefault(REVISION, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static int spec(ReplicaSet rs) {
    return rs.getSpec().getReplicas() == null ? 1 : rs.getSpec().getReplicas();
  }

  private static int available(ReplicaSet rs) {
    return rs.getStatus() == null || rs.getStatus().getAvailableReplicas() == null ? 0 : rs.getStatus().getAvailableReplicas();
  }

  private static Map<String, String> labels(ReplicaSet rs) {
    return rs.getMetadata().getLabels() == null ? Map.of() : rs.getMetadata().getLabels();
  }

  private static Map<String, String> annotations(io.fabric8.kubernetes.api.model.HasMetadata object) {
    return object.getMetadata().getAnnotations() == null ? Map.of() : object.getMetadata().getAnnotations();
  }
}
