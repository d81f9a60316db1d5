package io.dirigent.scheduler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Kubernetes' DefaultPreemption, for a pod no node takes: on each node where only room or ports
 * stand in the way ({@link Status.Code#UNSCHEDULABLE}), the pod would fit if every pod of lower
 * priority went; of those, as many as can stay are kept (highest priority first) and the rest are
 * the victims. Of the candidate nodes the one whose victims matter least is chosen: the lowest
 * highest victim priority, then the lowest sum of priorities, then the fewest victims, then the
 * newest highest-priority victims. Pure: the scheduler deletes the victims and nominates the node.
 */
public final class Preemption {

  /** The node to free, and the pods to evict there. */
  public record Candidate(String node, List<PodInfo> victims) {

    public Candidate {
      victims = List.copyOf(victims);
    }

    int highestPriority() {
      return victims.stream().mapToInt(PodInfo::priority).max().orElse(Integer.MIN_VALUE);
    }

    long prioritySum() {
      // As Kubernetes: each priority shifted up by MaxInt32 + 1, so a negative one still adds.
      return victims.stream().mapToLong(victim -> (long) victim.priority() + Integer.MAX_VALUE + 1L).sum();
    }

    Instant newestOfHighest() {
      int highest = highestPriority();
      return victims.stream().filter(victim -> victim.priority() == highest).map(Preemption::startTime)
          .max(Comparator.naturalOrder()).orElse(Instant.MIN);
    }
  }

  private final List<FilterPlugin> filters;

  public Preemption(List<FilterPlugin> filters) {
    this.filters = List.copyOf(filters);
  }

  /** Whether the pod may preempt at all: not with {@code preemptionPolicy: Never}. */
  public static boolean mayPreempt(PodInfo pod) {
    return pod.pod().getSpec() == null || !"Never".equals(pod.pod().getSpec().getPreemptionPolicy());
  }

  /** The node to free for {@code pod}, with its victims; empty when evicting lower-priority pods would not make room anywhere. */
  public Optional<Candidate> find(PodInfo pod, List<NodeInfo> nodes) {
    if (!mayPreempt(pod)) {
      return Optional.empty();
    }
    List<Candidate> candidates = new ArrayList<>();
    for (NodeInfo node : nodes) {
      if (unresolvable(pod, node)) {
        continue;
      }
      victimsOn(pod, node).ifPresent(victims -> candidates.add(new Candidate(node.name(), victims)));
    }
    return candidates.stream().min(Comparator.comparingInt(Candidate::highestPriority)
        .thenComparingLong(Candidate::prioritySum)
        .thenComparingInt(candidate -> candidate.victims().size())
        .thenComparing(Candidate::newestOfHighest, Comparator.reverseOrder()));
  }

  private boolean unresolvable(PodInfo pod, NodeInfo node) {
    for (FilterPlugin filter : filters) {
      if (filter.filter(pod, node).code() == Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE) {
        return true;
      }
    }
    return false;
  }

  /** The fewest lower-priority pods whose leaving lets the pod fit on the node; empty if even all of them would not. */
  private Optional<List<PodInfo>> victimsOn(PodInfo pod, NodeInfo node) {
    List<PodInfo> lower = node.pods().stream().filter(other -> other.priority() < pod.priority()).toList();
    if (lower.isEmpty()) {
      return Optional.empty();
    }
    NodeInfo trial = node.copy();
    lower.forEach(victim -> trial.remove(victim.key()));
    if (!fits(pod, trial)) {
      return Optional.empty();
    }
    // Reprieve as many as can stay, the most important first (older first among equals).
    List<PodInfo> byImportance = new ArrayList<>(lower);
    byImportance.sort(Comparator.comparingInt(PodInfo::priority).reversed().thenComparing(Preemption::startTime));
    List<PodInfo> victims = new ArrayList<>();
    for (PodInfo candidate : byImportance) {
      trial.add(candidate);
      if (!fits(pod, trial)) {
        trial.remove(candidate.key());
        victims.add(candidate);
      }
    }
    return Optional.of(victims);
  }

  private boolean fits(PodInfo pod, NodeInfo node) {
    for (FilterPlugin filter : filters) {
      if (!filter.filter(pod, node).isSuccess()) {
        return false;
      }
    }
    return true;
  }

  /** When the pod started (its status's startTime, else its creation); the epoch when unknown. */
  static Instant startTime(PodInfo pod) {
    String started = pod.pod().getStatus() != null && pod.pod().getStatus().getStartTime() != null
        ? pod.pod().getStatus().getStartTime() : pod.pod().getMetadata().getCreationTimestamp();
    try {
      return started == null ? Instant.EPOCH : Instant.parse(started);
    } catch (java.time.format.DateTimeParseException e) {
      return Instant.EPOCH;
    }
  }
}
