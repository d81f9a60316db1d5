package io.dirigent.controllers;

import com.typesafe.config.Config;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How the node lifecycle controller judges a node, as pure functions: whether its agent is
 * healthy, and if not, what the cluster knows of why — and so how long the pods that do not say
 * otherwise (a toleration of the unreachable taint) stay on it. A missed Lease alone proves little
 * (a busy host, a slow store, a control plane cut off); a member downed and removed from the cluster
 * is certainly gone.
 */
final class NodeHealth {

  private NodeHealth() {}

  /** What became of a node. */
  enum State {
    /** Its Lease was seen renewed in time. */
    READY,
    /** Its Lease is late, but its member is Up and reachable: a busy host or a slow store. */
    LATE,
    /** Its Lease is late and its member unreachable, not (yet) downed. */
    UNREACHABLE,
    /** Its agent stopped on purpose (a restart) or its member is leaving: expected back. */
    RESTARTING,
    /** Its member was downed or removed: its failure is certain. */
    GONE,
    /** Its Lease is late and names no member of this cluster: the Lease is all there is to go on. */
    UNKNOWN
  }

  /** Whether too many nodes failed at once for their failure to be believed (Kubernetes' zone states). */
  enum Disruption {
    NORMAL,
    /** At least the unhealthy threshold of the nodes, and more than two, are not ready. */
    PARTIAL,
    /** Every node is not ready: the likelier fault is the control plane's view. */
    FULL
  }

  /** How long pods stay on a node that is not ready, by what is known of it. */
  record Timeouts(Duration gone, Duration unconfirmed, Duration restartGrace, double unhealthyThreshold) {
    Timeouts {
      if (unhealthyThreshold <= 0 || unhealthyThreshold > 1) {
        throw new IllegalArgumentException("the unhealthy threshold is a share of the nodes, in (0, 1]: " + unhealthyThreshold);
      }
    }

    static Timeouts from(Config controllers) {
      return new Timeouts(controllers.getDuration("pod-eviction-timeout"), controllers.getDuration("unconfirmed-eviction-timeout"),
          controllers.getDuration("restart-grace-period"), controllers.getDouble("unhealthy-threshold"));
    }
  }

  /**
   * The node's state.
   *
   * @param late whether its Lease was not seen renewed within its duration
   * @param member the evidence about the member its Lease names; empty when it names none
   * @param stopped when its agent said it stopped on purpose, if it did
   */
  static State judge(boolean late, Optional<MemberView.Evidence> member, Optional<Instant> stopped) {
    if (!late) {
      return State.READY;
    }
    if (stopped.isPresent()) {
      return State.RESTARTING;
    }
    if (member.isEmpty()) {
      return State.UNKNOWN;
    }
    return switch (member.get()) {
      case UP -> State.LATE;
      case LEAVING -> State.RESTARTING;
      case UNREACHABLE -> State.UNREACHABLE;
      case GONE -> State.GONE;
    };
  }

  /**
   * When a pod without a toleration of the unreachable taint leaves a node in {@code state},
   * tainted at {@code tainted}: a gone node's at once (after {@code gone}); a restarting one's once
   * the restart grace has passed since its agent stopped; any other's after {@code unconfirmed}.
   */
  static Instant defaultEviction(State state, Instant tainted, Optional<Instant> stopped, Timeouts timeouts) {
    return switch (state) {
      case READY -> Instant.MAX;
      case GONE -> tainted.plus(timeouts.gone());
      case RESTARTING -> stopped.orElse(tainted).plus(timeouts.restartGrace());
      case LATE, UNREACHABLE, UNKNOWN -> tainted.plus(timeouts.unconfirmed());
    };
  }

  /** The disruption {@code notReady} of {@code nodes} nodes amount to. */
  static Disruption disruption(int nodes, int notReady, double unhealthyThreshold) {
    if (nodes > 0 && notReady >= nodes) {
      return Disruption.FULL;
    }
    if (notReady > 2 && notReady >= unhealthyThreshold * nodes) {
      return Disruption.PARTIAL;
    }
    return Disruption.NORMAL;
  }

  /** Whether pods are evicted from a node in {@code state} while the cluster is in {@code disruption}: only a certainly gone node's during one. */
  static boolean evicts(State state, Disruption disruption) {
    return state != State.READY && (disruption == Disruption.NORMAL || state == State.GONE);
  }
}
