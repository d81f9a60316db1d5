package io.dirigent.core.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.validation.FieldError;
import java.util.ArrayList;
import java.util.List;

/**
 * What an update may not change in a Job, as Kubernetes' ValidateJobSpecUpdate: its selector,
 * completion mode, podFailurePolicy, completions, and its pod template — except, while the Job
 * is suspended and has never started, the template's labels, annotations and scheduling
 * directives (node selector, tolerations, affinity, scheduling gates).
 */
public final class JobUpdates {

  private static final List<String> IMMUTABLE = List.of("selector", "completionMode", "podFailurePolicy", "completions");
  private static final List<String> MUTABLE_WHILE_SUSPENDED = List.of("nodeSelector", "tolerations", "affinity", "schedulingGates");

  private JobUpdates() {}

  /** The fields {@code next} changed that may not change; empty when the update may go ahead. */
  public static List<FieldError> immutable(ObjectNode current, ObjectNode next) {
    List<FieldError> errors = new ArrayList<>();
    JsonNode before = current.path("spec");
    JsonNode after = next.path("spec");
    for (String field : IMMUTABLE) {
      if (!KubeJson.sameContent(before.path(field), after.path(field))) {
        errors.add(FieldError.invalid("spec." + field, after.path(field).toString(), "field is immutable"));
      }
    }
    boolean neverStarted = before.path("suspend").asBoolean(false) && !current.path("status").hasNonNull("startTime");
    if (!KubeJson.sameContent(template(before, neverStarted), template(after, neverStarted))) {
      errors.add(FieldError.invalid("spec.template", after.path("template").toString(), "field is immutable"));
    }
    return errors;
  }

  private static JsonNode template(JsonNode spec, boolean withoutMutable) {
    JsonNode template = spec.path("template");
    if (!withoutMutable || !(template instanceof ObjectNode)) {
      return template;
    }
    ObjectNode copy = ((ObjectNode) template).deepCopy();
    if (copy.path("metadata") instanceof ObjectNode meta) {
      meta.remove(List.of("labels", "annotations"));
    }
    if (copy.path("spec") instanceof ObjectNode podSpec) {
      podSpec.remove(MUTABLE_WHILE_SUSPENDED);
    }
    return copy;
  }
}
