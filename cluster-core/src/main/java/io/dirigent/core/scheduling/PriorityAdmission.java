package io.dirigent.core.scheduling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.store.Admission;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Kubernetes' Priority admission for new pods: {@code spec.priority} (and
 * {@code preemptionPolicy}) come from the PriorityClass the pod names, or from the class marked
 * {@code globalDefault} when it names none (0 without one). A class that does not exist, a
 * priority the pod sets itself that differs from its class's is refused (403), in Kubernetes'
 * words. The scheduler takes higher priorities first.
 */
public final class PriorityAdmission implements Admission {

  private final Store store;

  public PriorityAdmission(Store store) {
    this.store = store;
  }

  @Override
  public CompletionStage<Admitted> create(ObjectNode pod) {
    ObjectNode spec = pod.get("spec") instanceof ObjectNode s ? s : pod.putObject("spec");
    String className = spec.path("priorityClassName").asText("");
    var classes = store.registry().byResource("priorityclasses.scheduling.k8s.io").orElseThrow();
    CompletionStage<Optional<JsonNode>> found = className.isEmpty()
        ? store.list(classes, ListOptions.ALL).thenApply(listed -> listed.items().stream()
            .filter(pc -> pc.path("globalDefault").asBoolean(false)).map(pc -> (JsonNode) pc).findFirst())
        : store.get(classes, null, className).<Optional<JsonNode>>thenApply(Optional::of).exceptionallyCompose(failure ->
            StoreException.is(failure, StoreError.Reason.NOT_FOUND) ? CompletableFuture.completedFuture(Optional.empty())
                : CompletableFuture.failedFuture(StoreException.cause(failure)));
    return found.thenApply(priorityClass -> {
      if (!className.isEmpty() && priorityClass.isEmpty()) {
        throw forbidden(pod, "no PriorityClass with name " + className + " was found");
      }
      long value = priorityClass.map(pc -> pc.path("value").asLong(0)).orElse(0L);
      JsonNode given = spec.path("priority");
      if (given.canConvertToLong() && given.asLong() != value) {
        throw forbidden(pod, "the integer value of priority (%d) must not be provided in pod spec; priority admission controller computed %d from the given PriorityClass name"
            .formatted(given.asLong(), value));
      }
      spec.put("priority", value);
      priorityClass.ifPresent(pc -> {
        spec.put("priorityClassName", KubeJson.name(pc));
        String policy = pc.path("preemptionPolicy").asText("PreemptLowerPriority");
        if (!spec.has("preemptionPolicy")) {
          spec.put("preemptionPolicy", policy);
        }
      });
      return Admitted.of(pod);
    });
  }

  private static StoreException forbidden(ObjectNode pod, String why) {
    String name = KubeJson.name(pod).isEmpty() ? KubeJson.meta(pod, "generateName") : KubeJson.name(pod);
    return StoreError.of(StoreError.Reason.FORBIDDEN, "pods \"%s\" is forbidden: %s".formatted(name, why)).toException();
  }

  @Override
  public CompletionStage<Admitted> update(ObjectNode current, ObjectNode object) {
    return CompletableFuture.completedFuture(Admitted.of(object));
  }

  @Override
  public void deleted(ObjectNode object) {
    // Nothing was reserved.
  }
}
