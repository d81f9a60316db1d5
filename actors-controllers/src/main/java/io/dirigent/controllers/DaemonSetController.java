package io.dirigent.controllers;

import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.NodeTaints;
import io.dirigent.core.api.Tolerations;
import io.dirigent.core.events.EventRecorder;
import io.dirigent.core.informer.Index;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreException;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pod of each DaemonSet on every eligible node (its template's node selector matches, and it
 * tolerates the node's NoSchedule and NoExecute taints), new nodes included. The pods name their
 * node through required node affinity on {@code metadata.name}, so the scheduler binds them, and
 * tolerate the taints Kubernetes lets daemons through (not-ready, unreachable, unschedulable,
 * pressure). A changed template rolls out node by node within {@code maxUnavailable} (default 1):
 * an outdated pod is deleted and replaced. Status counts desired, current, ready, available,
 * updated and misscheduled pods.
 */
final class DaemonSetController implements Controller {

  static final String REVISION_HASH = "controller-revision-hash";

  /** What daemon pods tolerate, as Kubernetes' DaemonSet controller adds. */
  private static final List<Toleration> DAEMON_TOLERATIONS = List.of(
      new Toleration(NodeTaints.NO_EXECUTE, NodeTaints.NOT_READY, "Exists", null, null),
      new Toleration(NodeTaints.NO_EXECUTE, NodeTaints.UNREACHABLE, "Exists", null, null),
      new Toleration(NodeTaints.NO_SCHEDULE, NodeTaints.DISK_PRESSURE, "Exists", null, null),
      new Toleration(NodeTaints.NO_SCHEDULE, NodeTaints.MEMORY_PRESSURE, "Exists", null, null),
      new Toleration(NodeTaints.NO_SCHEDULE, NodeTaints.PID_PRESSURE, "Exists", null, null),
      new Toleration(NodeTaints.NO_SCHEDULE, NodeTaints.UNSCHEDULABLE, "Exists", null, null),
      new Toleration(NodeTaints.NO_SCHEDULE, NodeTaints.NOT_READY, "Exists", null, null));

  private static final Logger log = LoggerFactory.getLogger(DaemonSetController.class);

  private final Store store;
  private final PodControl pods;
  private final Clock clock;
  private final Expectations expectations;

  DaemonSetController(Store store, EventRecorder events, Clock clock) {
    this.store = store;
    this.pods = new PodControl(store, events);
    this.clock = clock;
    this.expectations = new Expectations(clock);
  }

  @Override
  public String name() {
    return "daemonset";
  }

  @Override
  public List<Watch> watches() {
    return List.of(
        new Watch(DaemonSet.class, (change, cache) -> List.of(Cache.key(change.object()))),
        new Watch(Node.class, (change, cache) -> cache.keys(DaemonSet.class)),
        new Watch(Pod.class, (change, cache) -> expectations.ownerOfPod(change, "DaemonSet")));
  }

  @Override
  public CompletionStage<?> reconcile(String key, Cache cache) {
    Optional<DaemonSet> found = cache.get(DaemonSet.class, key);
    if (found.isEmpty() || found.get().getMetadata().getDeletionTimestamp() != null) {
      expectations.forget(key);
      return CompletableFuture.completedFuture(null);
    }
    DaemonSet ds = found.get();
    String hash = DeploymentController.templateHash(ds.getSpec().getTemplate());
    Map<String, List<Pod>> byNode = new HashMap<>();
    for (Pod pod : cache.indexed(Pod.class, Index.CONTROLLER, ds.getMetadata().getUid())) {
      if (ReplicaSetController.active(pod)) {
        byNode.computeIfAbsent(targetNode(pod), n -> new ArrayList<>()).add(pod);
      }
    }
    List<Node> nodes = cache.list(Node.class, null);
    List<Pod> toCreate = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<Pod> duplicates = new ArrayList<>();
    List<Pod> ineligible = new ArrayList<>();
    int desired = 0;
    for (Node node : nodes) {
      String name = node.getMetadata().getName();
      List<Pod> here = byNode.getOrDefault(name, List.of());
      if (eligible(ds, node)) {
        desired++;
        if (here.isEmpty()) {
          toCreate.add(podFor(ds, name, hash));
          missing.add(name);
        } else if (here.size() > 1) {
          duplicates.addAll(here.subList(1, here.size()));
        }
      } else if (!here.isEmpty()) {
        ineligible.addAll(here);
      }
    }
    int misscheduled = ineligible.size();
    List<Pod> outdated = outdated(ds, hash, byNode, nodes);
    List<Pod> toDelete = new ArrayList<>(duplicates);
    toDelete.addAll(ineligible);
    toDelete.addAll(outdated);
    CompletionStage<?> acted = CompletableFuture.completedFuture(null);
    if (!toCreate.isEmpty() || !toDelete.isEmpty()) {
      if (!expectations.satisfied(key)) {
        log.debug("daemonset={} waiting for its creates and deletes to be seen: nodes without a pod={} pods to delete={}", key, missing,
            Cache.names(toDelete));
      } else {
        log.debug("daemonset={} creating pods for nodes={}; deleting duplicates={} misscheduled={} outdated={}", key, missing,
            Cache.names(duplicates), Cache.names(ineligible), Cache.names(outdated));
        acted = act(key, ds, toCreate, toDelete);
      }
    }
    DaemonSetStatus status = status(ds, hash, byNode, nodes, desired, misscheduled);
    return acted.thenCompose(done -> writeStatus(ds, status));
  }

  /** Creates and deletes, each counted off the expectations alone if it fails. */
  private CompletionStage<?> act(String key, DaemonSet ds, List<Pod> toCreate, List<Pod> toDelete) {
    expectations.expect(key, toCreate.size(), toDelete.size());
    List<CompletableFuture<?>> writes = new ArrayList<>();
    toCreate.forEach(pod -> writes.add(pods.create(ds, pod).toCompletableFuture().whenComplete((created, failure) -> {
      if (failure != null) {
        log.debug("daemonset={} create failed, one fewer expected: {}", key, StoreException.cause(failure).getMessage());
        expectations.createFailed(key);
      }
    })));
    toDelete.forEach(pod -> writes.add(pods.delete(ds, pod).toCompletableFuture().whenComplete((deleted, failure) -> {
      if (failure != null || !deleted) {
        log.debug("daemonset={} pod={} {}, one fewer deletion expected", key, pod.getMetadata().getName(),
            failure != null ? "not deleted: " + StoreException.cause(failure).getMessage() : "was gone already");
        expectations.deleteFailed(key);
      }
    })));
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
  }

  /** Pods of an older template to delete now: as many as maxUnavailable allows, counting those already unavailable. */
  private List<Pod> outdated(DaemonSet ds, String hash, Map<String, List<Pod>> byNode, List<Node> nodes) {
    var strategy = ds.getSpec().getUpdateStrategy();
    if (strategy != null && "OnDelete".equals(strategy.getType())) {
      return List.of();
    }
    var maxUnavailableValue = strategy == null || strategy.getRollingUpdate() == null ? null : strategy.getRollingUpdate().getMaxUnavailable();
    int maxUnavailable = Math.max(1, RollingMath.resolve(maxUnavailableValue == null ? new io.fabric8.kubernetes.api.model.IntOrString(1) : maxUnavailableValue,
        nodes.size(), false));
    int unavailable = 0;
    List<Pod> old = new ArrayList<>();
    for (List<Pod> pods : byNode.values()) {
      for (Pod pod : pods) {
        if (!EndpointsController.ready(pod)) {
          unavailable++;
        }
        if (!hash.equals(labels(pod).get(REVISION_HASH))) {
          old.add(pod);
        }
      }
    }
    // Nodes still waiting for their first (or replaced) pod count as unavailable too.
    unavailable += (int) nodes.stream().filter(n -> eligible(ds, n) && byNode.getOrDefault(n.getMetadata().getName(), List.of()).isEmpty()).count();
    List<Pod> now = new ArrayList<>();
    for (Pod pod : old) {
      if (unavailable >= maxUnavailable && EndpointsController.ready(pod)) {
        break;
      }
      now.add(pod);
      if (EndpointsController.ready(pod)) {
        unavailable++;
      }
    }
    return now;
  }

  /** Whether the DaemonSet should run on the node: its node selector matches and it tolerates the node's hard taints. */
  static boolean eligible(DaemonSet ds, Node node) {
    var spec = ds.getSpec().getTemplate().getSpec();
    Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
    if (spec.getNodeSelector() != null && !labels.entrySet().containsAll(spec.getNodeSelector().entrySet())) {
      return false;
    }
    List<Toleration> tolerations = new ArrayList<>(DAEMON_TOLERATIONS);
    if (spec.getTolerations() != null) {
      tolerations.addAll(spec.getTolerations());
    }
    for (Taint taint : node.getSpec() == null || node.getSpec().getTaints() == null ? List.<Taint>of() : node.getSpec().getTaints()) {
      if (NodeTaints.hard(taint) && !Tolerations.tolerates(tolerations, taint)) {
        return false;
      }
    }
    return true;
  }

  /** A daemon pod for {@code node}: the template, owned by the DaemonSet, pinned by affinity to the node. */
  static Pod podFor(DaemonSet ds, String node, String hash) {
    PodTemplateSpec template = KubeJson.toTyped(KubeJson.MAPPER.valueToTree(ds.getSpec().getTemplate()), PodTemplateSpec.class);
    ObjectMeta meta = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
    meta.setName(null);
    meta.setGenerateName(ds.getMetadata().getName() + "-");
    meta.setNamespace(ds.getMetadata().getNamespace());
    meta.setOwnerReferences(List.of(Owners.reference(ds)));
    Map<String, String> labels = new HashMap<>(meta.getLabels() == null ? Map.of() : meta.getLabels());
    labels.put(REVISION_HASH, hash);
    meta.setLabels(labels);
    Pod pod = new PodBuilder().withMetadata(meta).withSpec(template.getSpec()).build();
    List<Toleration> tolerations = new ArrayList<>(pod.getSpec().getTolerations() == null ? List.of() : pod.getSpec().getTolerations());
    tolerations.addAll(DAEMON_TOLERATIONS);
    pod.getSpec().setTolerations(tolerations);
    pod.getSpec().setAffinity(new io.fabric8.kubernetes.api.model.AffinityBuilder().withNewNodeAffinity()
        .withNewRequiredDuringSchedulingIgnoredDuringExecution().addNewNodeSelectorTerm()
        .withMatchFields(new NodeSelectorRequirement("metadata.name", "In", List.of(node)))
        .endNodeSelectorTerm().endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().build());
    return pod;
  }

  /** The node a daemon pod is for: where it is bound, else the node its affinity names. */
  static String targetNode(Pod pod) {
    if (pod.getSpec().getNodeName() != null && !pod.getSpec().getNodeName().isEmpty()) {
      return pod.getSpec().getNodeName();
    }
    try {
      return pod.getSpec().getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
          .getNodeSelectorTerms().get(0).getMatchFields().get(0).getValues().get(0);
    } catch (RuntimeException e) {
      return "";
    }
  }

  private DaemonSetStatus status(DaemonSet ds, String hash, Map<String, List<Pod>> byNode, List<Node> nodes, int desired, int misscheduled) {
    int current = 0;
    int ready = 0;
    int available = 0;
    int updated = 0;
    int minReady = ds.getSpec().getMinReadySeconds() == null ? 0 : ds.getSpec().getMinReadySeconds();
    for (Node node : nodes) {
      if (!eligible(ds, node)) {
        continue;
      }
      for (Pod pod : byNode.getOrDefault(node.getMetadata().getName(), List.of())) {
        current++;
        if (EndpointsController.ready(pod)) {
          ready++;
          if (Availability.availableFor(pod, minReady, clock.instant())) {
            available++;
          }
        }
        if (hash.equals(labels(pod).get(REVISION_HASH))) {
          updated++;
        }
      }
    }
    return new DaemonSetStatusBuilder()
        .withDesiredNumberScheduled(desired)
        .withCurrentNumberScheduled(current)
        .withNumberReady(ready)
        .withNumberAvailable(available)
        .withNumberUnavailable(Math.max(0, desired - available))
        .withUpdatedNumberScheduled(updated)
        .withNumberMisscheduled(misscheduled)
        .withObservedGeneration(ds.getMetadata().getGeneration())
        .build();
  }

  private CompletionStage<?> writeStatus(DaemonSet ds, DaemonSetStatus status) {
    if (ds.getStatus() != null && KubeJson.sameContent(KubeJson.MAPPER.valueToTree(ds.getStatus()), KubeJson.MAPPER.valueToTree(status))) {
      return CompletableFuture.completedFuture(null);
    }
    DaemonSet update = Cache.copy(ds);
    update.getMetadata().setResourceVersion(null);
    update.setStatus(status);
    return store.updateStatus(update).exceptionally(failure -> null);
  }

  private static Map<String, String> labels(Pod pod) {
    return pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
  }
}
