package io.dirigent.core.cluster;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.WriteOptions;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An APIService for every group version this server serves itself, as kube-apiserver's
 * autoregister controller keeps them ({@code v1.}, {@code v1.apps}, ...): no Service, so
 * "Local", and Available. {@code kubectl get apiservices} lists them as on Kubernetes.
 */
final class LocalApiServices {

  /** Kubernetes' group priorities (groupPriorityMinimum, versionPriority) for the groups it serves itself. */
  private static final Map<String, int[]> PRIORITIES = Map.ofEntries(
      Map.entry("", new int[] {18000, 1}), Map.entry("apiregistration.k8s.io", new int[] {18000, 15}),
      Map.entry("apps", new int[] {17800, 15}), Map.entry("events.k8s.io", new int[] {17750, 15}),
      Map.entry("authentication.k8s.io", new int[] {17700, 15}), Map.entry("authorization.k8s.io", new int[] {17600, 15}),
      Map.entry("autoscaling", new int[] {17500, 15}), Map.entry("batch", new int[] {17400, 15}),
      Map.entry("certificates.k8s.io", new int[] {17300, 15}), Map.entry("networking.k8s.io", new int[] {17200, 15}),
      Map.entry("policy", new int[] {17100, 15}), Map.entry("rbac.authorization.k8s.io", new int[] {17000, 15}),
      Map.entry("storage.k8s.io", new int[] {16800, 15}), Map.entry("apiextensions.k8s.io", new int[] {16700, 15}),
      Map.entry("admissionregistration.k8s.io", new int[] {16700, 15}), Map.entry("scheduling.k8s.io", new int[] {16600, 15}),
      Map.entry("coordination.k8s.io", new int[] {16500, 15}), Map.entry("node.k8s.io", new int[] {16300, 15}),
      Map.entry("discovery.k8s.io", new int[] {16200, 15}), Map.entry("flowcontrol.apiserver.k8s.io", new int[] {16100, 15}));

  private LocalApiServices() {}

  static CompletionStage<Void> ensure(Store store, Clock clock) {
    ResourceType apiServices = store.registry().byResource("apiservices.apiregistration.k8s.io").orElseThrow();
    Map<String, ResourceType> byGroupVersion = new TreeMap<>();
    store.registry().all().forEach(type -> byGroupVersion.putIfAbsent(type.version() + "." + type.group(), type));
    CompletableFuture<?>[] all = byGroupVersion.values().stream()
        .map(type -> ensureOne(store, apiServices, type, clock).toCompletableFuture())
        .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(all);
  }

  private static CompletionStage<Void> ensureOne(Store store, ResourceType apiServices, ResourceType served, Clock clock) {
    int[] priority = PRIORITIES.getOrDefault(served.group(), new int[] {1000, 15});
    ObjectNode object = JsonNodeFactory.instance.objectNode();
    object.putObject("metadata").put("name", served.version() + "." + served.group())
        .putObject("labels").put("kube-aggregator.kubernetes.io/automanaged", "onstart");
    object.putObject("spec").put("group", served.group()).put("version", served.version())
        .put("groupPriorityMinimum", priority[0]).put("versionPriority", priority[1]);
    WriteOptions system = WriteOptions.by("system:dirigent");
    return store.createIfAbsent(apiServices, null, object, system)
        .thenCompose(created -> {
          if (created.isEmpty()) {
            return CompletableFuture.completedFuture(null);
          }
          ObjectNode available = created.get().deepCopy();
          available.putObject("status").putArray("conditions").addObject().put("type", "Available").put("status", "True")
              .put("lastTransitionTime", KubeJson.timestamp(clock.instant())).put("reason", "Local")
              .put("message", "Local APIServices are always available");
          return store.updateStatus(apiServices, null, available, system);
        })
        .thenApply(written -> null);
  }
}
