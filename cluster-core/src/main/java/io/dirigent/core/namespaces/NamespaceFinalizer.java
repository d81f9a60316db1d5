package io.dirigent.core.namespaces;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.store.Admission;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Every namespace carries the {@code kubernetes} finalizer while it is live, so deleting it only
 * marks it: the namespace controller then deletes what is in it and lets the finalizer go — as
 * Kubernetes does with {@code spec.finalizers}. An update that leaves the finalizer out keeps it,
 * unless the namespace is already being deleted (which is how the controller removes it).
 */
public final class NamespaceFinalizer implements Admission {

  public static final String FINALIZER = "kubernetes";

  @Override
  public CompletionStage<Admitted> create(ObjectNode namespace) {
    ensure(namespace);
    return CompletableFuture.completedFuture(admitted(namespace));
  }

  @Override
  public CompletionStage<Admitted> update(ObjectNode current, ObjectNode namespace) {
    if (!current.path("metadata").hasNonNull("deletionTimestamp")) {
      ensure(namespace);
    }
    return CompletableFuture.completedFuture(admitted(namespace));
  }

  @Override
  public void deleted(ObjectNode object) {}

  private static void ensure(ObjectNode namespace) {
    ObjectNode metadata = KubeJson.metadata(namespace);
    JsonNode finalizers = metadata.get("finalizers");
    ArrayNode list = finalizers instanceof ArrayNode array ? array : metadata.putArray("finalizers");
    for (JsonNode finalizer : list) {
      if (finalizer.asText().equals(FINALIZER)) {
        return;
      }
    }
    list.add(FINALIZER);
  }

  private static Admitted admitted(ObjectNode namespace) {
    return Admitted.of(namespace);
  }
}
