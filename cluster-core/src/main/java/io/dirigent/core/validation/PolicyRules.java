package io.dirigent.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.selector.LabelSelector;
import java.util.List;
import java.util.regex.Pattern;

/** A PodDisruptionBudget's spec, as Kubernetes' policy validation words it. */
final class PolicyRules {

  private static final Pattern PERCENT = Pattern.compile("[0-9]+%");
  private static final List<String> EVICTION_POLICIES = List.of("AlwaysAllow", "IfHealthyBudget");

  private PolicyRules() {}

  static void disruptionBudget(JsonNode spec, List<FieldError> errors) {
    JsonNode minAvailable = spec.path("minAvailable");
    JsonNode maxUnavailable = spec.path("maxUnavailable");
    if (present(minAvailable) && present(maxUnavailable)) {
      errors.add(FieldError.invalid("spec", spec.toString(), "minAvailable and maxUnavailable cannot be both set"));
    }
    intOrPercent(minAvailable, "spec.minAvailable", errors);
    intOrPercent(maxUnavailable, "spec.maxUnavailable", errors);
    JsonNode selector = spec.path("selector");
    if (present(selector)) {
      try {
        LabelSelector.of(KubeJson.toTyped(selector, io.fabric8.kubernetes.api.model.LabelSelector.class));
      } catch (IllegalArgumentException e) {
        errors.add(FieldError.invalid("spec.selector", selector.toString(), e.getMessage()));
      }
    }
    JsonNode policy = spec.path("unhealthyPodEvictionPolicy");
    if (present(policy) && !EVICTION_POLICIES.contains(policy.asText())) {
      errors.add(FieldError.notSupported("spec.unhealthyPodEvictionPolicy", policy.asText(), EVICTION_POLICIES));
    }
  }

  /** A count (at least 0) or a percentage (at most 100%), as ValidatePositiveIntOrPercent and IsNotMoreThan100Percent. */
  private static void intOrPercent(JsonNode value, String field, List<FieldError> errors) {
    if (!present(value)) {
      return;
    }
    if (value.isTextual()) {
      String text = value.asText();
      if (!PERCENT.matcher(text).matches()) {
        errors.add(FieldError.invalid(field, text, "a valid percent string must be a numeric string followed by an ending '%' "
            + "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
      } else if (new java.math.BigInteger(text.substring(0, text.length() - 1)).compareTo(java.math.BigInteger.valueOf(100)) > 0) {
        errors.add(FieldError.invalid(field, text, "must not be greater than 100%"));
      }
    } else if (value.canConvertToInt()) {
      if (value.asInt() < 0) {
        errors.add(FieldError.invalid(field, value.asText(), "must be greater than or equal to 0"));
      }
    } else {
      errors.add(FieldError.invalid(field, value.toString(), "must be an integer or percentage (e.g '5%')"));
    }
  }

  private static boolean present(JsonNode value) {
    return !value.isMissingNode() && !value.isNull();
  }
}
