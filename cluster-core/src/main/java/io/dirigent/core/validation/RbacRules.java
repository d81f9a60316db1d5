package io.dirigent.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;

/** What RBAC objects must hold, in Kubernetes' words: rules that say what they grant, bindings that name a role and subjects. */
final class RbacRules {

  static final String GROUP = "rbac.authorization.k8s.io";
  private static final Set<String> SUBJECT_KINDS = Set.of("ServiceAccount", "User", "Group");

  private RbacRules() {}

  static void role(JsonNode role, boolean namespaced, List<FieldError> errors) {
    JsonNode rules = role.path("rules");
    for (int i = 0; i < rules.size(); i++) {
      rule(rules.get(i), "rules[" + i + "]", namespaced, errors);
    }
    JsonNode aggregation = role.path("aggregationRule");
    if (!aggregation.isMissingNode() && !aggregation.isNull()) {
      if (namespaced) {
        errors.add(FieldError.forbidden("aggregationRule", "only ClusterRoles aggregate"));
      } else if (aggregation.path("clusterRoleSelectors").size() == 0) {
        errors.add(FieldError.required("aggregationRule.clusterRoleSelectors", "at least one clusterRoleSelector required if aggregationRule is non-nil"));
      }
    }
  }

  private static void rule(JsonNode rule, String path, boolean namespaced, List<FieldError> errors) {
    if (rule.path("verbs").size() == 0) {
      errors.add(FieldError.required(path + ".verbs", "verbs must contain at least one value"));
    }
    boolean nonResource = rule.path("nonResourceURLs").size() > 0;
    if (nonResource) {
      if (namespaced) {
        errors.add(FieldError.invalid(path + ".nonResourceURLs", rule.path("nonResourceURLs").toString(), "namespaced rules cannot apply to non-resource URLs"));
      }
      if (rule.path("apiGroups").size() > 0 || rule.path("resources").size() > 0) {
        errors.add(FieldError.invalid(path + ".nonResourceURLs", rule.path("nonResourceURLs").toString(), "rules cannot apply to both regular resources and non-resource URLs"));
      }
      return;
    }
    if (rule.path("apiGroups").size() == 0) {
      errors.add(FieldError.required(path + ".apiGroups", "resource rules must supply at least one api group"));
    }
    if (rule.path("resources").size() == 0) {
      errors.add(FieldError.required(path + ".resources", "resource rules must supply at least one resource"));
    }
  }

  static void binding(JsonNode binding, boolean namespaced, List<FieldError> errors) {
    JsonNode roleRef = binding.path("roleRef");
    if (!GROUP.equals(roleRef.path("apiGroup").asText())) {
      errors.add(FieldError.notSupported("roleRef.apiGroup", roleRef.path("apiGroup").asText(), List.of(GROUP)));
    }
    String kind = roleRef.path("kind").asText();
    List<String> kinds = namespaced ? List.of("Role", "ClusterRole") : List.of("ClusterRole");
    if (!kinds.contains(kind)) {
      errors.add(FieldError.notSupported("roleRef.kind", kind, kinds));
    }
    String name = roleRef.path("name").asText();
    if (name.isEmpty()) {
      errors.add(FieldError.required("roleRef.name", ""));
    } else {
      NameRules.NameRule.PATH_SEGMENT.check(name).forEach(problem -> errors.add(FieldError.invalid("roleRef.name", name, problem)));
    }
    JsonNode subjects = binding.path("subjects");
    for (int i = 0; i < subjects.size(); i++) {
      subject(subjects.get(i), "subjects[" + i + "]", namespaced, errors);
    }
  }

  private static void subject(JsonNode subject, String path, boolean namespaced, List<FieldError> errors) {
    String kind = subject.path("kind").asText();
    String name = subject.path("name").asText();
    if (!SUBJECT_KINDS.contains(kind)) {
      errors.add(FieldError.notSupported(path + ".kind", kind, List.of("ServiceAccount", "User", "Group")));
      return;
    }
    if (name.isEmpty()) {
      errors.add(FieldError.required(path + ".name", ""));
    }
    String apiGroup = subject.path("apiGroup").asText();
    if (kind.equals("ServiceAccount")) {
      if (!apiGroup.isEmpty()) {
        errors.add(FieldError.notSupported(path + ".apiGroup", apiGroup, List.of("")));
      }
      if (!name.isEmpty()) {
        NameRules.NameRule.DNS1123_SUBDOMAIN.check(name).forEach(problem -> errors.add(FieldError.invalid(path + ".name", name, problem)));
      }
      if (!namespaced && subject.path("namespace").asText().isEmpty()) {
        errors.add(FieldError.required(path + ".namespace", ""));
      }
    } else if (!GROUP.equals(apiGroup)) {
      errors.add(FieldError.notSupported(path + ".apiGroup", apiGroup, List.of(GROUP)));
    }
  }
}
