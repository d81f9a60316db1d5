package io.dirigent.controllers;

import io.dirigent.core.api.KubeJson;
import io.dirigent.core.selector.LabelSelector;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Fills in aggregated ClusterRoles, as Kubernetes' clusterrole-aggregation controller does: a
 * ClusterRole with an {@code aggregationRule} gets the rules of every other ClusterRole its
 * selectors match (in name order, each rule once), so that {@code admin}, {@code edit} and
 * {@code view} grow with the roles labelled to join them.
 */
final class ClusterRoleAggregationController implements Controller {

  private final Store store;

  ClusterRoleAggregationController(Store store) {
    this.store = store;
  }

  @Override
  public String name() {
    return "clusterrole-aggregation";
  }

  @Override
  public List<Watch> watches() {
    // Any role's labels or rules may change what an aggregated role holds: look at all of those.
    return List.of(new Watch(ClusterRole.class, (change, cache) -> aggregatedKeys(cache)));
  }

  @Override
  public Collection<String> allKeys(Cache cache) {
    return aggregatedKeys(cache);
  }

  private static List<String> aggregatedKeys(Cache cache) {
    return cache.list(ClusterRole.class, null).stream().filter(role -> role.getAggregationRule() != null).map(Cache::key).toList();
  }

  @Override
  public CompletionStage<?> reconcile(String key, Cache cache) {
    var found = cache.get(ClusterRole.class, key);
    if (found.isEmpty() || found.get().getAggregationRule() == null) {
      return CompletableFuture.completedFuture(null);
    }
    ClusterRole aggregated = found.get();
    List<LabelSelector> selectors = new ArrayList<>();
    for (var selector : nonNull(aggregated.getAggregationRule().getClusterRoleSelectors())) {
      try {
        selectors.add(LabelSelector.of(selector));
      } catch (IllegalArgumentException e) {
        return CompletableFuture.completedFuture(null); // refused on write; an old object stays as it is
      }
    }
    List<PolicyRule> rules = new ArrayList<>();
    List<ClusterRole> sources = new ArrayList<>(cache.list(ClusterRole.class, null));
    sources.sort(Comparator.comparing(role -> role.getMetadata().getName()));
    for (ClusterRole source : sources) {
      Map<String, String> labels = source.getMetadata().getLabels() == null ? Map.of() : source.getMetadata().getLabels();
      if (source.getMetadata().getName().equals(aggregated.getMetadata().getName())
          || selectors.stream().noneMatch(selector -> !selector.isEverything() && selector.matches(labels))) {
        continue;
      }
      for (PolicyRule rule : nonNull(source.getRules())) {
        if (rules.stream().noneMatch(held -> KubeJson.sameContent(KubeJson.MAPPER.valueToTree(held), KubeJson.MAPPER.valueToTree(rule)))) {
          rules.add(rule);
        }
      }
    }
    if (KubeJson.sameContent(KubeJson.MAPPER.valueToTree(nonNull(aggregated.getRules())), KubeJson.MAPPER.valueToTree(rules))) {
      return CompletableFuture.completedFuture(null);
    }
    ClusterRole updated = Cache.copy(aggregated);
    updated.setRules(rules);
    return store.update(updated, WriteOptions.by("system:kube-controller-manager"));
  }

  private static <T> List<T> nonNull(List<T> values) {
    return values == null ? List.of() : values;
  }
}
