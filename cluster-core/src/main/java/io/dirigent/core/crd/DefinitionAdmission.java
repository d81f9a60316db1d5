package io.dirigent.core.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.store.Admission;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.validation.FieldError;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * A CustomResourceDefinition's write, as Kubernetes' apiextensions server takes it: defaulted and
 * validated (with the old definition on an update), its status decided at the write — the names
 * it is given against the other definitions of its group and the built-in resources, whether it
 * is established, the versions ever stored — so that the resource is served the moment the write
 * is answered; and the finalizer that keeps it until its objects are deleted. The client's own
 * status is never taken.
 */
public final class DefinitionAdmission implements Admission {

  private static final String KIND = "CustomResourceDefinition.apiextensions.k8s.io";

  private final Store store;
  private final ResourceType definitions;
  private final Clock clock;

  public DefinitionAdmission(Store store, Clock clock) {
    this.store = store;
    this.definitions = store.registry().byResource(CustomResources.DEFINITIONS).orElseThrow();
    this.clock = clock;
  }

  @Override
  public CompletionStage<Admitted> create(ObjectNode object) {
    object.remove("status");
    return admit(object, null);
  }

  @Override
  public CompletionStage<Admitted> update(ObjectNode current, ObjectNode object) {
    // The status is decided here from the one stored, whatever the client sent back.
    JsonNode status = current.get("status");
    if (status == null) {
      object.remove("status");
    } else {
      object.set("status", status.deepCopy());
    }
    return admit(object, current);
  }

  private CompletionStage<Admitted> admit(ObjectNode object, ObjectNode current) {
    CrdDefaults.apply(object);
    List<FieldError> errors = CrdRules.validate(object, current);
    if (!errors.isEmpty()) {
      return CompletableFuture.failedFuture(StoreError.invalid(KIND, KubeJson.name(object), errors).toException());
    }
    String group = object.path("spec").path("group").asText();
    Set<String> builtin = store.registry().all().stream()
        .filter(type -> !type.isCustom() && type.group().equals(group)).map(ResourceType::plural).collect(Collectors.toSet());
    return store.list(definitions, ListOptions.of(ObjectFilter.ALL)).thenApply(listed -> {
      List<ObjectNode> others = listed.items().stream()
          .filter(other -> other.path("spec").path("group").asText().equals(group) && !KubeJson.name(other).equals(KubeJson.name(object)))
          .toList();
      object.set("status", CrdNames.status(object, others, builtin, clock.instant()));
      if (!object.path("metadata").has("deletionTimestamp")) {
        addCleanupFinalizer(object);
      }
      return Admitted.of(object);
    });
  }

  private static void addCleanupFinalizer(ObjectNode object) {
    ArrayNode finalizers = KubeJson.metadata(object).withArray("finalizers");
    for (JsonNode finalizer : finalizers) {
      if (finalizer.asText().equals(CustomResources.CLEANUP_FINALIZER)) {
        return;
      }
    }
    finalizers.add(CustomResources.CLEANUP_FINALIZER);
  }

  @Override
  public void deleted(ObjectNode object) {
    // The store forgets the resource with the definition (Store's write hook); nothing was reserved.
  }
}
