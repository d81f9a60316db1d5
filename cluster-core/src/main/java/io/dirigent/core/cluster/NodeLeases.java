package io.dirigent.core.cluster;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What a node agent says in its Lease in {@code kube-node-lease} beyond Kubernetes' fields, for the
 * node lifecycle controller to weigh a missed renewal against the cluster's own knowledge: which
 * member runs the agent (is that member still Up, unreachable, or downed and gone?), and whether
 * the agent stopped on purpose (a restart, expected back) rather than died.
 */
public final class NodeLeases {

  /** The cluster member (its Pekko address) whose agent renews the Lease. */
  public static final String MEMBER = "node.dirigent.io/member";
  /** When the agent stopped gracefully; absent while it runs. */
  public static final String STOPPED = "node.dirigent.io/agent-stopped";

  private NodeLeases() {}

  /** The member named in {@code lease}, if any. */
  public static Optional<String> member(Lease lease) {
    return annotation(lease, MEMBER);
  }

  /** When the agent said it stopped, if it did (and said it readably). */
  public static Optional<Instant> stopped(Lease lease) {
    try {
      return annotation(lease, STOPPED).map(Instant::parse);
    } catch (java.time.format.DateTimeParseException unreadable) {
      return Optional.empty();
    }
  }

  private static Optional<String> annotation(Lease lease, String key) {
    Map<String, String> annotations = lease.getMetadata() == null ? null : lease.getMetadata().getAnnotations();
    return annotations == null ? Optional.empty() : Optional.ofNullable(annotations.get(key)).filter(value -> !value.isBlank());
  }
}
