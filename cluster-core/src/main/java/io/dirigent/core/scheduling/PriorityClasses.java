package io.dirigent.core.scheduling;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.WriteOptions;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Kubernetes' built-in PriorityClasses, and the bounds user classes keep below them. */
public final class PriorityClasses {

  /** The highest value a class that is not a system class may have. */
  public static final long HIGHEST_USER_PRIORITY = 1_000_000_000L;
  /** The prefix only the system classes' names have. */
  public static final String SYSTEM_PREFIX = "system-";
  /** The system classes, by name, with their values. */
  public static final Map<String, Long> SYSTEM = Map.of(
      "system-cluster-critical", 2_000_000_000L,
      "system-node-critical", 2_000_001_000L);

  private PriorityClasses() {}

  /** Makes the system classes exist, as the API server does at start. */
  public static CompletionStage<Void> ensure(Store store) {
    ResourceType classes = store.registry().byResource("priorityclasses.scheduling.k8s.io").orElseThrow();
    CompletableFuture<?>[] all = SYSTEM.entrySet().stream().map(entry -> {
      ObjectNode object = JsonNodeFactory.instance.objectNode();
      object.putObject("metadata").put("name", entry.getKey());
      object.put("value", entry.getValue())
          .put("description", "Used for system critical pods that must not be moved from their current node.")
          .put("preemptionPolicy", "PreemptLowerPriority");
      return store.createIfAbsent(classes, null, object, WriteOptions.by("system:dirigent"))
          .<Void>thenApply(created -> null)
          .toCompletableFuture();
    }).toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(all);
  }
}
