package io.dirigent.controllers;

import com.typesafe.config.Config;
import io.dirigent.core.events.EventRecorder;
import io.dirigent.core.net.Ipv4Cidr;
import io.dirigent.core.store.Store;
import io.fabric8.kubernetes.api.model.Node;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Gives every Node its own range of the cluster's pod network ({@code spec.podCIDR} and
 * {@code podCIDRs}), as kube-controller-manager's node IPAM range allocator does: the lowest
 * range no other Node holds. A range is never taken back from a Node (Kubernetes' podCIDR does not
 * change once set); it is free again once its Node is deleted. A Node that already names a range
 * (set by hand, or by an earlier allocation) keeps it, and that range counts as taken.
 */
final class NodeIpamController implements Controller {

  /** Kubernetes' event when the cluster's pod network has no range left. */
  static final String CIDR_NOT_AVAILABLE = "CIDRNotAvailable";

  private final Store store;
  private final EventRecorder events;
  private final Ipv4Cidr cluster;
  private final int nodeMask;
  private final Duration retry;
  /**
   * Ranges handed out but not yet seen in the cache (by node name): another node reconciled
   * meanwhile must not get the same one. Touched only on the loop's actor.
   */
  private final Map<String, Ipv4Cidr> pending = new HashMap<>();

  /** @param retry how soon a node that got no range (none was left) is looked at again */
  NodeIpamController(Store store, EventRecorder events, Ipv4Cidr cluster, int nodeMask, Duration retry) {
    if (nodeMask < cluster.prefix() || nodeMask > 30) {
      throw new IllegalArgumentException("dirigent.network.node-cidr-mask-size must be between the cluster CIDR's prefix ("
          + cluster.prefix() + ") and 30: " + nodeMask);
    }
    this.store = store;
    this.events = events;
    this.cluster = cluster;
    this.nodeMask = nodeMask;
    this.retry = retry;
  }

  static NodeIpamController from(Store store, EventRecorder events, Config network, Duration retry) {
    return new NodeIpamController(store, events, Ipv4Cidr.of(network.getString("cluster-cidr"), "dirigent.network.cluster-cidr"),
        network.getInt("node-cidr-mask-size"), retry);
  }

  @Override
  public String name() {
    return "nodeipam";
  }

  @Override
  public List<Watch> watches() {
    return List.of(new Watch(Node.class, (change, cache) -> {
      if (!change.deleted()) {
        return List.of(Cache.key(change.object()));
      }
      // A deleted Node frees its range: the Nodes still waiting for one get a look at once.
      List<String> keys = new java.util.ArrayList<>(List.of(Cache.key(change.object())));
      for (String other : cache.keys(Node.class)) {
        cache.get(Node.class, other).filter(node -> rangeOf(node).isEmpty()).ifPresent(node -> keys.add(other));
      }
      return keys;
    }));
  }

  @Override
  public CompletionStage<?> reconcile(String name, Cache cache) {
    Optional<Node> found = cache.get(Node.class, name);
    if (found.isEmpty()) {
      pending.remove(name);
      return CompletableFuture.completedFuture(null);
    }
    Node node = found.get();
    if (rangeOf(node).isPresent()) {
      pending.remove(name);
      return CompletableFuture.completedFuture(null);
    }
    if (node.getMetadata().getDeletionTimestamp() != null) {
      return CompletableFuture.completedFuture(null);
    }
    Set<Ipv4Cidr> taken = new HashSet<>();
    for (String other : cache.keys(Node.class)) {
      cache.get(Node.class, other).flatMap(NodeIpamController::rangeOf).ifPresent(taken::add);
    }
    pending.keySet().retainAll(new HashSet<>(cache.keys(Node.class)));
    pending.forEach((other, range) -> {
      if (!other.equals(name)) {
        taken.add(range);
      }
    });
    Optional<Ipv4Cidr> range = Optional.ofNullable(pending.get(name)).or(() -> next(cluster, nodeMask, taken));
    if (range.isEmpty()) {
      if (events != null) {
        events.record(node, null, EventRecorder.WARNING, CIDR_NOT_AVAILABLE,
            "Node %s status is now: CIDRNotAvailable (the pod network %s has no /%d left)".formatted(name, cluster, nodeMask));
      }
      // Nodes come and go: look again later rather than never.
      return CompletableFuture.completedFuture(retry);
    }
    pending.put(name, range.get());
    Node updated = Cache.copy(node);
    if (updated.getSpec() == null) {
      updated.setSpec(new io.fabric8.kubernetes.api.model.NodeSpec());
    }
    updated.getSpec().setPodCIDR(range.get().toString());
    updated.getSpec().setPodCIDRs(List.of(range.get().toString()));
    return store.update(updated);
  }

  /** The range a Node names, if it names a valid one. */
  static Optional<Ipv4Cidr> rangeOf(Node node) {
    return node.getSpec() == null ? Optional.empty() : Optional.ofNullable(node.getSpec().getPodCIDR()).flatMap(Ipv4Cidr::parse);
  }

  /** The lowest range of {@code mask} in {@code cluster} that overlaps none of {@code taken}. */
  static Optional<Ipv4Cidr> next(Ipv4Cidr cluster, int mask, Collection<Ipv4Cidr> taken) {
    long count = cluster.subnets(mask);
    for (long i = 0; i < count; i++) {
      Ipv4Cidr candidate = cluster.subnet(i, mask);
      if (taken.stream().noneMatch(candidate::overlaps)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
