package io.dirigent.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.scheduling.PriorityClasses;
import java.util.List;

/** PriorityClasses, as Kubernetes' scheduling validation words them. */
final class SchedulingRules {

  private static final List<String> PREEMPTION_POLICIES = List.of("Never", "PreemptLowerPriority");

  private SchedulingRules() {}

  static void priorityClass(JsonNode priorityClass, List<FieldError> errors) {
    String name = KubeJson.name(priorityClass);
    JsonNode value = priorityClass.path("value");
    boolean system = PriorityClasses.SYSTEM.containsKey(name);
    if (!system && name.startsWith(PriorityClasses.SYSTEM_PREFIX)) {
      errors.add(FieldError.forbidden("metadata.name", "priority class names with '" + PriorityClasses.SYSTEM_PREFIX
          + "' prefix are reserved for system use only"));
    }
    if (!value.canConvertToLong()) {
      errors.add(FieldError.required("value", ""));
    } else if (system && value.asLong() != PriorityClasses.SYSTEM.get(name)) {
      errors.add(FieldError.forbidden("value", "the value of " + name + " is " + PriorityClasses.SYSTEM.get(name)));
    } else if (!system && value.asLong() > PriorityClasses.HIGHEST_USER_PRIORITY) {
      errors.add(FieldError.forbidden("value", "maximum allowed value of a user defined priority is " + PriorityClasses.HIGHEST_USER_PRIORITY));
    }
    JsonNode policy = priorityClass.path("preemptionPolicy");
    if (!policy.isMissingNode() && !policy.isNull() && !PREEMPTION_POLICIES.contains(policy.asText())) {
      errors.add(FieldError.notSupported("preemptionPolicy", policy.asText(), PREEMPTION_POLICIES));
    }
  }
}
