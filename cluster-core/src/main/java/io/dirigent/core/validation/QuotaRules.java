package io.dirigent.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** ResourceQuotas' and LimitRanges' specs, as Kubernetes' core validation words them. */
final class QuotaRules {

  private static final List<String> LIMIT_TYPES = List.of("Container", "Pod", "PersistentVolumeClaim");

  private QuotaRules() {}

  static void resourceQuota(JsonNode spec, List<FieldError> errors) {
    spec.path("hard").fields().forEachRemaining(e -> amount(e.getValue(), "spec.hard[" + e.getKey() + "]", errors));
  }

  static void limitRange(JsonNode spec, List<FieldError> errors) {
    JsonNode limits = spec.path("limits");
    for (int i = 0; i < limits.size(); i++) {
      JsonNode item = limits.get(i);
      String at = "spec.limits[" + i + "]";
      String type = item.path("type").asText("");
      if (type.isEmpty()) {
        errors.add(FieldError.required(at + ".type", ""));
      } else if (!LIMIT_TYPES.contains(type)) {
        errors.add(FieldError.notSupported(at + ".type", type, LIMIT_TYPES));
      }
      Map<String, Map<String, BigDecimal>> lists = new java.util.HashMap<>();
      for (String list : new String[] {"max", "min", "default", "defaultRequest", "maxLimitRequestRatio"}) {
        Map<String, BigDecimal> amounts = new java.util.TreeMap<>();
        item.path(list).fields().forEachRemaining(e ->
            amount(e.getValue(), at + "." + list + "[" + e.getKey() + "]", errors).ifPresent(amount -> amounts.put(e.getKey(), amount)));
        lists.put(list, amounts);
      }
      if (type.equals("Pod") && (!item.path("default").isEmpty() || !item.path("defaultRequest").isEmpty())) {
        errors.add(FieldError.forbidden(at + ".default", "may not be specified when `type` is 'Pod'"));
      }
      lists.get("min").forEach((resource, min) -> {
        BigDecimal max = lists.get("max").get(resource);
        if (max != null && min.compareTo(max) > 0) {
          errors.add(FieldError.invalid(at + ".min[" + resource + "]", item.path("min").path(resource).asText(),
              "min value %s is greater than max value %s".formatted(item.path("min").path(resource).asText(), item.path("max").path(resource).asText())));
        }
      });
      lists.get("defaultRequest").forEach((resource, request) -> {
        BigDecimal limit = lists.get("default").get(resource);
        if (limit != null && request.compareTo(limit) > 0) {
          errors.add(FieldError.invalid(at + ".defaultRequest[" + resource + "]", item.path("defaultRequest").path(resource).asText(),
              "defaultRequest value %s is greater than default limit value %s".formatted(item.path("defaultRequest").path(resource).asText(),
                  item.path("default").path(resource).asText())));
        }
      });
      lists.get("maxLimitRequestRatio").forEach((resource, ratio) -> {
        if (ratio.compareTo(BigDecimal.ONE) < 0) {
          errors.add(FieldError.invalid(at + ".maxLimitRequestRatio[" + resource + "]", item.path("maxLimitRequestRatio").path(resource).asText(),
              "ratio %s is less than 1".formatted(item.path("maxLimitRequestRatio").path(resource).asText())));
        }
      });
    }
  }

  /** A quantity that is not negative; its amount, when it is one. */
  private static Optional<BigDecimal> amount(JsonNode value, String field, List<FieldError> errors) {
    String text = value.asText();
    Optional<BigDecimal> amount = value.isTextual() || value.isNumber() ? Quantities.amount(text) : Optional.empty();
    if (amount.isEmpty()) {
      errors.add(FieldError.invalid(field, text, Quantities.FORMAT_ERROR));
    } else if (amount.get().signum() < 0) {
      errors.add(FieldError.invalid(field, text, "must be greater than or equal to 0"));
      return Optional.empty();
    }
    return amount;
  }
}
