package io.dirigent.core.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * RBAC's guard against escalation, as Kubernetes keeps it: a user may write a role only with
 * rules they hold themselves (or the {@code escalate} verb on roles), and bind a role only when
 * they hold all it grants (or the {@code bind} verb on it). Without this, anyone allowed to write
 * RoleBindings could make themselves administrator.
 */
public final class EscalationCheck {

  private static final String GROUP = "rbac.authorization.k8s.io";

  private EscalationCheck() {}

  /**
   * Why {@code user} may not write {@code object} of the RBAC {@code resource} (roles,
   * clusterroles, rolebindings, clusterrolebindings) in {@code namespace} ("" for cluster-scoped);
   * empty when they may, or the resource is not an RBAC one.
   */
  public static Optional<String> refusal(RbacPolicy policy, UserInfo user, String resource, String namespace, ObjectNode object) {
    if (user.inGroup(UserInfo.MASTERS)) {
      return Optional.empty();
    }
    String name = KubeJson.name(object);
    return switch (resource) {
      case "roles", "clusterroles" -> role(policy, user, resource, namespace, name, object);
      case "rolebindings", "clusterrolebindings" -> binding(policy, user, namespace, object);
      default -> Optional.empty();
    };
  }

  private static Optional<String> role(RbacPolicy policy, UserInfo user, String resource, String namespace, String name, ObjectNode role) {
    if (allowed(policy, AccessRequest.resource(user, "escalate", GROUP, resource, "", namespace, name))) {
      return Optional.empty();
    }
    JsonNode aggregation = role.path("aggregationRule");
    if (!aggregation.isMissingNode() && !aggregation.isNull()) {
      return Optional.of("user \"%s\" must have cluster-admin privileges (or escalate on clusterroles) to write an aggregated cluster role"
          .formatted(user.name()));
    }
    return notHeld(policy, user, namespace, rules(role.path("rules")));
  }

  private static Optional<String> binding(RbacPolicy policy, UserInfo user, String namespace, ObjectNode binding) {
    JsonNode roleRef = binding.path("roleRef");
    String kind = roleRef.path("kind").asText();
    String roleName = roleRef.path("name").asText();
    String roleResource = kind.equals("ClusterRole") ? "clusterroles" : "roles";
    if (allowed(policy, AccessRequest.resource(user, "bind", GROUP, roleResource, "", kind.equals("ClusterRole") ? "" : namespace, roleName))
        || (!namespace.isEmpty() && kind.equals("ClusterRole")
            && allowed(policy, AccessRequest.resource(user, "bind", GROUP, roleResource, "", namespace, roleName)))) {
      return Optional.empty();
    }
    if (!policy.hasRole(kind, namespace, roleName)) {
      // Binding a role that is not there (yet) would grant whatever it is made to hold later.
      return Optional.of("user \"%s\" may not bind %s \"%s\", which does not exist (binding a role before it exists needs the bind verb on it)"
          .formatted(user.name(), kind, roleName));
    }
    return notHeld(policy, user, namespace, policy.roleRules(kind, namespace, roleName));
  }

  private static boolean allowed(RbacPolicy policy, AccessRequest request) {
    return policy.authorize(request).allowed();
  }

  private static Optional<String> notHeld(RbacPolicy policy, UserInfo user, String namespace, List<Rule> granted) {
    List<Rule> held = policy.rules(user, namespace);
    List<Rule> missing = new ArrayList<>();
    for (Rule rule : granted) {
      missing.addAll(PolicyRules.uncovered(held, rule));
    }
    if (missing.isEmpty()) {
      return Optional.empty();
    }
    StringBuilder message = new StringBuilder("user \"%s\" (groups=%s) is attempting to grant RBAC permissions not currently held:"
        .formatted(user.name(), user.groups().stream().map(group -> "\"" + group + "\"").toList()));
    for (Rule rule : missing) {
      message.append('\n').append(describe(rule));
    }
    return Optional.of(message.toString());
  }

  private static String describe(Rule rule) {
    if (!rule.nonResourceURLs().isEmpty()) {
      return "{NonResourceURLs:%s, Verbs:%s}".formatted(quoted(rule.nonResourceURLs()), quoted(rule.verbs()));
    }
    String names = rule.resourceNames().isEmpty() ? "" : ", ResourceNames:" + quoted(rule.resourceNames());
    return "{APIGroups:%s, Resources:%s%s, Verbs:%s}".formatted(quoted(rule.apiGroups()), quoted(rule.resources()), names, quoted(rule.verbs()));
  }

  private static String quoted(List<String> values) {
    return values.stream().map(value -> "\"" + value + "\"").toList().toString().replace(", ", " ");
  }

  private static List<Rule> rules(JsonNode rules) {
    List<Rule> read = new ArrayList<>();
    for (JsonNode rule : rules) {
      try {
        read.add(Rule.of(KubeJson.toTyped(rule, PolicyRule.class)));
      } catch (RuntimeException malformed) {
        // Not a rule: validation refuses the object (422) after this check; it grants nothing here.
      }
    }
    return read;
  }
}
