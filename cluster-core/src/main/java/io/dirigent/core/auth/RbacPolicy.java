package io.dirigent.core.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RBAC objects at one moment, immutable, and the decisions they make: Kubernetes' RBAC
 * authorizer. A request is allowed when a binding that names its user (or one of the user's
 * groups, or its ServiceAccount) refers to a role with a rule allowing it: a ClusterRoleBinding
 * anywhere, a RoleBinding in the request's namespace. Nothing is ever denied by a rule; what no
 * rule allows is refused. Members of {@code system:masters} may do anything.
 */
public final class RbacPolicy {

  private static final Logger log = LoggerFactory.getLogger(RbacPolicy.class);

  /** An empty policy: only {@code system:masters} may do anything. */
  public static final RbacPolicy EMPTY = new RbacPolicy(Map.of(), Map.of(), List.of(), Map.of());

  /** What a decision rests on: the binding and role that allowed the request, or why none did. */
  public record Decision(boolean allowed, String reason) {}

  private record Binding(String kind, String namespace, String name, String roleKind, String roleName, List<Subject> subjects) {}

  private final Map<String, List<Rule>> clusterRoles;
  /** Roles by {@code namespace/name}. */
  private final Map<String, List<Rule>> roles;
  private final List<Binding> clusterBindings;
  private final Map<String, List<Binding>> bindingsByNamespace;

  private RbacPolicy(Map<String, List<Rule>> clusterRoles, Map<String, List<Rule>> roles, List<Binding> clusterBindings,
      Map<String, List<Binding>> bindingsByNamespace) {
    this.clusterRoles = clusterRoles;
    this.roles = roles;
    this.clusterBindings = clusterBindings;
    this.bindingsByNamespace = bindingsByNamespace;
  }

  /**
   * The policy these objects make. An object that cannot be read as its kind is left out (and
   * logged): it grants nothing, and never stops the others from working.
   */
  public static RbacPolicy of(Collection<ObjectNode> clusterRoles, Collection<ObjectNode> roles,
      Collection<ObjectNode> clusterRoleBindings, Collection<ObjectNode> roleBindings) {
    Map<String, List<Rule>> clusterRoleRules = new HashMap<>();
    for (ObjectNode object : clusterRoles) {
      read(object, ClusterRole.class).ifPresent(role -> clusterRoleRules.put(KubeJson.name(object), rules(role.getRules())));
    }
    Map<String, List<Rule>> roleRules = new HashMap<>();
    for (ObjectNode object : roles) {
      read(object, Role.class).ifPresent(role -> roleRules.put(KubeJson.namespace(object) + "/" + KubeJson.name(object), rules(role.getRules())));
    }
    List<Binding> cluster = new ArrayList<>();
    for (ObjectNode object : clusterRoleBindings) {
      read(object, ClusterRoleBinding.class).filter(binding -> binding.getRoleRef() != null).ifPresent(binding -> cluster.add(
          new Binding("ClusterRoleBinding", "", KubeJson.name(object), binding.getRoleRef().getKind(), binding.getRoleRef().getName(),
              subjects(binding.getSubjects()))));
    }
    Map<String, List<Binding>> namespaced = new HashMap<>();
    for (ObjectNode object : roleBindings) {
      read(object, RoleBinding.class).filter(binding -> binding.getRoleRef() != null).ifPresent(binding -> namespaced
          .computeIfAbsent(KubeJson.namespace(object), ns -> new ArrayList<>())
          .add(new Binding("RoleBinding", KubeJson.namespace(object), KubeJson.name(object), binding.getRoleRef().getKind(),
              binding.getRoleRef().getName(), subjects(binding.getSubjects()))));
    }
    Map<String, List<Binding>> frozen = new HashMap<>();
    namespaced.forEach((namespace, list) -> frozen.put(namespace, List.copyOf(list)));
    return new RbacPolicy(Map.copyOf(clusterRoleRules), Map.copyOf(roleRules), List.copyOf(cluster), Map.copyOf(frozen));
  }

  /** Whether {@code request} is allowed, and by what. */
  public Decision authorize(AccessRequest request) {
    UserInfo user = request.user();
    if (user.inGroup(UserInfo.MASTERS)) {
      return new Decision(true, "the group " + UserInfo.MASTERS + " may do anything");
    }
    for (Binding binding : clusterBindings) {
      Optional<Decision> allowed = allowedBy(binding, request);
      if (allowed.isPresent()) {
        return allowed.get();
      }
    }
    if (request.resourceRequest() && !request.namespace().isEmpty()) {
      for (Binding binding : bindingsByNamespace.getOrDefault(request.namespace(), List.of())) {
        Optional<Decision> allowed = allowedBy(binding, request);
        if (allowed.isPresent()) {
          return allowed.get();
        }
      }
    }
    return new Decision(false, "");
  }

  /**
   * Every rule that applies to {@code user} in {@code namespace} (empty: cluster-wide only): what
   * the user may do there. The escalation check and SelfSubjectRulesReview read it.
   */
  public List<Rule> rules(UserInfo user, String namespace) {
    List<Rule> rules = new ArrayList<>();
    if (user.inGroup(UserInfo.MASTERS)) {
      rules.add(new Rule(List.of("*"), List.of("*"), List.of("*"), List.of(), List.of()));
      rules.add(new Rule(List.of("*"), List.of(), List.of(), List.of(), List.of("*")));
    }
    for (Binding binding : clusterBindings) {
      if (appliesTo(binding, user)) {
        rules.addAll(roleRules(binding));
      }
    }
    if (namespace != null && !namespace.isEmpty()) {
      for (Binding binding : bindingsByNamespace.getOrDefault(namespace, List.of())) {
        if (appliesTo(binding, user)) {
          rules.addAll(roleRules(binding));
        }
      }
    }
    return rules;
  }

  /** The rules of a role a binding may refer to ({@code kind} Role or ClusterRole); empty when there is no such role. */
  public List<Rule> roleRules(String kind, String namespace, String name) {
    return "ClusterRole".equals(kind) ? clusterRoles.getOrDefault(name, List.of())
        : roles.getOrDefault(namespace + "/" + name, List.of());
  }

  /** Whether the role a binding may refer to exists (and could be read). */
  public boolean hasRole(String kind, String namespace, String name) {
    return "ClusterRole".equals(kind) ? clusterRoles.containsKey(name) : roles.containsKey(namespace + "/" + name);
  }

  private List<Rule> roleRules(Binding binding) {
    return roleRules(binding.roleKind(), binding.namespace(), binding.roleName());
  }

  private Optional<Decision> allowedBy(Binding binding, AccessRequest request) {
    if (!appliesTo(binding, request.user())) {
      return Optional.empty();
    }
    for (Rule rule : roleRules(binding)) {
      if (PolicyRules.allows(rule, request)) {
        String where = binding.namespace().isEmpty() ? "" : " in namespace \"%s\"".formatted(binding.namespace());
        return Optional.of(new Decision(true, "RBAC: allowed by %s \"%s\" of %s \"%s\"%s".formatted(
            binding.kind(), binding.name(), binding.roleKind(), binding.roleName(), where)));
      }
    }
    return Optional.empty();
  }

  private static boolean appliesTo(Binding binding, UserInfo user) {
    for (Subject subject : binding.subjects()) {
      String kind = subject.getKind() == null ? "" : subject.getKind();
      String name = subject.getName() == null ? "" : subject.getName();
      boolean applies = switch (kind) {
        case "User" -> name.equals(user.name());
        case "Group" -> user.inGroup(name);
        case "ServiceAccount" -> {
          String namespace = subject.getNamespace() == null || subject.getNamespace().isEmpty() ? binding.namespace() : subject.getNamespace();
          yield user.name().equals(UserInfo.SERVICE_ACCOUNT_PREFIX + namespace + ":" + name);
        }
        default -> false;
      };
      if (applies) {
        return true;
      }
    }
    return false;
  }

  private static List<Rule> rules(List<io.fabric8.kubernetes.api.model.rbac.PolicyRule> rules) {
    return rules == null ? List.of() : rules.stream().filter(java.util.Objects::nonNull).map(Rule::of).toList();
  }

  private static List<Subject> subjects(List<Subject> subjects) {
    // Copied so that no one else's object is shared; Subjects are never changed after this.
    return subjects == null ? List.of() : subjects.stream().filter(java.util.Objects::nonNull)
        .map(subject -> new Subject(subject.getApiGroup(), subject.getKind(), subject.getName(), subject.getNamespace())).toList();
  }

  private static <T> Optional<T> read(ObjectNode object, Class<T> kind) {
    try {
      return Optional.of(KubeJson.toTyped(object, kind));
    } catch (RuntimeException e) {
      log.warn("RBAC object left out of the policy: it cannot be read as {}: {} ({})", kind.getSimpleName(), KubeJson.name(object), e.getMessage());
      return Optional.empty();
    }
  }
}
