package io.dirigent.core.api;

import java.util.List;

/**
 * The names volumes are bound and provisioned by, as Kubernetes (and k3s' local-path provisioner)
 * spell them, shared by the API server, the PersistentVolume controller, the scheduler and the
 * node agent.
 */
public final class Storage {

  /** The StorageClass every Dirigent cluster has, as k3s ships it. */
  public static final String DEFAULT_CLASS = "local-path";
  /** The provisioner of {@link #DEFAULT_CLASS}: a directory under the chosen node's volumes directory. */
  public static final String LOCAL_PROVISIONER = "dirigent.io/local-path";
  /** A StorageClass annotated {@code "true"} is the class of claims that name none. */
  public static final String IS_DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class";
  /** On a claim of a WaitForFirstConsumer class: the node its first pod was scheduled to. */
  public static final String SELECTED_NODE = "volume.kubernetes.io/selected-node";
  /** On a claim: the provisioner asked to make its volume. */
  public static final String STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner";
  /** On a provisioned volume: who made it. */
  public static final String PROVISIONED_BY = "pv.kubernetes.io/provisioned-by";
  /** On a claim: the controller has bound it (and its volume to it). */
  public static final String BIND_COMPLETED = "pv.kubernetes.io/bind-completed";
  /** On a claim or a volume: the controller, not the user, chose the binding. */
  public static final String BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller";
  /**
   * On a local volume: its directory is still on its node. The node agent removes the directory,
   * then this finalizer, once the volume is deleted.
   */
  public static final String LOCAL_VOLUME_FINALIZER = "dirigent.io/local-volume";
  /** On every live claim: it stays while a pod that has not finished uses it (Kubernetes' pvc-protection). */
  public static final String CLAIM_PROTECTION = "kubernetes.io/pvc-protection";
  /** On a Node: the directory under which its local volumes live (set by its agent when it registers). */
  public static final String VOLUMES_DIR = "dirigent.io/volumes-dir";
  /** The label local volumes are pinned to a node by, in their required node affinity. */
  public static final String HOSTNAME_LABEL = "kubernetes.io/hostname";

  /** PersistentVolume and claim phases. */
  public static final String PENDING = "Pending";
  public static final String AVAILABLE = "Available";
  public static final String BOUND = "Bound";
  public static final String RELEASED = "Released";
  public static final String FAILED = "Failed";
  public static final String LOST = "Lost";

  /** Binding modes of a StorageClass. */
  public static final String IMMEDIATE = "Immediate";
  public static final String WAIT_FOR_FIRST_CONSUMER = "WaitForFirstConsumer";

  /** Reclaim policies. */
  public static final String RETAIN = "Retain";
  public static final String DELETE = "Delete";

  public static final List<String> ACCESS_MODES = List.of("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod");

  private Storage() {}
}
