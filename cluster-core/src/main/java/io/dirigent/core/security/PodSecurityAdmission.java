package io.dirigent.core.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.security.PodSecurity.Level;
import io.dirigent.core.store.Admission;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Kubernetes' Pod Security Admission, enforcing: a pod is written only if it meets the level of
 * its namespace — the namespace's {@code pod-security.kubernetes.io/enforce} label, else the
 * configured default ({@code baseline}: pods stay off the host unless their namespace is labelled
 * {@code privileged}). Exempt namespaces ({@code kube-system}) are not checked. An update that
 * leaves the spec as it was (labels, annotations) is not checked again, as in Kubernetes.
 */
public final class PodSecurityAdmission implements Admission {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PodSecurityAdmission.class);

  private final Store store;
  private final Level defaultLevel;
  private final Set<String> exempt;

  public PodSecurityAdmission(Store store, Level defaultLevel, Set<String> exempt) {
    this.store = store;
    this.defaultLevel = defaultLevel;
    this.exempt = Set.copyOf(exempt);
  }

  /** From {@code dirigent.pod-security}. */
  public static PodSecurityAdmission from(Store store, Config config) {
    Config settings = config.getConfig("dirigent.pod-security");
    String level = settings.getString("default-enforce");
    return new PodSecurityAdmission(store,
        Level.of(level).orElseThrow(() -> new IllegalArgumentException(
            "dirigent.pod-security.default-enforce must be privileged, baseline or restricted, not " + level)),
        Set.copyOf(settings.getStringList("exempt-namespaces")));
  }

  @Override
  public CompletionStage<Admitted> create(ObjectNode pod) {
    return check(pod);
  }

  @Override
  public CompletionStage<Admitted> update(ObjectNode current, ObjectNode pod) {
    if (current.path("spec").equals(pod.path("spec"))) {
      return CompletableFuture.completedFuture(admitted(pod));
    }
    return check(pod);
  }

  @Override
  public void deleted(ObjectNode object) {
    // Nothing was reserved.
  }

  private CompletionStage<Admitted> check(ObjectNode pod) {
    String namespace = KubeJson.namespace(pod);
    if (exempt.contains(namespace)) {
      return CompletableFuture.completedFuture(admitted(pod));
    }
    return store.get(store.registry().byResource("namespaces").orElseThrow(), null, namespace).thenApply(found -> {
      Level level = enforced(found.path("metadata").path("labels"));
      List<String> violations = PodSecurity.violations(level, pod.path("metadata"), pod.path("spec"));
      if (!violations.isEmpty()) {
        String name = KubeJson.name(pod).isEmpty() ? KubeJson.meta(pod, "generateName") : KubeJson.name(pod);
        throw StoreError.of(StoreError.Reason.FORBIDDEN, "pods \"%s\" is forbidden: violates PodSecurity \"%s:latest\": %s"
            .formatted(name, level.label(), String.join(", ", violations))).toException();
      }
      return admitted(pod);
    });
  }

  /** The level a namespace with {@code labels} enforces: its label's, else the default. */
  private Level enforced(JsonNode labels) {
    return Level.of(labels.path(PodSecurity.ENFORCE_LABEL).asText("")).orElse(defaultLevel);
  }

  private static Admitted admitted(ObjectNode pod) {
    return Admitted.of(pod);
  }

  /**
   * The warnings a written object earns, as Kubernetes' Pod Security Admission adds them: a pod
   * that breaks its namespace's {@code warn} level; a workload whose pod template breaks the
   * {@code enforce} or the {@code warn} level (its pods would be refused: the workload is not). A
   * template that breaks the {@code audit} level is logged. Empty for anything else, and in exempt
   * namespaces.
   */
  public CompletionStage<List<String>> warnings(ResourceType type, ObjectNode object) {
    boolean pod = type.resource().equals("pods");
    java.util.Optional<JsonNode> template = pod ? java.util.Optional.of(object) : template(type.resource(), object);
    String namespace = KubeJson.namespace(object);
    if (template.isEmpty() || exempt.contains(namespace)) {
      return CompletableFuture.completedFuture(List.of());
    }
    return store.get(store.registry().byResource("namespaces").orElseThrow(), null, namespace).thenApply(found -> {
      JsonNode labels = found.path("metadata").path("labels");
      java.util.Set<Level> levels = new java.util.LinkedHashSet<>();
      if (!pod) {
        levels.add(enforced(labels));
      }
      Level.of(labels.path(PodSecurity.WARN_LABEL).asText("")).ifPresent(levels::add);
      List<String> warnings = new java.util.ArrayList<>();
      for (Level level : levels) {
        List<String> violations = PodSecurity.violations(level, template.get().path("metadata"), template.get().path("spec"));
        if (!violations.isEmpty()) {
          warnings.add("would violate PodSecurity \"%s:latest\": %s".formatted(level.label(), String.join(", ", violations)));
        }
      }
      Level.of(labels.path(PodSecurity.AUDIT_LABEL).asText("")).ifPresent(level -> {
        List<String> violations = PodSecurity.violations(level, template.get().path("metadata"), template.get().path("spec"));
        if (!violations.isEmpty()) {
          log.info("pod-security audit: {} {}/{} violates PodSecurity \"{}:latest\": {}", type.singular(), namespace, KubeJson.name(object),
              level.label(), String.join(", ", violations));
        }
      });
      return List.copyOf(warnings);
    }).exceptionally(failure -> List.of());
  }

  /** A workload's pod template ({@code metadata} and {@code spec}), or empty when {@code resource} has none. */
  static java.util.Optional<JsonNode> template(String resource, JsonNode object) {
    JsonNode template = switch (resource) {
      case "deployments.apps", "replicasets.apps", "statefulsets.apps", "daemonsets.apps", "jobs.batch", "replicationcontrollers" ->
          object.path("spec").path("template");
      case "cronjobs.batch" -> object.path("spec").path("jobTemplate").path("spec").path("template");
      case "podtemplates" -> object.path("template");
      default -> null;
    };
    return template == null || !template.isObject() ? java.util.Optional.empty() : java.util.Optional.of(template);
  }
}
