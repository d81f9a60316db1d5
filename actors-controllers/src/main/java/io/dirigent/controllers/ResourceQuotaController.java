package io.dirigent.controllers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.quota.Amounts;
import io.dirigent.core.quota.QuotaUsage;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' resource quota controller: each ResourceQuota's status says what it limits
 * ({@code hard}, from its spec) and what the namespace's objects use of it ({@code used}),
 * recounted from the objects themselves — which frees what deletes and ended pods released and
 * corrects a charge the quota admission made for a write that never happened. A change to a pod,
 * Service, ConfigMap or Secret recounts its namespace's quotas at once; other kinds at the resync.
 * The status write carries the resourceVersion read, so a charge made meanwhile is not lost
 * (the conflict brings the quota back).
 */
final class ResourceQuotaController implements Controller {

  private static final Logger log = LoggerFactory.getLogger(ResourceQuotaController.class);
  /** The kind each plain quota name counts. */
  private static final Map<String, String> NAMED = Map.of("pods", "pods", "services", "services", "configmaps", "configmaps",
      "secrets", "secrets", "replicationcontrollers", "replicationcontrollers", "resourcequotas", "resourcequotas",
      "persistentvolumeclaims", "persistentvolumeclaims", "services.nodeports", "services", "services.loadbalancers", "services",
      "requests.storage", "persistentvolumeclaims");

  private final Store store;

  ResourceQuotaController(Store store) {
    this.store = store;
  }

  @Override
  public String name() {
    return "resourcequota";
  }

  @Override
  public List<Watch> watches() {
    return List.of(
        new Watch(ResourceQuota.class, (change, cache) -> List.of(Cache.key(change.object()))),
        new Watch(Pod.class, ResourceQuotaController::quotasOfNamespace),
        new Watch(Service.class, ResourceQuotaController::quotasOfNamespace),
        new Watch(ConfigMap.class, ResourceQuotaController::quotasOfNamespace),
        new Watch(Secret.class, ResourceQuotaController::quotasOfNamespace));
  }

  private static Collection<String> quotasOfNamespace(Change change, Cache cache) {
    return cache.list(ResourceQuota.class, KubeJson.namespace(change.object())).stream().map(Cache::key).toList();
  }

  /** The kind whose objects a quota name counts: {@code pods} for {@code limits.cpu}, {@code deployments.apps} for {@code count/deployments.apps}. */
  static String countedKind(String name) {
    if (name.startsWith("count/")) {
      return name.substring("count/".length());
    }
    return NAMED.getOrDefault(name, "pods");
  }

  @Override
  public CompletionStage<?> reconcile(String key, Cache cache) {
    Optional<ObjectNode> found = cache.tree(ResourceQuota.class, key);
    if (found.isEmpty() || !KubeJson.meta(found.get(), "deletionTimestamp").isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    ObjectNode quota = found.get();
    String namespace = KubeJson.namespace(quota);
    Set<String> hard = new TreeSet<>();
    quota.path("spec").path("hard").fieldNames().forEachRemaining(hard::add);
    Set<String> kinds = new TreeSet<>();
    hard.forEach(name -> kinds.add(countedKind(name)));
    // The counting reads the store itself: a quota over any kind, not only those this loop follows.
    List<CompletableFuture<Map<String, BigDecimal>>> counts = new ArrayList<>();
    for (String kind : kinds) {
      Optional<ResourceType> type = store.registry().byResource(kind);
      if (type.isEmpty()) {
        continue;
      }
      counts.add(store.list(type.get(), ListOptions.of(ObjectFilter.inNamespace(namespace))).thenApply(listed -> {
        Map<String, BigDecimal> used = new TreeMap<>();
        listed.items().forEach(object -> QuotaUsage.of(kind, object).forEach((name, amount) -> used.merge(name, amount, BigDecimal::add)));
        return used;
      }).toCompletableFuture());
    }
    return CompletableFuture.allOf(counts.toArray(CompletableFuture[]::new)).thenCompose(done -> {
      Map<String, BigDecimal> all = new TreeMap<>();
      counts.forEach(count -> all.putAll(count.join()));
      ObjectNode status = KubeJson.MAPPER.createObjectNode();
      status.set("hard", quota.path("spec").path("hard").deepCopy());
      ObjectNode used = status.putObject("used");
      for (String name : hard) {
        used.put(name, Amounts.format(all.getOrDefault(name, BigDecimal.ZERO)));
      }
      if (KubeJson.sameContent(quota.path("status"), status)) {
        return CompletableFuture.completedFuture(null);
      }
      log.debug("resourcequota recounted quota={} used={}", key, used);
      ObjectNode changed = quota.deepCopy();
      changed.set("status", status);
      return store.updateStatus(store.registry().byResource("resourcequotas").orElseThrow(), namespace, changed, WriteOptions.DEFAULT);
    });
  }
}
