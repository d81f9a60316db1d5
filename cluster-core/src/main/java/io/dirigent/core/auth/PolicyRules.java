package io.dirigent.core.auth;

import java.util.ArrayList;
import java.util.List;

/**
 * RBAC's rule arithmetic, as Kubernetes' {@code rbac/v1} helpers do it: whether a rule allows a
 * request, and whether a set of rules covers another rule (the escalation check: nobody grants
 * what they do not hold themselves).
 */
public final class PolicyRules {

  private static final String ALL = "*";

  private PolicyRules() {}

  /** Whether {@code rule} allows {@code request}. */
  public static boolean allows(Rule rule, AccessRequest request) {
    if (!has(rule.verbs(), request.verb())) {
      return false;
    }
    if (!request.resourceRequest()) {
      return nonResourceMatches(rule.nonResourceURLs(), request.path());
    }
    return has(rule.apiGroups(), request.apiGroup())
        && resourceMatches(rule.resources(), request.qualifiedResource(), request.subresource())
        && nameMatches(rule.resourceNames(), request.name());
  }

  /** Whether any of {@code rules} allows {@code request}. */
  public static boolean anyAllows(List<Rule> rules, AccessRequest request) {
    for (Rule rule : rules) {
      if (allows(rule, request)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The parts of {@code requested} that {@code held} does not cover, each as a rule of one verb on
   * one resource (or path) and name; empty when {@code held} covers all of it.
   */
  public static List<Rule> uncovered(List<Rule> held, Rule requested) {
    List<Rule> missing = new ArrayList<>();
    for (Rule atom : atoms(requested)) {
      if (held.stream().noneMatch(owner -> covers(owner, atom))) {
        missing.add(atom);
      }
    }
    return missing;
  }

  /** Whether {@code owner} allows everything the single-valued rule {@code atom} does. */
  private static boolean covers(Rule owner, Rule atom) {
    if (!has(owner.verbs(), atom.verbs().get(0))) {
      return false;
    }
    if (!atom.nonResourceURLs().isEmpty()) {
      String url = atom.nonResourceURLs().get(0);
      return owner.nonResourceURLs().stream().anyMatch(held -> held.equals(ALL) || held.equals(url)
          || (held.endsWith(ALL) && url.startsWith(held.substring(0, held.length() - 1))));
    }
    if (!has(owner.apiGroups(), atom.apiGroups().get(0))) {
      return false;
    }
    String resource = atom.resources().get(0);
    int slash = resource.indexOf('/');
    // As the authorizer matches (Kubernetes knows no resource/*): "*", the resource itself, or */subresource.
    boolean resourceCovered = owner.resources().stream().anyMatch(held -> held.equals(ALL) || held.equals(resource)
        || (slash > 0 && held.equals("*/" + resource.substring(slash + 1))));
    if (!resourceCovered) {
      return false;
    }
    return owner.resourceNames().isEmpty()
        || (!atom.resourceNames().isEmpty() && owner.resourceNames().contains(atom.resourceNames().get(0)));
  }

  /** A rule split into rules of one verb, group, resource and name (or one verb and path) each. */
  private static List<Rule> atoms(Rule rule) {
    List<Rule> atoms = new ArrayList<>();
    for (String verb : rule.verbs()) {
      for (String url : rule.nonResourceURLs()) {
        atoms.add(atom(verb, null, null, null, url));
      }
      for (String group : rule.apiGroups()) {
        for (String resource : rule.resources()) {
          if (rule.resourceNames().isEmpty()) {
            atoms.add(atom(verb, group, resource, null, null));
          }
          for (String name : rule.resourceNames()) {
            atoms.add(atom(verb, group, resource, name, null));
          }
        }
      }
    }
    return atoms;
  }

  private static Rule atom(String verb, String group, String resource, String name, String url) {
    return new Rule(List.of(verb), group == null ? List.of() : List.of(group), resource == null ? List.of() : List.of(resource),
        name == null ? List.of() : List.of(name), url == null ? List.of() : List.of(url));
  }

  private static boolean has(List<String> values, String wanted) {
    return values.contains(ALL) || values.contains(wanted);
  }

  private static boolean resourceMatches(List<String> resources, String qualified, String subresource) {
    for (String resource : resources) {
      if (resource.equals(ALL) || resource.equals(qualified)) {
        return true;
      }
      if (!subresource.isEmpty() && resource.equals("*/" + subresource)) {
        return true;
      }
    }
    return false;
  }

  private static boolean nameMatches(List<String> names, String name) {
    return names.isEmpty() || names.contains(name);
  }

  private static boolean nonResourceMatches(List<String> urls, String path) {
    for (String url : urls) {
      if (url.equals(ALL) || url.equals(path) || (url.endsWith(ALL) && path.startsWith(url.substring(0, url.length() - 1)))) {
        return true;
      }
    }
    return false;
  }
}
