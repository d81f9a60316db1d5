package io.dirigent.core.cluster;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.api.Storage;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.WriteOptions;
import java.util.concurrent.CompletionStage;

/**
 * Makes sure the StorageClass {@code local-path} exists, as k3s ships it: the default class
 * (annotated {@code storageclass.kubernetes.io/is-default-class: "true"}), provisioned by the
 * built-in {@code dirigent.io/local-path} provisioner, WaitForFirstConsumer, reclaim policy
 * Delete. One an administrator changed is left as it is; one deleted comes back when a control
 * plane member starts.
 */
final class DefaultStorageClass {

  private DefaultStorageClass() {}

  static CompletionStage<Void> ensure(Store store) {
    ResourceType classes = store.registry().byResource("storageclasses.storage.k8s.io").orElseThrow();
    ObjectNode storageClass = JsonNodeFactory.instance.objectNode();
    storageClass.putObject("metadata").put("name", Storage.DEFAULT_CLASS).putObject("annotations").put(Storage.IS_DEFAULT_CLASS, "true");
    storageClass.put("provisioner", Storage.LOCAL_PROVISIONER)
        .put("reclaimPolicy", Storage.DELETE)
        .put("volumeBindingMode", Storage.WAIT_FOR_FIRST_CONSUMER);
    return store.createIfAbsent(classes, null, storageClass, WriteOptions.by("system:dirigent"))
        .<Void>thenApply(created -> null);
  }
}
