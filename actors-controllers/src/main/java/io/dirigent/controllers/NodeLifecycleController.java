package io.dirigent.controllers;

import io.dirigent.core.api.ConditionStatus;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.NodeConditions;
import io.dirigent.core.api.NodeTaints;
import io.dirigent.core.cluster.NodeLeases;
import io.dirigent.core.events.EventRecorder;
import io.dirigent.core.informer.Index;
import io.dirigent.core.informer.InformerStore;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices nodes whose agents stopped renewing their Leases, as Kubernetes' node lifecycle
 * controller does, and evicts their pods only on evidence:
 *
 * <ul>
 *   <li>A Lease is late when this controller has not <em>seen</em> it renewed within its
 *       {@code leaseDurationSeconds} (or {@code node-monitor-grace-period}): the clock that counts
 *       is the controller's own, from when it saw each renewal — so a controller that just took
 *       over, or whose store was away, gives every node a full lease duration before it judges.
 *   <li>A late node gets Ready=Unknown and the {@code node.kubernetes.io/unreachable:NoExecute}
 *       taint. What happens to its pods depends on what the cluster knows of the member its agent
 *       runs on ({@link NodeHealth}): downed or removed — certainly gone — they are deleted after
 *       {@code pod-eviction-timeout}, for their controllers to replace; a graceful restart keeps
 *       them for {@code restart-grace-period}; a member still Up (a busy host) or merely
 *       unreachable keeps them for {@code unconfirmed-eviction-timeout}. A pod's own toleration
 *       of the taint decides instead when it has one.
 *   <li>Nothing is decided while this member's own view is impaired (it is not Up, or a
 *       control-plane member is unreachable from it), and nothing but a certainly gone node's pods
 *       is evicted while too many nodes are not ready at once (the disruption modes): then the
 *       likelier fault is the control plane's, and an event says evictions are held.
 * </ul>
 *
 * When the Lease is renewed again, the taint goes; the agent reports Ready itself.
 */
final class NodeLifecycleController implements Controller {

  static final String EVICTIONS_HELD = "NodeEvictionsHeld";
  private static final String LEASE_NAMESPACE = "kube-node-lease";
  /**
   * How long after a moment something is due (a lease to run out, a pod to be evicted, the taint
   * just written to be seen) the node is looked at again, so that it is past due by then: a margin
   * against timer and clock granularity, not a setting.
   */
  private static final Duration JUST_AFTER = Duration.ofMillis(100);
  private static final Logger log = LoggerFactory.getLogger(NodeLifecycleController.class);

  private final Store store;
  private final EventRecorder events;
  private final Clock clock;
  private final Duration defaultGrace;
  private final Duration monitorPeriod;
  private final NodeHealth.Timeouts timeouts;
  private final MemberView members;
  /** When this controller saw each node's Lease renewed (by node name); touched only on the loop's actor. */
  private final Map<String, Seen> seen = new HashMap<>();
  /** Nodes whose held evictions an event has reported, until the disruption ends. */
  private final Set<String> heldReported = new HashSet<>();

  /** A Lease's renewTime and when this controller first saw it. */
  private record Seen(String renewTime, Instant at) {}

  /**
   * @param defaultGrace how long a Lease that names no duration lasts
   * @param monitorPeriod how often a late node is looked at again: what the cluster knows of its
   *     member changes without an informer event
   */
  NodeLifecycleController(Store store, EventRecorder events, Clock clock, Duration defaultGrace, Duration monitorPeriod, NodeHealth.Timeouts timeouts,
      MemberView members) {
    this.store = store;
    this.events = events;
    this.clock = clock;
    this.defaultGrace = defaultGrace;
    this.monitorPeriod = monitorPeriod;
    this.timeouts = timeouts;
    this.members = members;
  }

  @Override
  public String name() {
    return "node-lifecycle";
  }

  @Override
  public List<Watch> watches() {
    return List.of(
        new Watch(Node.class, (change, cache) -> {
          String name = KubeJson.name(change.object());
          if (change.deleted()) {
            seen.remove(name);
            heldReported.remove(name);
          }
          return List.of(name);
        }),
        new Watch(Lease.class, (change, cache) -> {
          if (!KubeJson.namespace(change.object()).equals(LEASE_NAMESPACE)) {
            return List.of();
          }
          String name = KubeJson.name(change.object());
          if (!change.deleted()) {
            see(name, change.object().path("spec").path("renewTime").asText(""), clock.instant());
          }
          return List.of(name);
        }),
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
    Optional<Lease> lease = cache.get(Lease.class, InformerStore.key(LEASE_NAMESPACE, key));
    Instant now = clock.instant();
    Instant deadline = deadline(key, cache, now);
    Optional<Taint> taint = taints(node).stream()
        .filter(t -> NodeTaints.UNREACHABLE.equals(t.getKey()) && NodeTaints.NO_EXECUTE.equals(t.getEffect())).findFirst();
    if (now.isBefore(deadline)) {
      if (taint.isPresent()) {
        log.info("node-lifecycle: node={} lease renewed: removing the unreachable taint", key);
      }
      CompletionStage<?> untainted = taint.isPresent() ? untaint(node) : CompletableFuture.completedFuture(null);
      // Look again when the lease would run out, unless it is renewed first.
      return untainted.thenApply(done -> Duration.between(now, deadline).plus(JUST_AFTER));
    }
    Optional<String> impaired = members.impaired();
    if (impaired.isPresent()) {
      log.info("node-lifecycle: node={} lease late, nothing decided: {}", key, impaired.get());
      return CompletableFuture.completedFuture(monitorPeriod);
    }
    Optional<Instant> stopped = lease.flatMap(NodeLeases::stopped);
    NodeHealth.State state = NodeHealth.judge(true, lease.flatMap(NodeLeases::member).map(members::of), stopped);
    if (taint.isEmpty()) {
      log.info("node-lifecycle: node={} state={} lease late since {}: tainting", key, state, deadline);
      return markUnreachable(node, state, now).thenApply(done -> JUST_AFTER);
    }
    NodeHealth.Disruption disruption = disruption(cache, now);
    if (!NodeHealth.evicts(state, disruption)) {
      reportHeld(node, state, disruption);
      return CompletableFuture.completedFuture(monitorPeriod);
    }
    if (disruption == NodeHealth.Disruption.NORMAL) {
      heldReported.clear();
    }
    Instant tainted = taint.get().getTimeAdded() == null ? now : Instant.parse(taint.get().getTimeAdded());
    Instant defaultDue = NodeHealth.defaultEviction(state, tainted, stopped, timeouts);
    log.debug("node-lifecycle: node={} state={} disruption={} tainted={} pods without a toleration evicted at {}", key, state, disruption, tainted,
        defaultDue.equals(Instant.MAX) ? "never" : defaultDue);
    return evict(node, taint.get(), tainted, defaultDue, cache, now);
  }

  /** Notes when a node's Lease was (first) seen with {@code renewTime}. */
  private Seen see(String node, String renewTime, Instant now) {
    Seen known = seen.get(node);
    if (known == null || !known.renewTime().equals(renewTime)) {
      known = new Seen(renewTime, now);
      seen.put(node, known);
    }
    return known;
  }

  /** When the node's Lease runs out, counted from when this controller saw it renewed. */
  private Instant deadline(String node, Cache cache, Instant now) {
    Optional<com.fasterxml.jackson.databind.node.ObjectNode> lease = cache.tree(Lease.class, InformerStore.key(LEASE_NAMESPACE, node));
    String renewTime = lease.map(l -> l.path("spec").path("renewTime").asText("")).orElse("");
    long seconds = lease.map(l -> l.path("spec").path("leaseDurationSeconds").asLong(0)).orElse(0L);
    return see(node, renewTime, now).at().plus(seconds > 0 ? Duration.ofSeconds(seconds) : defaultGrace);
  }

  /** How many of the nodes are not ready now, and what that amounts to. */
  private NodeHealth.Disruption disruption(Cache cache, Instant now) {
    int nodes = 0;
    int notReady = 0;
    for (String name : cache.keys(Node.class)) {
      nodes++;
      if (!now.isBefore(deadline(name, cache, now))) {
        notReady++;
      }
    }
    return NodeHealth.disruption(nodes, notReady, timeouts.unhealthyThreshold());
  }

  private void reportHeld(Node node, NodeHealth.State state, NodeHealth.Disruption disruption) {
    String name = node.getMetadata().getName();
    if (heldReported.add(name)) {
      log.warn("node-lifecycle: node={} state={} disruption={}: evictions held", name, state, disruption);
      if (events != null) {
        events.record(node, null, EventRecorder.WARNING, EVICTIONS_HELD, ("Node %s is not ready, but so are %s the nodes at once: "
            + "its pods are not evicted until that ends or its member is downed").formatted(name,
            disruption == NodeHealth.Disruption.FULL ? "all" : "most"));
      }
    }
  }

  private CompletionStage<?> markUnreachable(Node node, NodeHealth.State state, Instant now) {
    String stamp = KubeJson.timestamp(now);
    Node update = Cache.copy(node);
    if (update.getSpec() == null) {
      update.setSpec(new io.fabric8.kubernetes.api.model.NodeSpec());
    }
    List<Taint> taints = new ArrayList<>(taints(node));
    taints.add(new Taint(NodeTaints.NO_EXECUTE, NodeTaints.UNREACHABLE, stamp, null));
    update.getSpec().setTaints(taints);
    if (events != null) {
      events.record(node, null, EventRecorder.NORMAL, "NodeNotReady", "Node %s status is now: NodeNotReady (%s)".formatted(
          node.getMetadata().getName(), describe(state)));
    }
    return store.update(update).thenCompose(written -> {
      Node status = Cache.copy(written);
      status.getMetadata().setResourceVersion(null);
      if (status.getStatus() != null && status.getStatus().getConditions() != null) {
        for (NodeCondition condition : status.getStatus().getConditions()) {
          if (!ConditionStatus.UNKNOWN.equals(condition.getStatus())) {
            condition.setLastTransitionTime(stamp);
          }
          condition.setStatus(ConditionStatus.UNKNOWN);
          condition.setReason(NodeConditions.STATUS_UNKNOWN);
          condition.setMessage("Kubelet stopped posting node status.");
        }
      }
      return store.updateStatus(status);
    });
  }

  private static String describe(NodeHealth.State state) {
    return switch (state) {
      case LATE -> "lease late, its member still up";
      case UNREACHABLE -> "its member is unreachable";
      case RESTARTING -> "its agent is restarting";
      case GONE -> "its member is gone";
      case UNKNOWN, READY -> "lease late";
    };
  }

  private CompletionStage<?> untaint(Node node) {
    Node update = Cache.copy(node);
    update.getSpec().setTaints(taints(node).stream().filter(t -> !NodeTaints.UNREACHABLE.equals(t.getKey())).toList());
    return store.update(update);
  }

  /**
   * Deletes the pods whose toleration of the taint has run out — those without one at
   * {@code defaultDue} — and answers when to look again.
   */
  private CompletionStage<?> evict(Node node, Taint taint, Instant tainted, Instant defaultDue, Cache cache, Instant now) {
    List<CompletableFuture<?>> deletes = new ArrayList<>();
    Duration next = null;
    int waiting = 0;
    for (Pod pod : cache.indexed(Pod.class, Index.NODE, node.getMetadata().getName())) {
      Instant due = evictionDue(pod, taint, tainted, defaultDue);
      if (due.equals(Instant.MAX)) {
        continue;
      }
      if (due.isAfter(now)) {
        waiting++;
        Duration left = Duration.between(now, due);
        next = next == null || left.compareTo(next) < 0 ? left : next;
        continue;
      }
      log.info("node-lifecycle: node={} evicting pod={}/{}", node.getMetadata().getName(), pod.getMetadata().getNamespace(), pod.getMetadata().getName());
      if (events != null) {
        events.record(pod, null, EventRecorder.NORMAL, "TaintManagerEviction", "Marking for deletion Pod %s/%s".formatted(
            pod.getMetadata().getNamespace(), pod.getMetadata().getName()));
      }
      deletes.add(store.delete(Pod.class, pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
          DeleteOptions.defaults().withGracePeriod(0).withPreconditions(pod.getMetadata().getUid(), null)).toCompletableFuture().exceptionally(f -> null));
    }
    if (waiting > 0) {
      log.debug("node-lifecycle: node={} pods waiting to be evicted={} the next in={}", node.getMetadata().getName(), waiting, next);
    }
    // What it knows of the node may change (its member downed): look again within the monitor period.
    Duration again = next == null || next.compareTo(monitorPeriod) > 0 ? monitorPeriod : next.plus(JUST_AFTER);
    return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new)).thenApply(done -> again);
  }

  /**
   * When the pod leaves the node tainted at {@code tainted}: as its own toleration of the taint
   * says ({@link Instant#MAX}: never), or at {@code defaultDue} without one.
   */
  private static Instant evictionDue(Pod pod, Taint taint, Instant tainted, Instant defaultDue) {
    List<Toleration> tolerations = pod.getSpec().getTolerations() == null ? List.of() : pod.getSpec().getTolerations();
    for (Toleration toleration : tolerations) {
      if (io.dirigent.core.api.Tolerations.tolerates(toleration, taint)) {
        return toleration.getTolerationSeconds() == null ? Instant.MAX : tainted.plusSeconds(Math.max(0, toleration.getTolerationSeconds()));
      }
    }
    return defaultDue;
  }

  private static List<Taint> taints(Node node) {
    return node.getSpec() == null || node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints();
  }
}
