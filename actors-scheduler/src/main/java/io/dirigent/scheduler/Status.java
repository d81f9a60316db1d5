package io.dirigent.scheduler;

import java.util.List;
import java.util.Objects;

/**
 * What a filter plugin says of a node for a pod, as Kubernetes' framework Status says it: a code
 * and every reason, in the words Kubernetes uses (they end up counted in FailedScheduling).
 * {@link Code#UNSCHEDULABLE} may change when pods leave the node (room, ports) — what preemption
 * can act on; {@link Code#UNSCHEDULABLE_AND_UNRESOLVABLE} will not, whatever is removed from the
 * node (its labels, taints, name, readiness).
 */
public record Status(Code code, List<String> reasons) {

  public enum Code {
    SUCCESS,
    UNSCHEDULABLE,
    UNSCHEDULABLE_AND_UNRESOLVABLE
  }

  private static final Status SUCCESS = new Status(Code.SUCCESS, List.of());

  public Status {
    Objects.requireNonNull(code, "code");
    reasons = List.copyOf(reasons);
    if ((code == Code.SUCCESS) != reasons.isEmpty()) {
      throw new IllegalArgumentException("a success has no reasons, a failure at least one: " + code + " " + reasons);
    }
  }

  /** The node fits. */
  public static Status success() {
    return SUCCESS;
  }

  /** The node does not fit now, for these reasons; removing pods from it could change that. */
  public static Status unschedulable(String... reasons) {
    return new Status(Code.UNSCHEDULABLE, List.of(reasons));
  }

  /** The node does not fit, and removing pods from it would not change that. */
  public static Status unresolvable(String... reasons) {
    return new Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, List.of(reasons));
  }

  public boolean isSuccess() {
    return code == Code.SUCCESS;
  }
}
