package io.dirigent.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.selector.LabelSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The fields each kind requires, and the rules between them, in Kubernetes' words: a pod needs
 * containers with names and images; a workload's selector must match its template's labels; a
 * service port must be a port number.
 */
final class SpecRules {

  static final Pattern CONFIG_KEY = Pattern.compile("[-._a-zA-Z0-9]+");

  private SpecRules() {}

  static List<FieldError> validate(ResourceType type, ObjectNode object) {
    List<FieldError> errors = new ArrayList<>();
    JsonNode spec = object.path("spec");
    switch (type.resource()) {
      case "pods" -> PodSpecRules.validate(spec, "spec", errors);
      case "replicasets.apps", "deployments.apps", "daemonsets.apps" -> workload(type, spec, errors);
      case "poddisruptionbudgets.policy" -> PolicyRules.disruptionBudget(spec, errors);
      case "resourcequotas" -> QuotaRules.resourceQuota(spec, errors);
      case "priorityclasses.scheduling.k8s.io" -> SchedulingRules.priorityClass(object, errors);
      case "apiservices.apiregistration.k8s.io" -> {
        // As Kubernetes: an APIService is named VERSION.GROUP after what it serves.
        String expected = spec.path("version").asText("") + "." + spec.path("group").asText("");
        if (spec.path("version").asText("").isEmpty()) {
          errors.add(FieldError.required("spec.version", ""));
        } else if (!KubeJson.name(object).equals(expected)) {
          errors.add(FieldError.invalid("metadata.name", KubeJson.name(object), "must be " + expected));
        }
      }
      case "limitranges" -> QuotaRules.limitRange(spec, errors);
      case "replicationcontrollers" -> ReplicationControllerRules.validate(spec, errors);
      case "statefulsets.apps" -> {
        workload(type, withClaimVolumes(spec), errors);
        StorageRules.statefulSet(spec, errors);
      }
      case "services" -> NetworkRules.service(spec, errors);
      case "endpoints" -> NetworkRules.endpoints(object, errors);
      case "endpointslices.discovery.k8s.io" -> EndpointSliceRules.validate(object, errors);
      case "nodes" -> NetworkRules.node(spec, errors);
      case "configmaps", "secrets" -> {
        configKeys(object.path("data"), "data", errors);
        configKeys(object.path("binaryData"), "binaryData", errors);
        configKeys(object.path("stringData"), "stringData", errors);
      }
      case "roles.rbac.authorization.k8s.io", "clusterroles.rbac.authorization.k8s.io" -> RbacRules.role(object, type.namespaced(), errors);
      case "rolebindings.rbac.authorization.k8s.io", "clusterrolebindings.rbac.authorization.k8s.io" ->
          RbacRules.binding(object, type.namespaced(), errors);
      case "persistentvolumes", "persistentvolumeclaims", "storageclasses.storage.k8s.io" -> StorageRules.validate(type, object, errors);
      case "networkpolicies.networking.k8s.io" -> NetworkPolicyRules.networkPolicy(spec, errors);
      case "ingresses.networking.k8s.io" -> IngressRules.ingress(object, errors);
      case "ingressclasses.networking.k8s.io" -> IngressRules.ingressClass(spec, errors);
      case "horizontalpodautoscalers.autoscaling" -> AutoscalingRules.horizontalPodAutoscaler(spec, errors);
      case "runtimeclasses.node.k8s.io" -> RuntimeClassRules.validate(object, errors);
      default -> { }
    }
    return errors;
  }

  private static void workload(ResourceType type, JsonNode spec, List<FieldError> errors) {
    JsonNode replicas = spec.path("replicas");
    if (!replicas.isMissingNode() && !replicas.isNull() && (!replicas.canConvertToInt() || replicas.asInt() < 0)) {
      errors.add(FieldError.invalid("spec.replicas", replicas.asText(), "must be greater than or equal to 0"));
    }
    JsonNode selector = spec.path("selector");
    if (!selector.isObject() || selector.isEmpty()) {
      errors.add(FieldError.required("spec.selector", ""));
    }
    JsonNode template = spec.path("template");
    if (!template.isObject()) {
      errors.add(FieldError.required("spec.template", ""));
      return;
    }
    Map<String, String> labels = KubeJson.stringMap(template, "labels");
    if (selector.isObject() && !selector.isEmpty()) {
      try {
        LabelSelector parsed = LabelSelector.of(KubeJson.toTyped(selector, io.fabric8.kubernetes.api.model.LabelSelector.class));
        if (parsed.isEverything()) {
          errors.add(FieldError.invalid("spec.selector", selector.toString(), "empty selector is invalid for " + type.resource()));
        } else if (!parsed.matches(labels)) {
          errors.add(FieldError.invalid("spec.template.metadata.labels", labels.toString(), "`selector` does not match template `labels`"));
        }
      } catch (IllegalArgumentException e) {
        errors.add(FieldError.invalid("spec.selector", selector.toString(), e.getMessage()));
      }
    }
    PodSpecRules.validate(template.path("spec"), "spec.template.spec", errors);
  }

  /**
   * A StatefulSet's spec with its claim templates as the pod template's volumes, as its pods get
   * them: containers may mount a claim template by its name.
   */
  private static JsonNode withClaimVolumes(JsonNode spec) {
    if (!spec.path("volumeClaimTemplates").isArray() || !spec.path("template").path("spec").isObject()) {
      return spec;
    }
    ObjectNode copy = spec.deepCopy();
    ObjectNode podSpec = (ObjectNode) copy.path("template").path("spec");
    com.fasterxml.jackson.databind.node.ArrayNode volumes = podSpec.path("volumes").isArray()
        ? (com.fasterxml.jackson.databind.node.ArrayNode) podSpec.get("volumes") : podSpec.putArray("volumes");
    java.util.Set<String> declared = new java.util.HashSet<>();
    volumes.forEach(volume -> declared.add(volume.path("name").asText()));
    for (JsonNode template : spec.path("volumeClaimTemplates")) {
      String name = template.path("metadata").path("name").asText("");
      if (!name.isEmpty() && declared.add(name)) {
        volumes.addObject().put("name", name).putObject("persistentVolumeClaim").put("claimName", name);
      }
    }
    return copy;
  }

  private static void configKeys(JsonNode data, String path, List<FieldError> errors) {
    data.fieldNames().forEachRemaining(key -> configKey(key, path, errors));
  }

  /** A ConfigMap or Secret key: it becomes a file's name in volumes, so not "." or "..". */
  static void configKey(String key, String path, List<FieldError> errors) {
    if (!CONFIG_KEY.matcher(key).matches() || key.length() > 253) {
      errors.add(FieldError.invalid(path, key, "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name', or 'KEY_NAME', or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));
    } else if (key.equals(".") || key.equals("..")) {
      errors.add(FieldError.invalid(path, key, "must not be '.' or '..'"));
    }
  }
}
