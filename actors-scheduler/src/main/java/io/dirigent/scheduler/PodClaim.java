package io.dirigent.scheduler;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.util.Objects;

/**
 * One PersistentVolumeClaim of a pod, as the scheduler found it when it took the pod up.
 *
 * @param name the claim's name
 * @param state what became of it
 * @param volume the volume it is bound to ({@link State#BOUND}), else null
 * @param storageClass its class, if it has one that exists, else null
 */
public record PodClaim(String name, State state, PersistentVolume volume, StorageClass storageClass) {

  public PodClaim {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(state, "state");
  }

  public enum State {
    /** No such claim in the pod's namespace. */
    MISSING,
    /** The claim is being deleted. */
    DELETING,
    /** Bound to a volume that exists. */
    BOUND,
    /** Bound to a volume that does not exist. */
    VOLUME_MISSING,
    /** Unbound, of a class that binds at once (or of none): the binder's to bind first. */
    UNBOUND_IMMEDIATE,
    /** Unbound, of a WaitForFirstConsumer class: bound (or provisioned) on the node chosen for the pod. */
    UNBOUND_DELAYED
  }
}
