package io.dirigent.core.crd;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.core.validation.FieldError;
import java.util.List;

/**
 * The per-version parts of a CustomResourceDefinition as Kubernetes checks them: deprecation
 * warnings, the scale subresource's paths and the printer columns ({@code
 * ValidateCustomResourceDefinitionSubresources}, {@code ValidateCustomResourceColumnDefinition}).
 *
 * <p>Each check takes the path it reports under, because Kubernetes reports a part that is the
 * same in every version once, at the top ({@code spec.subresources}, {@code
 * spec.additionalPrinterColumns[0]}), as its internal form holds it; see {@link CrdRules}.
 */
final class CrdVersionRules {

  /** Kubernetes lists both sets sorted, as {@code sets.String.List()} does. */
  static final String COLUMN_TYPES = "boolean,date,integer,number,string";
  static final String COLUMN_FORMATS = "byte,date,date-time,double,float,int32,int64,password";
  private static final List<String> TYPES = List.of(COLUMN_TYPES.split(","));
  private static final List<String> FORMATS = List.of(COLUMN_FORMATS.split(","));
  private static final int MAX_DEPRECATION_WARNING = 256;

  private CrdVersionRules() {}

  /** A version's deprecation warning: only on deprecated versions, 1 to 256 characters. */
  static void deprecation(JsonNode version, String path, List<FieldError> errors) {
    JsonNode warning = version.path("deprecationWarning");
    if (warning.isMissingNode() || warning.isNull()) {
      return;
    }
    String text = warning.asText();
    String at = path + ".deprecationWarning";
    if (!version.path("deprecated").asBoolean(false)) {
      errors.add(FieldError.invalid(at, text, "can only be set for deprecated versions"));
      return;
    }
    if (text.length() > MAX_DEPRECATION_WARNING) {
      errors.add(FieldError.invalid(at, text, "must be <= 256 characters long"));
    }
    if (text.isEmpty()) {
      errors.add(FieldError.invalid(at, text, "must not be an empty string"));
    }
    // Go reports the byte index of the first rune that is not printable; control characters are
    // the ones that matter here, and they are one byte each.
    byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (int i = 0; i < utf8.length; i++) {
      if ((utf8[i] >= 0 && utf8[i] < 0x20) || utf8[i] == 0x7f) {
        errors.add(FieldError.invalid(at, text, "must only contain printable UTF-8 characters;"
            + " non-printable character found at index " + i));
        break;
      }
    }
  }

  /** {@code subresources} reported under {@code path}: the scale subresource's three paths. */
  static void subresources(JsonNode subresources, String path, List<FieldError> errors) {
    JsonNode scale = subresources.path("scale");
    if (!scale.isObject()) {
      return;
    }
    replicasPath(scale, "specReplicasPath", ".spec.", "should be a json path under .spec",
        path, errors);
    replicasPath(scale, "statusReplicasPath", ".status.", "should be a json path under .status",
        path, errors);
    String selector = scale.path("labelSelectorPath").asText("");
    if (!selector.isEmpty()) {
      String at = path + ".scale.labelSelectorPath";
      if (!simpleJsonPath(selector, at, errors)
          && !selector.startsWith(".spec.") && !selector.startsWith(".status.")) {
        errors.add(FieldError.invalid(at, selector,
            "should be a json path under either .spec or .status"));
      }
    }
  }

  private static void replicasPath(JsonNode scale, String field, String prefix, String outside,
      String path, List<FieldError> errors) {
    String value = scale.path(field).asText("");
    String at = path + ".scale." + field;
    if (value.isEmpty()) {
      errors.add(FieldError.required(at, ""));
    } else if (!simpleJsonPath(value, at, errors) && !value.startsWith(prefix)) {
      errors.add(FieldError.invalid(at, value, outside));
    }
  }

  /** {@code additionalPrinterColumns} reported as {@code path[i]}. */
  static void columns(JsonNode list, String path, List<FieldError> errors) {
    JsonNode columns = CrdRules.list(list);
    for (int i = 0; i < columns.size(); i++) {
      column(columns.get(i), path + "[" + i + "]", errors);
    }
  }

  private static void column(JsonNode column, String path, List<FieldError> errors) {
    if (column.path("name").asText("").isEmpty()) {
      errors.add(FieldError.required(path + ".name", ""));
    }
    String type = column.path("type").asText("");
    if (type.isEmpty()) {
      errors.add(FieldError.required(path + ".type", "must be one of " + COLUMN_TYPES));
    } else if (!TYPES.contains(type)) {
      errors.add(FieldError.invalid(path + ".type", type, "must be one of " + COLUMN_TYPES));
    }
    String format = column.path("format").asText("");
    if (!format.isEmpty() && !FORMATS.contains(format)) {
      errors.add(FieldError.invalid(path + ".format", format, "must be one of " + COLUMN_FORMATS));
    }
    // Kubernetes' internal field is JSONPath, and its errors name it so.
    String jsonPath = column.path("jsonPath").asText("");
    if (jsonPath.isEmpty()) {
      errors.add(FieldError.required(path + ".JSONPath", ""));
    } else {
      simpleJsonPath(jsonPath, path + ".JSONPath", errors);
    }
  }

  /**
   * Kubernetes' {@code validateSimpleJSONPath}: a path that starts with a dot. Whether it parses
   * is left to serving time, as in Kubernetes, which then drops the column. True when it added
   * an error.
   */
  private static boolean simpleJsonPath(String value, String at, List<FieldError> errors) {
    if (value.charAt(0) != '.') {
      errors.add(FieldError.invalid(at, value, "must be a simple json path starting with ."));
      return true;
    }
    return false;
  }
}
