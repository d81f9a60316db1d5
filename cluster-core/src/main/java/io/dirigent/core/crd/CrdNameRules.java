package io.dirigent.core.crd;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.core.validation.FieldError;
import io.dirigent.core.validation.NameRules;
import java.util.List;
import java.util.Locale;

/**
 * The names of a custom resource, requested in {@code spec.names} or accepted in {@code
 * status.acceptedNames}, as Kubernetes checks them: plural, singular, short names and categories
 * are DNS-1035 labels, kind and list kind the same but in any case, and the two kinds differ.
 */
final class CrdNameRules {

  private CrdNameRules() {}

  /** Kubernetes' {@code ValidateCustomResourceDefinitionNames}, for spec or accepted names. */
  static void names(JsonNode names, String path, List<FieldError> errors) {
    for (String field : List.of("plural", "singular")) {
      String value = names.path(field).asText("");
      List<String> problems = NameRules.dns1035Label(value);
      if (!value.isEmpty() && !problems.isEmpty()) {
        errors.add(FieldError.invalid(path + "." + field, value, String.join(",", problems)));
      }
    }
    for (String field : List.of("kind", "listKind")) {
      String value = names.path(field).asText("");
      List<String> problems = NameRules.dns1035Label(value.toLowerCase(Locale.ROOT));
      if (!value.isEmpty() && !problems.isEmpty()) {
        errors.add(FieldError.invalid(path + "." + field, value,
            "may have mixed case, but should otherwise match: " + String.join(",", problems)));
      }
    }
    labels(names.path("shortNames"), path + ".shortNames", errors);
    String kind = names.path("kind").asText("");
    if (!kind.isEmpty() && kind.equals(names.path("listKind").asText(""))) {
      errors.add(FieldError.invalid(path + ".listKind", kind, "kind and listKind may not be the same"));
    }
    labels(names.path("categories"), path + ".categories", errors);
  }

  private static void labels(JsonNode list, String path, List<FieldError> errors) {
    JsonNode values = CrdRules.list(list);
    for (int i = 0; i < values.size(); i++) {
      String value = values.get(i).asText("");
      List<String> problems = NameRules.dns1035Label(value);
      if (!problems.isEmpty()) {
        errors.add(FieldError.invalid(path + "[" + i + "]", value, String.join(",", problems)));
      }
    }
  }
}
