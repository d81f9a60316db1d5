package io.dirigent.controllers;

import io.dirigent.core.api.KubeJson;
import io.dirigent.core.events.EventRecorder;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.store.Store;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Notices dead nodes, as Kubernetes' node lifecycle controller does: a node whose Lease has not
 * been renewed within its {@code leaseDurationSeconds} (or {@code node-monitor-grace-period}
 * when it has none) gets Ready=Unknown and the {@code node.kubernetes.io/unreachable:NoExecute}
 * taint; its pods that do not tolerate the taint are deleted once their
 * {@code tolerationSeconds} (default {@code pod-eviction-timeout}) have passed — at once and for
 * good, since no agent is there to stop them — and their controllers replace them elsewhere.
 * When the lease is renewed again, the taint goes; the agent reports Ready itself.
 */
final class NodeLifecycleController implements Controller {

  static final String UNREACHABLE = "node.kubernetes.io/unreachable";
  private static final String LEASE_NAMESPACE = "kube-node-lease";

  private final Store store;
  private final EventRecorder events;
  private final Clock clock;
  private final Duration defaultGrace;
  private final Duration evictionTimeout;

  NodeLifecycleController(Store store, EventRecorder events, Clock clock, Duration defaultGrace, Duration evictionTimeout) {
    this.store = store;
    this.events = events;
    this.clock = clock;
    this.defaultGrace = defaultGrace;
    this.evictionTimeout = evictionTimeout;
  }

  @Override
  public String name() {
    return "node-lifecycle";
  }

  @Override
  public List<Watch> watches() {
    return List.of(
        new Watch(Node.class, (change, cache) -> List.of(KubeJson.name(change.object()))),
        new Watch(Lease.class, (change, cache) -> KubeJson.namespace(change.object()).equals(LEASE_NAMESPACE)
            ? List.of(KubeJson.name(change.object())) : List.of()),
        new Watch(Pod.class, (change, cache) -> {
          String node = change.object().path("spec").path("nodeName").asText("");
          return node.isEmpty() ? List.of() : List.of(node);
        }));
  }

  @Override
  public CompletionStage<?> reconcile(String key, Cache cache) {
    Optional<Node> found = cache.get(Node.class, key);
    if (found.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    Node node = found.get();
    Optional<Lease> lease = cache.get(Lease.class, LEASE_NAMESPACE + "/" + key);
    Instant now = clock.instant();
    Instant renewed = lease.map(l -> l.getSpec().getRenewTime()).map(t -> t.toInstant())
        .orElseGet(() -> node.getMetadata().getCreationTimestamp() == null ? now : Instant.parse(node.getMetadata().getCreationTimestamp()));
    Duration grace = lease.map(l -> l.getSpec().getLeaseDurationSeconds()).map(s -> Duration.ofSeconds(s)).orElse(defaultGrace);
    Instant deadline = renewed.plus(grace);
    Optional<Taint> taint = taints(node).stream().filter(t -> UNREACHABLE.equals(t.getKey()) && "NoExecute".equals(t.getEffect())).findFirst();
    if (now.isBefore(deadline)) {
      CompletionStage<?> untainted = taint.isPresent() ? untaint(node) : CompletableFuture.completedFuture(null);
      // Look again when the lease would run out, unless it is renewed first.
      return untainted.thenApply(done -> Duration.between(now, deadline).plusMillis(100));
    }
    if (taint.isEmpty()) {
      return markUnreachable(node, now).thenApply(done -> Duration.ofMillis(100));
    }
    Instant tainted = taint.get().getTimeAdded() == null ? now : Instant.parse(taint.get().getTimeAdded());
    return evict(node, taint.get(), tainted, cache, now);
  }

  private CompletionStage<?> markUnreachable(Node node, Instant now) {
    String stamp = KubeJson.timestamp(now);
    Node update = Cache.copy(node);
    if (update.getSpec() == null) {
      update.setSpec(new io.fabric8.kubernetes.api.model.NodeSpec());
    }
    List<Taint> taints = new ArrayList<>(taints(node));
    taints.add(new Taint("NoExecute", UNREACHABLE, stamp, null));
    update.getSpec().setTaints(taints);
    if (events != null) {
      events.record(node, null, EventRecorder.NORMAL, "NodeNotReady", "Node %s status is now: NodeNotReady".formatted(node.getMetadata().getName()));
    }
    return store.update(update).thenCompose(written -> {
      Node status = Cache.copy(written);
      status.getMetadata().setResourceVersion(null);
      if (status.getStatus() != null && status.getStatus().getConditions() != null) {
        for (NodeCondition condition : status.getStatus().getConditions()) {
          if (!"Unknown".equals(condition.getStatus())) {
            condition.setLastTransitionTime(stamp);
          }
          condition.setStatus("Unknown");
          condition.setReason("NodeStatusUnknown");
          condition.setMessage("Kubelet stopped posting node status.");
        }
      }
      return store.updateStatus(status);
    });
  }

  private CompletionStage<?> untaint(Node node) {
    Node update = Cache.copy(node);
    update.getSpec().setTaints(taints(node).stream().filter(t -> !UNREACHABLE.equals(t.getKey())).toList());
    return store.update(update);
  }

  /** Deletes the pods whose toleration of the taint has run out; answers when to look again. */
  private CompletionStage<?> evict(Node node, Taint taint, Instant tainted, Cache cache, Instant now) {
    List<CompletableFuture<?>> deletes = new ArrayList<>();
    Duration next = null;
    for (Pod pod : cache.list(Pod.class, null)) {
      if (!node.getMetadata().getName().equals(pod.getSpec().getNodeName())) {
        continue;
      }
      Duration tolerated = toleration(pod, taint);
      if (tolerated == null) {
        continue;
      }
      Instant due = tainted.plus(tolerated);
      if (due.isAfter(now)) {
        Duration left = Duration.between(now, due);
        next = next == null || left.compareTo(next) < 0 ? left : next;
        continue;
      }
      if (events != null) {
        events.record(pod, null, EventRecorder.NORMAL, "TaintManagerEviction", "Marking for deletion Pod %s/%s".formatted(
            pod.getMetadata().getNamespace(), pod.getMetadata().getName()));
      }
      deletes.add(store.delete(Pod.class, pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
          DeleteOptions.defaults().withGracePeriod(0).withPreconditions(pod.getMetadata().getUid(), null)).toCompletableFuture().exceptionally(f -> null));
    }
    Duration again = next == null ? Duration.ofSeconds(1) : next.plusMillis(100);
    return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new)).thenApply(done -> again);
  }

  /** How long the pod tolerates the taint; null: for ever. Without a toleration, the eviction timeout. */
  private Duration toleration(Pod pod, Taint taint) {
    List<Toleration> tolerations = pod.getSpec().getTolerations() == null ? List.of() : pod.getSpec().getTolerations();
    for (Toleration toleration : tolerations) {
      if (io.dirigent.core.api.Tolerations.tolerates(toleration, taint)) {
        return toleration.getTolerationSeconds() == null ? null : Duration.ofSeconds(Math.max(0, toleration.getTolerationSeconds()));
      }
    }
    return evictionTimeout;
  }

  private static List<Taint> taints(Node node) {
    return node.getSpec() == null || node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints();
  }
}
