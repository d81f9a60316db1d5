package io.dirigent.core.crd.schema;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.core.validation.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What Kubernetes' {@code objectmeta.Validate} demands of an object under {@code
 * x-kubernetes-embedded-resource}: an {@code apiVersion} that is a group/version string and a
 * {@code kind} that is a DNS-1035 label in any case. The root object is checked by the API server
 * itself, so only nested resources are looked at. The embedded {@code metadata} is not checked here.
 */
final class EmbeddedResources {

  private static final Pattern DNS1035 = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
  private static final String DNS1035_MESSAGE = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
      + "start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
      + "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

  private EmbeddedResources() {}

  static List<FieldError> validate(StructuralSchema schema, JsonNode object) {
    List<FieldError> errors = new ArrayList<>();
    walk(object, schema, "", false, errors);
    return errors;
  }

  private static void walk(JsonNode value, StructuralSchema schema, String path, boolean nested, List<FieldError> errors) {
    if (schema == null || value == null) {
      return;
    }
    if (value.isObject()) {
      if (schema.embeddedResource && nested) {
        checkResource(value, path, errors);
      }
      value.properties().forEach(field -> {
        String key = field.getKey();
        StructuralSchema property = schema.properties.get(key);
        if (property != null) {
          walk(field.getValue(), property, path.isEmpty() ? key : path + "." + key, true, errors);
        } else if (schema.additionalProperties != null) {
          walk(field.getValue(), schema.additionalProperties.schema(), path + "[" + key + "]", true, errors);
        }
      });
    } else if (value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        walk(value.get(i), schema.items, path + "[" + i + "]", true, errors);
      }
    }
  }

  private static void checkResource(JsonNode resource, String path, List<FieldError> errors) {
    String prefix = path.isEmpty() ? "" : path + ".";
    if (!resource.has("apiVersion")) {
      errors.add(FieldError.required(prefix + "apiVersion", "must not be empty"));
    }
    if (!resource.has("kind")) {
      errors.add(FieldError.required(prefix + "kind", "must not be empty"));
    }
    JsonNode apiVersion = resource.get("apiVersion");
    if (apiVersion != null) {
      if (!apiVersion.isTextual()) {
        errors.add(FieldError.invalid(prefix + "apiVersion", GoText.badValue(apiVersion), "must be a string"));
      } else if (apiVersion.textValue().isEmpty()) {
        errors.add(FieldError.invalid(prefix + "apiVersion", "", "must not be empty"));
      } else if (apiVersion.textValue().split("/", -1).length > 2) {
        errors.add(FieldError.invalid(prefix + "apiVersion", apiVersion.textValue(),
            "unexpected GroupVersion string: " + apiVersion.textValue()));
      }
    }
    JsonNode kind = resource.get("kind");
    if (kind != null) {
      if (!kind.isTextual()) {
        errors.add(FieldError.invalid(prefix + "kind", GoText.badValue(kind), "must be a string"));
      } else if (kind.textValue().isEmpty()) {
        errors.add(FieldError.invalid(prefix + "kind", "", "must not be empty"));
      } else {
        List<String> problems = new ArrayList<>();
        String lower = kind.textValue().toLowerCase(Locale.ROOT);
        if (lower.length() > 63) {
          problems.add("must be no more than 63 characters");
        }
        if (!DNS1035.matcher(lower).matches()) {
          problems.add(DNS1035_MESSAGE);
        }
        if (!problems.isEmpty()) {
          errors.add(FieldError.invalid(prefix + "kind", kind.textValue(),
              "may have mixed case, but should otherwise match: " + String.join(",", problems)));
        }
      }
    }
  }
}
