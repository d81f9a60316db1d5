package io.dirigent.controllers;

import io.dirigent.core.api.KubeJson;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * What {@link ReplicaSetController} reads and writes of a kind that keeps a number of copies of a
 * pod template: the ReplicaSet, and its predecessor the ReplicationController, whose selector is
 * a plain label map. Kubernetes runs ReplicationControllers through its ReplicaSet controller the
 * same way ({@code pkg/controller/replication} converts one into the other); their statuses have
 * the same fields, so the loop computes a {@link ReplicaSetStatus} for both.
 *
 * @param controllerName the loop's name, as the controller manager lists it
 * @param type the kind's class
 * @param selector the pods it owns, as a LabelSelector
 * @param replicas {@code spec.replicas}, null when unset
 * @param template the pod template
 * @param minReadySeconds {@code spec.minReadySeconds}, null when unset
 * @param status the current status, in ReplicaSet form; null when there is none
 * @param setStatus replaces the status of a copy with one in ReplicaSet form
 */
record ReplicatedKind<T extends HasMetadata>(
    String controllerName,
    Class<T> type,
    Function<T, LabelSelector> selector,
    Function<T, Integer> replicas,
    Function<T, PodTemplateSpec> template,
    Function<T, Integer> minReadySeconds,
    Function<T, ReplicaSetStatus> status,
    BiConsumer<T, ReplicaSetStatus> setStatus) {

  static final ReplicatedKind<ReplicaSet> REPLICA_SETS = new ReplicatedKind<>(
      "replicaset",
      ReplicaSet.class,
      rs -> rs.getSpec().getSelector(),
      rs -> rs.getSpec().getReplicas(),
      rs -> rs.getSpec().getTemplate(),
      rs -> rs.getSpec().getMinReadySeconds(),
      ReplicaSet::getStatus,
      ReplicaSet::setStatus);

  static final ReplicatedKind<ReplicationController> REPLICATION_CONTROLLERS = new ReplicatedKind<>(
      "replicationcontroller",
      ReplicationController.class,
      rc -> new LabelSelectorBuilder().withMatchLabels(rc.getSpec().getSelector()).build(),
      rc -> rc.getSpec().getReplicas(),
      rc -> rc.getSpec().getTemplate(),
      rc -> rc.getSpec().getMinReadySeconds(),
      rc -> rc.getStatus() == null ? null : convert(rc.getStatus(), ReplicaSetStatus.class),
      (rc, status) -> rc.setStatus(convert(status, ReplicationControllerStatus.class)));

  /** The kind's name, as owner references and events name it. */
  String kind() {
    return type.getSimpleName();
  }

  /** The two statuses (and their conditions) have the same fields under the same names. */
  private static <S> S convert(Object status, Class<S> into) {
    return KubeJson.toTyped(KubeJson.MAPPER.valueToTree(status), into);
  }
}
