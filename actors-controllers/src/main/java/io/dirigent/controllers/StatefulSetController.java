package io.dirigent.controllers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.PodPhase;
import io.dirigent.core.events.EventRecorder;
import io.dirigent.core.informer.Index;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each StatefulSet's pods {@code <set>-0 … <set>-(n-1)}: each with its stable name, its
 * hostname and the set's {@code serviceName} as subdomain, and the claims of its
 * {@code volumeClaimTemplates} ({@code <template>-<set>-<ordinal>}, made before the pod and kept
 * when it goes: retention Retain); made, removed and updated as {@link StatefulSetPlan} decides.
 * Each pod template is a ControllerRevision ({@link StatefulSetRevisions}); status carries the
 * counters and the current and update revisions that {@code kubectl rollout status} reads.
 */
final class StatefulSetController implements Controller {

  static final String REVISION_LABEL = "controller-revision-hash";
  static final String POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
  static final String POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";
  private static final Logger log = LoggerFactory.getLogger(StatefulSetController.class);

  private final Store store;
  private final PodControl pods;
  private final EventRecorder events;

  StatefulSetController(Store store, EventRecorder events) {
    this.store = store;
    this.pods = new PodControl(store, events);
    this.events = events;
  }

  @Override
  public String name() {
    return "statefulset";
  }

  @Override
  public List<Watch> watches() {
    return List.of(
        new Watch(StatefulSet.class, (change, cache) -> List.of(Cache.key(change.object()))),
        new Watch(Pod.class, (change, cache) -> {
          Optional<String> owner = Owners.controllerKey(change.object(), "StatefulSet");
          return owner.isPresent() ? List.of(owner.get()) : ControllerRefs.adopters(change, cache, StatefulSet.class, sts -> sts.getSpec().getSelector());
        }),
        new Watch(ControllerRevision.class, (change, cache) -> Owners.controllerKey(change.object(), "StatefulSet").stream().toList()),
        new Watch(PersistentVolumeClaim.class, (change, cache) -> List.of()));
  }

  @Override
  public CompletionStage<?> reconcile(String key, Cache cache) {
    Optional<StatefulSet> found = cache.get(StatefulSet.class, key);
    if (found.isEmpty() || found.get().getMetadata().getDeletionTimestamp() != null) {
      return CompletableFuture.completedFuture(null);
    }
    StatefulSet sts = found.get();
    List<ControllerRevision> revisions = cache.indexed(ControllerRevision.class, Index.CONTROLLER, sts.getMetadata().getUid());
    StatefulSetRevisions.Revisions known = StatefulSetRevisions.of(sts, revisions);
    Map<String, Boolean> claims = new HashMap<>();
    for (PersistentVolumeClaim claim : cache.list(PersistentVolumeClaim.class, sts.getMetadata().getNamespace())) {
      claims.put(claim.getMetadata().getName(), true);
    }
    return StatefulSetRevisions.ensure(store, sts, known)
        .thenCompose(ready -> ControllerRefs.claim(store, sts, sts.getSpec().getSelector(), ControllerRefs.candidates(cache, Pod.class, sts)))
        .thenCompose(owned -> sync(key, sts, known, owned, claims.keySet()));
  }

  private CompletionStage<?> sync(String key, StatefulSet sts, StatefulSetRevisions.Revisions revisions, List<Pod> owned, java.util.Set<String> claims) {
    String name = sts.getMetadata().getName();
    Pattern ordinals = Pattern.compile(Pattern.quote(name) + "-(0|[1-9][0-9]{0,8})");
    Map<Integer, Pod> byOrdinal = new LinkedHashMap<>();
    Map<Integer, StatefulSetPlan.PodState> states = new HashMap<>();
    for (Pod pod : owned) {
      var matcher = ordinals.matcher(pod.getMetadata().getName());
      if (matcher.matches()) {
        int ordinal = Integer.parseInt(matcher.group(1));
        byOrdinal.put(ordinal, pod);
        PodPhase phase = PodPhase.of(pod);
        String revision = pod.getMetadata().getLabels() == null ? "" : pod.getMetadata().getLabels().getOrDefault(REVISION_LABEL, "");
        states.put(ordinal, new StatefulSetPlan.PodState(ordinal, revision,
            phase == PodPhase.RUNNING && EndpointsController.ready(pod), pod.getMetadata().getDeletionTimestamp() != null, phase.terminal()));
      }
    }
    int replicas = sts.getSpec().getReplicas() == null ? 1 : sts.getSpec().getReplicas();
    boolean parallel = "Parallel".equals(sts.getSpec().getPodManagementPolicy());
    var strategy = sts.getSpec().getUpdateStrategy();
    boolean rolling = strategy == null || !"OnDelete".equals(strategy.getType());
    int partition = rolling && strategy != null && strategy.getRollingUpdate() != null && strategy.getRollingUpdate().getPartition() != null
        ? strategy.getRollingUpdate().getPartition() : 0;
    List<StatefulSetPlan.Action> actions = StatefulSetPlan.plan(replicas, parallel, rolling, partition, revisions.current(), revisions.update(), states);
    if (!actions.isEmpty()) {
      log.debug("statefulset={} actions={} replicas={} current={} update={}", key, actions, replicas, revisions.current(), revisions.update());
    }
    List<CompletableFuture<?>> writes = new ArrayList<>();
    for (StatefulSetPlan.Action action : actions) {
      if (action.kind() == StatefulSetPlan.Kind.CREATE) {
        PodTemplateSpec template = revisions.templates().getOrDefault(action.revision(), sts.getSpec().getTemplate());
        writes.add(createClaims(sts, action.ordinal(), claims).thenCompose(made -> pods.create(sts, podFor(sts, template, action.ordinal(), action.revision())))
            .toCompletableFuture());
      } else {
        writes.add(pods.delete(sts, byOrdinal.get(action.ordinal())).toCompletableFuture());
      }
    }
    StatefulSetStatus status = status(sts, revisions, states, rolling);
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
        .thenCompose(done -> writeStatus(sts, status))
        .thenCompose(written -> StatefulSetRevisions.prune(store, sts, revisions, status));
  }

  /** The claims of the pod of {@code ordinal} that do not exist yet; one that exists is kept as it is. */
  private CompletionStage<?> createClaims(StatefulSet sts, int ordinal, java.util.Set<String> existing) {
    List<CompletableFuture<?>> creates = new ArrayList<>();
    for (PersistentVolumeClaim template : orEmpty(sts.getSpec().getVolumeClaimTemplates())) {
      String claimName = claimName(template, sts, ordinal);
      if (existing.contains(claimName)) {
        continue;
      }
      PersistentVolumeClaim claim = KubeJson.toTyped(KubeJson.MAPPER.valueToTree(template), PersistentVolumeClaim.class);
      ObjectMeta meta = claim.getMetadata() == null ? new ObjectMeta() : claim.getMetadata();
      meta.setName(claimName);
      meta.setNamespace(sts.getMetadata().getNamespace());
      Map<String, String> labels = new HashMap<>(meta.getLabels() == null ? Map.of() : meta.getLabels());
      if (sts.getSpec().getSelector() != null && sts.getSpec().getSelector().getMatchLabels() != null) {
        labels.putAll(sts.getSpec().getSelector().getMatchLabels());
      }
      meta.setLabels(labels);
      claim.setMetadata(meta);
      claim.setStatus(null);
      log.debug("statefulset={} creating claim={}", Cache.key(sts), claimName);
      creates.add(store.create(claim).toCompletableFuture().handle((made, failure) -> {
        if (failure != null && !StoreException.is(failure, StoreError.Reason.ALREADY_EXISTS)) {
          if (events != null) {
            events.record(sts, null, EventRecorder.WARNING, "FailedCreate",
                "create Claim %s for Pod %s-%d in StatefulSet %s failed error: %s".formatted(claimName, sts.getMetadata().getName(), ordinal,
                    sts.getMetadata().getName(), StoreException.cause(failure).getMessage()));
          }
          throw new CompletionException(StoreException.cause(failure));
        }
        return made;
      }));
    }
    return CompletableFuture.allOf(creates.toArray(CompletableFuture[]::new));
  }

  static String claimName(PersistentVolumeClaim template, StatefulSet sts, int ordinal) {
    return template.getMetadata().getName() + "-" + sts.getMetadata().getName() + "-" + ordinal;
  }

  /** The pod of {@code ordinal}: stable name and hostname, the service as subdomain, the claims as volumes, its revision as a label. */
  static Pod podFor(StatefulSet sts, PodTemplateSpec template, int ordinal, String revision) {
    PodTemplateSpec copy = KubeJson.toTyped(KubeJson.MAPPER.valueToTree(template), PodTemplateSpec.class);
    String name = sts.getMetadata().getName() + "-" + ordinal;
    ObjectMeta meta = copy.getMetadata() == null ? new ObjectMeta() : copy.getMetadata();
    meta.setName(name);
    meta.setGenerateName(null);
    meta.setNamespace(sts.getMetadata().getNamespace());
    Map<String, String> labels = new HashMap<>(meta.getLabels() == null ? Map.of() : meta.getLabels());
    labels.put(REVISION_LABEL, revision);
    labels.put(POD_NAME_LABEL, name);
    labels.put(POD_INDEX_LABEL, Integer.toString(ordinal));
    meta.setLabels(labels);
    meta.setOwnerReferences(List.of(Owners.reference(sts)));
    var spec = copy.getSpec();
    spec.setHostname(name);
    if (sts.getSpec().getServiceName() != null && !sts.getSpec().getServiceName().isEmpty()) {
      spec.setSubdomain(sts.getSpec().getServiceName());
    }
    Map<String, Volume> volumes = new LinkedHashMap<>();
    orEmpty(spec.getVolumes()).forEach(volume -> volumes.put(volume.getName(), volume));
    for (PersistentVolumeClaim claimTemplate : orEmpty(sts.getSpec().getVolumeClaimTemplates())) {
      String volume = claimTemplate.getMetadata().getName();
      volumes.put(volume, new VolumeBuilder().withName(volume).withNewPersistentVolumeClaim(claimName(claimTemplate, sts, ordinal), false).build());
    }
    spec.setVolumes(new ArrayList<>(volumes.values()));
    return new PodBuilder().withMetadata(meta).withSpec(spec).build();
  }

  /** Kubernetes' counters; the update becomes current once every pod is at it and ready. */
  StatefulSetStatus status(StatefulSet sts, StatefulSetRevisions.Revisions revisions, Map<Integer, StatefulSetPlan.PodState> states, boolean rolling) {
    int replicas = 0;
    int ready = 0;
    int current = 0;
    int updated = 0;
    for (StatefulSetPlan.PodState pod : states.values()) {
      if (pod.terminating()) {
        continue;
      }
      replicas++;
      ready += pod.runningAndReady() ? 1 : 0;
      current += pod.revision().equals(revisions.current()) ? 1 : 0;
      updated += pod.revision().equals(revisions.update()) ? 1 : 0;
    }
    int wanted = sts.getSpec().getReplicas() == null ? 1 : sts.getSpec().getReplicas();
    String currentRevision = revisions.current();
    if (rolling && updated == replicas && ready == replicas && replicas == wanted) {
      currentRevision = revisions.update();
      current = updated;
    }
    return new StatefulSetStatusBuilder()
        .withObservedGeneration(sts.getMetadata().getGeneration())
        .withReplicas(replicas)
        .withReadyReplicas(ready)
        .withAvailableReplicas(ready)
        .withCurrentReplicas(current)
        .withUpdatedReplicas(updated)
        .withCurrentRevision(currentRevision)
        .withUpdateRevision(revisions.update())
        .withCollisionCount(0)
        .build();
  }

  private CompletionStage<?> writeStatus(StatefulSet sts, StatefulSetStatus status) {
    JsonNode before = sts.getStatus() == null ? null : KubeJson.MAPPER.valueToTree(sts.getStatus());
    ObjectNode after = KubeJson.MAPPER.valueToTree(status);
    if (before != null) {
      ((ObjectNode) before).remove("conditions");
      after.remove("conditions");
      if (KubeJson.sameContent(before, after)) {
        return CompletableFuture.completedFuture(null);
      }
    }
    StatefulSet update = Cache.copy(sts);
    update.getMetadata().setResourceVersion(null);
    update.setStatus(status);
    return store.updateStatus(update).exceptionally(failure -> null);
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
