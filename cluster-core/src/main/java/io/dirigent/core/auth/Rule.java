package io.dirigent.core.auth;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.List;

/**
 * One RBAC policy rule, immutable: verbs on resources of API groups (optionally only the named
 * objects), or verbs on non-resource paths. Missing lists are empty.
 */
public record Rule(List<String> verbs, List<String> apiGroups, List<String> resources, List<String> resourceNames,
    List<String> nonResourceURLs) {

  public Rule {
    verbs = copy(verbs);
    apiGroups = copy(apiGroups);
    resources = copy(resources);
    resourceNames = copy(resourceNames);
    nonResourceURLs = copy(nonResourceURLs);
  }

  public static Rule of(PolicyRule rule) {
    return new Rule(rule.getVerbs(), rule.getApiGroups(), rule.getResources(), rule.getResourceNames(), rule.getNonResourceURLs());
  }

  /** The rule as the API writes it. */
  public PolicyRule toPolicyRule() {
    return new PolicyRule(apiGroups, nonResourceURLs, resourceNames, resources, verbs);
  }

  private static List<String> copy(List<String> values) {
    return values == null ? List.of() : values.stream().filter(java.util.Objects::nonNull).toList();
  }
}
