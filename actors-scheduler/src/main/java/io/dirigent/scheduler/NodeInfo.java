package io.dirigent.scheduler;

import io.dirigent.core.api.ConditionStatus;
import io.dirigent.core.api.NodeConditions;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A node as the scheduler sees it: what it offers (allocatable, labels, taints, whether it is
 * schedulable and Ready) and what the pods bound or assumed on it already take. Mutable, owned
 * by the scheduler's actor.
 */
public final class NodeInfo {

  private final String name;
  private Node node;
  private long allocatableCpuMillis;
  private long allocatableMemoryBytes;
  private int allocatablePods;
  private boolean ready;
  private final Map<String, PodInfo> pods = new HashMap<>();
  private long requestedCpuMillis;
  private long requestedMemoryBytes;
  private final Map<String, Integer> byOwner = new HashMap<>();

  public NodeInfo(Node node) {
    this.name = node.getMetadata().getName();
    update(node);
  }

  public void update(Node next) {
    this.node = next;
    this.ready = readyIn(next);
    Map<String, Quantity> allocatable = next.getStatus() == null || next.getStatus().getAllocatable() == null
        ? Map.of() : next.getStatus().getAllocatable();
    allocatableCpuMillis = amount(allocatable.get("cpu")).multiply(BigDecimal.valueOf(1000)).longValue();
    allocatableMemoryBytes = amount(allocatable.get("memory")).longValue();
    allocatablePods = amount(allocatable.get("pods")).intValue();
  }

  private static BigDecimal amount(Quantity quantity) {
    return quantity == null ? BigDecimal.ZERO : quantity.getNumericalAmount();
  }

  public String name() {
    return name;
  }

  public Node node() {
    return node;
  }

  public Map<String, String> labels() {
    return node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
  }

  public List<Taint> taints() {
    return node.getSpec() == null || node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints();
  }

  public boolean unschedulable() {
    return node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable());
  }

  /** Whether the node's Ready condition is True. */
  public boolean ready() {
    return ready;
  }

  static boolean readyIn(Node node) {
    if (node.getStatus() == null || node.getStatus().getConditions() == null) {
      return false;
    }
    for (NodeCondition condition : node.getStatus().getConditions()) {
      if (NodeConditions.READY.equals(condition.getType())) {
        return ConditionStatus.TRUE.equals(condition.getStatus());
      }
    }
    return false;
  }

  public long allocatableCpuMillis() {
    return allocatableCpuMillis;
  }

  public long allocatableMemoryBytes() {
    return allocatableMemoryBytes;
  }

  public int allocatablePods() {
    return allocatablePods;
  }

  public long requestedCpuMillis() {
    return requestedCpuMillis;
  }

  public long requestedMemoryBytes() {
    return requestedMemoryBytes;
  }

  public int podCount() {
    return pods.size();
  }

  /** Pods of this controller owner on the node. */
  public int podsOf(String ownerUid) {
    return byOwner.getOrDefault(ownerUid, 0);
  }

  public List<PodInfo.HostPort> usedHostPorts() {
    List<PodInfo.HostPort> used = new ArrayList<>();
    pods.values().forEach(pod -> used.addAll(pod.hostPorts()));
    return used;
  }

  /** The pods that take room on the node (bound or assumed). */
  public java.util.Collection<PodInfo> pods() {
    return java.util.Collections.unmodifiableCollection(pods.values());
  }

  /** A copy to try changes on (preemption's what-if), sharing the node and the immutable pod infos. */
  public NodeInfo copy() {
    NodeInfo copy = new NodeInfo(node);
    pods.values().forEach(copy::add);
    return copy;
  }

  public boolean has(String podKey) {
    return pods.containsKey(podKey);
  }

  /** Counts a pod as taking its share of the node (bound, or assumed while its binding is written). */
  public void add(PodInfo pod) {
    remove(pod.key());
    pods.put(pod.key(), pod);
    requestedCpuMillis += pod.cpuMillis();
    requestedMemoryBytes += pod.memoryBytes();
    if (!pod.ownerUid().isEmpty()) {
      byOwner.merge(pod.ownerUid(), 1, Integer::sum);
    }
  }

  public void remove(String podKey) {
    PodInfo pod = pods.remove(podKey);
    if (pod == null) {
      return;
    }
    requestedCpuMillis -= pod.cpuMillis();
    requestedMemoryBytes -= pod.memoryBytes();
    if (!pod.ownerUid().isEmpty()) {
      byOwner.computeIfPresent(pod.ownerUid(), (owner, count) -> count > 1 ? count - 1 : null);
    }
  }
}
