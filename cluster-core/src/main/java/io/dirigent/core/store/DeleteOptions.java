package io.dirigent.core.store;

import io.dirigent.core.CborSerializable;

/**
 * How to delete an object, as Kubernetes' DeleteOptions say it.
 *
 * @param uid precondition: delete only if the object has this uid (null: any)
 * @param resourceVersion precondition: delete only at this version (null: any)
 * @param gracePeriodSeconds for kinds with graceful deletion (pods); null takes the object's own
 * @param propagation what happens to dependents (the garbage collector acts on it)
 */
public record DeleteOptions(
    String uid, String resourceVersion, Long gracePeriodSeconds, Propagation propagation)
    implements CborSerializable {

  /** Kubernetes' propagationPolicy. */
  public enum Propagation {
    BACKGROUND,
    FOREGROUND,
    ORPHAN
  }

  public DeleteOptions {
    if (gracePeriodSeconds != null && gracePeriodSeconds < 0) {
      throw new IllegalArgumentException("gracePeriodSeconds must not be negative");
    }
    propagation = propagation == null ? Propagation.BACKGROUND : propagation;
  }

  /** Delete whatever version is there, with the object's own grace period. */
  public static DeleteOptions defaults() {
    return new DeleteOptions(null, null, null, Propagation.BACKGROUND);
  }

  public DeleteOptions withGracePeriod(long seconds) {
    return new DeleteOptions(uid, resourceVersion, seconds, propagation);
  }

  public DeleteOptions withPropagation(Propagation policy) {
    return new DeleteOptions(uid, resourceVersion, gracePeriodSeconds, policy);
  }

  public DeleteOptions withPreconditions(String uid, String resourceVersion) {
    return new DeleteOptions(uid, resourceVersion, gracePeriodSeconds, propagation);
  }
}
