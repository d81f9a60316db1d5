package io.dirigent.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The ReplicationController's defaulting and validation, as Kubernetes' core/v1 has them. Its
 * selector is a plain label map (every label must match), and the kind defaults from its
 * template: an RC without a selector selects its template's labels, and one without labels of
 * its own takes them too.
 */
final class ReplicationControllerRules {

  private static final List<String> RESTART_POLICIES = List.of("Always");

  private ReplicationControllerRules() {}

  /** Kubernetes' {@code SetDefaults_ReplicationController}; the template's pod spec is defaulted by the caller. */
  static void defaults(ObjectNode rc, ObjectNode spec) {
    JsonNode templateLabels = spec.path("template").path("metadata").path("labels");
    if (templateLabels.isObject()) {
      if (!(spec.get("selector") instanceof ObjectNode selector) || selector.isEmpty()) {
        spec.set("selector", templateLabels.deepCopy());
      }
      ObjectNode meta = KubeJson.metadata(rc);
      if (!(meta.get("labels") instanceof ObjectNode labels) || labels.isEmpty()) {
        meta.set("labels", templateLabels.deepCopy());
      }
    }
    if (!spec.hasNonNull("replicas")) {
      spec.put("replicas", 1);
    }
  }

  /** Kubernetes' {@code ValidateReplicationControllerSpec}, in its order and words. */
  static void validate(JsonNode spec, List<FieldError> errors) {
    nonNegative(spec, "minReadySeconds", errors);
    JsonNode selector = spec.path("selector");
    if (!selector.isObject() || selector.isEmpty()) {
      errors.add(FieldError.required("spec.selector", ""));
    }
    nonNegative(spec, "replicas", errors);
    JsonNode template = spec.path("template");
    if (!template.isObject()) {
      errors.add(FieldError.required("spec.template", ""));
      return;
    }
    Map<String, String> labels = KubeJson.stringMap(template, "labels");
    if (selector.isObject() && !selector.isEmpty() && !selects(selector, labels)) {
      errors.add(FieldError.invalid("spec.template.metadata.labels", goMap(labels), "selector does not match labels in spec.template"));
    }
    PodSpecRules.validate(template.path("spec"), "spec.template.spec", errors);
    String restartPolicy = template.path("spec").path("restartPolicy").asText("");
    if (!restartPolicy.equals("Always")) {
      errors.add(FieldError.notSupported("spec.template.spec.restartPolicy", restartPolicy, RESTART_POLICIES));
    }
    if (template.path("spec").hasNonNull("activeDeadlineSeconds")) {
      errors.add(FieldError.forbidden("spec.template.spec.activeDeadlineSeconds", "activeDeadlineSeconds in ReplicationController is not Supported"));
    }
  }

  private static void nonNegative(JsonNode spec, String field, List<FieldError> errors) {
    JsonNode value = spec.path(field);
    if (!value.isMissingNode() && !value.isNull() && (!value.canConvertToInt() || value.asInt() < 0)) {
      errors.add(FieldError.invalid("spec." + field, value.asText(), "must be greater than or equal to 0"));
    }
  }

  /** Every label of the selector is on the pod, with the same value. */
  private static boolean selects(JsonNode selector, Map<String, String> labels) {
    var it = selector.fields();
    while (it.hasNext()) {
      var term = it.next();
      if (!term.getValue().asText().equals(labels.get(term.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** A label map as Go's {@code %#v} prints it, which Kubernetes' message repeats. */
  private static String goMap(Map<String, String> labels) {
    return labels.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"")
        .collect(Collectors.joining(", ", "map[string]string{", "}"));
  }
}
