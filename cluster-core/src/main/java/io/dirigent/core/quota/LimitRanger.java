package io.dirigent.core.quota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes' LimitRanger for pods: a namespace's LimitRanges give containers the requests and
 * limits they do not set ({@code defaultRequest}, {@code default}), then bound each container
 * ({@code type: Container}) and the pod as a whole ({@code type: Pod}) by {@code min}, {@code max}
 * and {@code maxLimitRequestRatio}, in Kubernetes' words. Pure, for table tests.
 */
public final class LimitRanger {

  private LimitRanger() {}

  /** Gives every container of {@code spec} what the ranges' Container items default and it does not set. */
  public static void applyDefaults(ObjectNode spec, List<? extends JsonNode> ranges) {
    for (JsonNode range : ranges) {
      for (JsonNode item : range.path("spec").path("limits")) {
        if (!"Container".equals(item.path("type").asText())) {
          continue;
        }
        for (String list : new String[] {"initContainers", "containers"}) {
          for (JsonNode container : spec.path(list)) {
            if (container instanceof ObjectNode c) {
              ObjectNode resources = child(c, "resources");
              fill(resources, "limits", item.path("default"));
              fill(resources, "requests", item.path("defaultRequest"));
            }
          }
        }
      }
    }
  }

  private static void fill(ObjectNode resources, String which, JsonNode defaults) {
    if (defaults.isObject() && !defaults.isEmpty()) {
      ObjectNode target = child(resources, which);
      defaults.fields().forEachRemaining(e -> {
        if (!target.has(e.getKey())) {
          target.set(e.getKey(), e.getValue().deepCopy());
        }
      });
    }
  }

  private static ObjectNode child(ObjectNode parent, String field) {
    return parent.get(field) instanceof ObjectNode child ? child : parent.putObject(field);
  }

  /** What the ranges refuse of {@code spec}, one sentence each; empty when it is within them. */
  public static List<String> violations(JsonNode spec, List<? extends JsonNode> ranges) {
    List<String> errors = new ArrayList<>();
    for (JsonNode range : ranges) {
      for (JsonNode item : range.path("spec").path("limits")) {
        switch (item.path("type").asText()) {
          case "Container" -> {
            for (String list : new String[] {"initContainers", "containers"}) {
              for (JsonNode container : spec.path(list)) {
                check("Container", item, Amounts.of(container.path("resources").path("requests")),
                    Amounts.of(container.path("resources").path("limits")), errors);
              }
            }
          }
          case "Pod" -> check("Pod", item, PodResources.total(spec, "requests"), PodResources.total(spec, "limits"), errors);
          default -> { }
        }
      }
    }
    return errors;
  }


  private static void check(String limitType, JsonNode item, Map<String, BigDecimal> requests, Map<String, BigDecimal> limits,
      List<String> errors) {
    item.path("min").fields().forEachRemaining(e -> {
      String resource = e.getKey();
      String enforced = e.getValue().asText();
      BigDecimal min = Amounts.of(enforced);
      BigDecimal request = requests.get(resource);
      BigDecimal limit = limits.get(resource);
      if (request == null) {
        errors.add("minimum %s usage per %s is %s.  No request is specified".formatted(resource, limitType, enforced));
      } else if (request.compareTo(min) < 0) {
        errors.add("minimum %s usage per %s is %s, but request is %s".formatted(resource, limitType, enforced, Amounts.format(request)));
      } else if (limit != null && limit.compareTo(min) < 0) {
        errors.add("minimum %s usage per %s is %s, but limit is %s".formatted(resource, limitType, enforced, Amounts.format(limit)));
      }
    });
    item.path("max").fields().forEachRemaining(e -> {
      String resource = e.getKey();
      String enforced = e.getValue().asText();
      BigDecimal max = Amounts.of(enforced);
      BigDecimal request = requests.get(resource);
      BigDecimal limit = limits.get(resource);
      if (limit == null) {
        errors.add("maximum %s usage per %s is %s.  No limit is specified".formatted(resource, limitType, enforced));
      } else if (limit.compareTo(max) > 0) {
        errors.add("maximum %s usage per %s is %s, but limit is %s".formatted(resource, limitType, enforced, Amounts.format(limit)));
      } else if (request != null && request.compareTo(max) > 0) {
        errors.add("maximum %s usage per %s is %s, but request is %s".formatted(resource, limitType, enforced, Amounts.format(request)));
      }
    });
    item.path("maxLimitRequestRatio").fields().forEachRemaining(e -> {
      String resource = e.getKey();
      String enforced = e.getValue().asText();
      BigDecimal request = requests.get(resource);
      BigDecimal limit = limits.get(resource);
      if (request == null || request.signum() == 0) {
        errors.add("%s max limit to request ratio per %s is %s, but no request is specified or request is 0".formatted(resource, limitType, enforced));
      } else if (limit == null || limit.signum() == 0) {
        errors.add("%s max limit to request ratio per %s is %s, but no limit is specified or limit is 0".formatted(resource, limitType, enforced));
      } else {
        BigDecimal ratio = limit.divide(request, 6, RoundingMode.HALF_EVEN);
        if (ratio.compareTo(Amounts.of(enforced)) > 0) {
          errors.add("%s max limit to request ratio per %s is %s, but provided ratio is %s".formatted(resource, limitType, enforced,
              ratio.setScale(6, RoundingMode.HALF_EVEN).toPlainString()));
        }
      }
    });
  }

  /** Errors as Kubernetes aggregates them in one message: one as it is, several in brackets. */
  public static String aggregate(List<String> errors) {
    return errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]";
  }
}
