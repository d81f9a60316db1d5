package io.dirigent.core.crd.schema;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.core.validation.FieldError;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * kube-openapi's schema validator ({@code k8s.io/kube-openapi/pkg/validation/validate}) as the
 * apiextensions-apiserver runs it on custom objects, with its messages and its quirks: every
 * validator that applies to the value's kind runs (a type error does not stop an enum error), a
 * string stops at its first failed check, an object with too few or too many properties is not
 * looked into, and {@code required} is satisfied by a present null.
 *
 * <p>Names are kube-openapi's: a property below the root is {@code parent.child}, an item {@code
 * list[3]}. Errors become {@link FieldError}s as apiextensions' {@code
 * kubeOpenAPIResultToFieldErrors} makes them: a missing required field is {@code Required value}, a
 * value outside an enum {@code Unsupported value}, a too-long string {@code Too long}, and anything
 * else {@code Invalid value} with kube-openapi's sentence as the detail.
 */
final class ValueValidator {

  private static final String IN = "body";

  /** The outcome of one schema against one value; {@code matches} ranks failed alternatives. */
  private static final class Result {
    final List<FieldError> errors = new ArrayList<>();
    int matches;

    Result merge(Result other) {
      errors.addAll(other.errors);
      matches += other.matches;
      return this;
    }

    Result add(FieldError error) {
      errors.add(error);
      return this;
    }

    boolean valid() {
      return errors.isEmpty();
    }
  }

  /** Pattern reads left for this whole object, so many values cannot each spend a full budget. */
  private final BoundedMatch.Budget patternBudget = new BoundedMatch.Budget(BoundedMatch.OBJECT_BUDGET);

  private ValueValidator() {}

  static List<FieldError> validate(StructuralSchema schema, JsonNode value) {
    return new ValueValidator().validate(schema, "", value).errors;
  }

  private Result validate(StructuralSchema schema, String name, JsonNode value) {
    Result result = new Result();
    String format = Formats.supported(schema.format);
    List<String> types = types(schema);
    if (value == null || value.isNull() || value.isMissingNode()) {
      if (!types.isEmpty() && !schema.nullable) {
        result.add(invalidType(name, String.join(",", types), "null"));
      }
      return result.merge(checkEnum(schema, name, null));
    }
    if (!types.isEmpty() || !format.isEmpty()) {
      result.merge(checkType(types, format, name, value));
      result.matches++;
    }
    result.merge(checkCombinations(schema, name, value));
    result.matches++;
    if (value.isTextual()) {
      result.merge(checkString(schema, name, value.textValue()));
      result.matches++;
      if (!format.isEmpty()) {
        if (!Formats.valid(format, value.textValue())) {
          result.add(invalidType(name, format, value.textValue()));
        }
        result.matches++;
      }
    }
    if (value.isNumber()) {
      result.merge(checkNumber(schema, name, value));
      result.matches++;
    }
    if (value.isArray()) {
      result.merge(checkArray(schema, name, value));
      result.matches++;
    }
    result.merge(checkEnum(schema, name, value));
    result.matches++;
    if (value.isObject()) {
      result.merge(checkObject(schema, name, value));
      result.matches++;
    }
    result.matches++;
    return result;
  }

  private static List<String> types(StructuralSchema schema) {
    if (schema.intOrString) {
      return List.of("integer", "string");
    }
    return schema.type.isEmpty() ? List.of() : List.of(schema.type);
  }

  /** kube-openapi's typeValidator: what JSON type the value is, and whether the schema allows it. */
  private Result checkType(List<String> types, String format, String name, JsonNode value) {
    Result result = new Result();
    String actual = jsonType(value);
    boolean floatInt = actual.equals("number") && isWhole(value) && types.contains("integer");
    boolean intFloat = actual.equals("integer") && types.contains("number");
    boolean stringOrArray = value.isTextual() || value.isArray();
    String actualFormat = actual.equals("integer") ? "int64" : actual.equals("number") ? "float64" : "";
    if (!stringOrArray && !format.isEmpty()
        && !(types.contains(actual) || format.equals(actualFormat) || floatInt || intFloat)) {
      return result.add(invalidType(name, format, actualFormat));
    }
    if (!(types.contains("number") || types.contains("integer")) && !format.isEmpty() && stringOrArray) {
      return result;
    }
    if (!(types.contains(actual) || floatInt || intFloat)) {
      result.add(invalidType(name, String.join(",", types), actual));
    }
    return result;
  }

  static String jsonType(JsonNode value) {
    if (value.isTextual()) {
      return "string";
    } else if (value.isBoolean()) {
      return "boolean";
    } else if (value.isIntegralNumber() && value.canConvertToLong()) {
      // Go decodes an integer beyond int64 as a float64, which is a number.
      return "integer";
    } else if (value.isNumber()) {
      return "number";
    } else if (value.isArray()) {
      return "array";
    } else if (value.isObject()) {
      return "object";
    }
    return "null";
  }

  /** swag's {@code IsFloat64AJSONInteger}: whole, and within the 2^53 a float64 holds exactly. */
  private static boolean isWhole(JsonNode value) {
    double number = value.doubleValue();
    return !Double.isInfinite(number) && number == Math.rint(number) && Math.abs(number) <= 0x1p53;
  }

  /** allOf, anyOf, oneOf and not, each judged against the same value at the same name. */
  private Result checkCombinations(StructuralSchema schema, String name, JsonNode value) {
    Result result = new Result();
    if (!schema.anyOf.isEmpty()) {
      Result best = null;
      Result firstSuccess = null;
      for (StructuralSchema alternative : schema.anyOf) {
        Result tried = validate(alternative, name, value);
        if (tried.valid()) {
          firstSuccess = tried;
          best = null;
          break;
        }
        if (best == null || tried.matches > best.matches) {
          best = tried;
        }
      }
      if (firstSuccess == null) {
        result.add(composite(name, "%s must validate at least one schema (anyOf)".formatted(GoText.quote(name))));
      }
      result.merge(best != null ? best : firstSuccess);
    }
    if (!schema.oneOf.isEmpty()) {
      Result best = null;
      Result firstSuccess = null;
      int validated = 0;
      for (StructuralSchema alternative : schema.oneOf) {
        Result tried = validate(alternative, name, value);
        if (tried.valid()) {
          validated++;
          best = null;
          firstSuccess = firstSuccess == null ? tried : firstSuccess;
        } else if (validated == 0 && (best == null || tried.matches > best.matches)) {
          best = tried;
        }
      }
      if (validated != 1) {
        String found = validated == 0 ? "Found none valid" : "Found %d valid alternatives".formatted(validated);
        result.add(composite(name, "%s must validate one and only one schema (oneOf). %s"
            .formatted(GoText.quote(name), found)));
        if (best != null) {
          result.merge(best);
        }
      } else {
        result.merge(firstSuccess);
      }
    }
    if (!schema.allOf.isEmpty()) {
      int validated = 0;
      for (StructuralSchema part : schema.allOf) {
        Result tried = validate(part, name, value);
        validated += tried.valid() ? 1 : 0;
        result.merge(tried);
      }
      if (validated != schema.allOf.size()) {
        result.add(composite(name, "%s must validate all the schemas (allOf)%s"
            .formatted(GoText.quote(name), validated == 0 ? ". None validated" : "")));
      }
    }
    if (schema.not != null && validate(schema.not, name, value).valid()) {
      result.add(composite(name, "%s must not validate the schema (not)".formatted(GoText.quote(name))));
    }
    return result;
  }

  /** kube-openapi's stringValidator: the first of maxLength, minLength and pattern that fails. */
  private Result checkString(StructuralSchema schema, String name, String text) {
    Result result = new Result();
    long length = text.codePointCount(0, text.length());
    if (schema.maxLength != null && length > schema.maxLength) {
      return result.add(FieldError.tooLong(field(name), (int) Math.min(schema.maxLength, Integer.MAX_VALUE)));
    }
    if (schema.minLength != null && length < schema.minLength) {
      return result.add(FieldError.invalid(field(name), text,
          "%s in %s should be at least %d chars long".formatted(name, IN, schema.minLength)));
    }
    if (!schema.pattern.isEmpty()) {
      if (schema.compiledPattern == null) {
        return result.add(FieldError.invalid(field(name), text, "%s in %s should match '%s, but pattern is invalid: %s'"
            .formatted(name, IN, schema.pattern, schema.patternError)));
      }
      switch (BoundedMatch.find(schema.compiledPattern, text, patternBudget)) {
        case MATCHED -> { }
        case UNMATCHED -> result.add(FieldError.invalid(field(name), text,
            "%s in %s should match '%s'".formatted(name, IN, schema.pattern)));
        case GAVE_UP -> result.add(FieldError.invalid(field(name), text,
            "%s in %s should match '%s', but matching gave up after too many steps".formatted(name, IN, schema.pattern)));
      }
    }
    return result;
  }

  /** kube-openapi's numberValidator: multipleOf, maximum and minimum, each reported. */
  private Result checkNumber(StructuralSchema schema, String name, JsonNode value) {
    Result result = new Result();
    boolean integral = value.isIntegralNumber() && value.canConvertToLong();
    String bad = GoText.number(value);
    if (schema.multipleOf != null) {
      double factor = schema.multipleOf;
      if (integral) {
        long whole = (long) factor;
        if (whole <= 0) {
          result.add(FieldError.invalid(field(name), Long.toString(whole),
              "factor MultipleOf declared for %s must be positive: %d".formatted(name, whole)));
        } else if (value.longValue() % whole != 0) {
          result.add(FieldError.invalid(field(name), bad,
              "%s in %s should be a multiple of %d".formatted(name, IN, whole)));
        }
      } else if (factor <= 0) {
        result.add(FieldError.invalid(field(name), GoText.number(factor),
            "factor MultipleOf declared for %s must be positive: %s".formatted(name, GoText.number(factor))));
      } else {
        double data = value.doubleValue();
        double multiple = factor < 1 ? 1 / factor * data : data / factor;
        if (!isJsonInteger(multiple)) {
          result.add(FieldError.invalid(field(name), bad,
              "%s in %s should be a multiple of %s".formatted(name, IN, GoText.number(factor))));
        }
      }
    }
    if (schema.maximum != null) {
      boolean exceeds = integral
          ? (schema.exclusiveMaximum ? value.longValue() >= (long) (double) schema.maximum : value.longValue() > (long) (double) schema.maximum)
          : (schema.exclusiveMaximum ? value.doubleValue() >= schema.maximum : value.doubleValue() > schema.maximum);
      if (exceeds) {
        String bound = integral ? Long.toString((long) (double) schema.maximum) : GoText.number(schema.maximum);
        result.add(FieldError.invalid(field(name), bad, "%s in %s should be less than %s%s"
            .formatted(name, IN, schema.exclusiveMaximum ? "" : "or equal to ", bound)));
      }
    }
    if (schema.minimum != null) {
      boolean below = integral
          ? (schema.exclusiveMinimum ? value.longValue() <= (long) (double) schema.minimum : value.longValue() < (long) (double) schema.minimum)
          : (schema.exclusiveMinimum ? value.doubleValue() <= schema.minimum : value.doubleValue() < schema.minimum);
      if (below) {
        String bound = integral ? Long.toString((long) (double) schema.minimum) : GoText.number(schema.minimum);
        result.add(FieldError.invalid(field(name), bad, "%s in %s should be greater than %s%s"
            .formatted(name, IN, schema.exclusiveMinimum ? "" : "or equal to ", bound)));
      }
    }
    return result;
  }

  /**
   * kube-openapi's schemaSliceValidator: each item, then minItems, maxItems and uniqueItems.
   * Kubernetes reports a too-long list as {@code Too many: 5: must have at most 3 items}; FieldError
   * has no such type, so it is an {@code Invalid value} with kube-openapi's sentence.
   */
  private Result checkArray(StructuralSchema schema, String name, JsonNode list) {
    Result result = new Result();
    if (schema.items != null) {
      for (int i = 0; i < list.size(); i++) {
        result.merge(validate(schema.items, name + "[" + i + "]", list.get(i)));
      }
    }
    int size = list.size();
    if (schema.minItems != null && size < schema.minItems) {
      result.add(FieldError.invalid(field(name), Integer.toString(size),
          "%s in %s should have at least %d items".formatted(name, IN, schema.minItems)));
    }
    if (schema.maxItems != null && size > schema.maxItems) {
      result.add(FieldError.invalid(field(name), Integer.toString(size),
          "%s in %s should have at most %d items".formatted(name, IN, schema.maxItems)));
    }
    if (schema.uniqueItems && hasDuplicates(list)) {
      result.add(FieldError.invalid(field(name), "", "%s in %s shouldn't contain duplicates".formatted(name, IN)));
    }
    return result;
  }

  private static boolean hasDuplicates(JsonNode list) {
    for (int i = 0; i < list.size(); i++) {
      for (int j = i + 1; j < list.size(); j++) {
        if (sameValue(list.get(i), list.get(j))) {
          return true;
        }
      }
    }
    return false;
  }

  /** kube-openapi's basicCommonValidator: a value outside the enum, or a null where one is set. */
  private Result checkEnum(StructuralSchema schema, String name, JsonNode value) {
    Result result = new Result();
    if (schema.enumValues.isEmpty()) {
      return result;
    }
    if (value != null && schema.enumValues.stream().anyMatch(allowed -> sameValue(allowed, value))) {
      return result;
    }
    List<String> supported = schema.enumValues.stream()
        .map(allowed -> allowed.isTextual() ? allowed.textValue() : allowed.toString())
        .toList();
    return result.add(FieldError.notSupported(field(name), GoText.badValue(value), supported));
  }

  /** kube-openapi's objectValidator. */
  private Result checkObject(StructuralSchema schema, String name, JsonNode object) {
    Result result = new Result();
    int size = object.size();
    if (schema.minProperties != null && size < schema.minProperties) {
      return result.add(FieldError.invalid(field(name), Integer.toString(size),
          "%s in %s should have at least %d properties".formatted(name, IN, schema.minProperties)));
    }
    if (schema.maxProperties != null && size > schema.maxProperties) {
      return result.add(FieldError.invalid(field(name), Integer.toString(size),
          "%s in %s should have at most %d properties".formatted(name, IN, schema.maxProperties)));
    }
    StructuralSchema.AdditionalProperties additional = schema.additionalProperties;
    for (Map.Entry<String, JsonNode> entry : object.properties()) {
      String key = entry.getKey();
      if (schema.properties.containsKey(key) || additional == null) {
        continue;
      }
      if (!additional.allows()) {
        result.add(FieldError.invalid(field(name), key,
            "%s.%s in %s is a forbidden property".formatted(name, key, IN)));
      } else if (additional.schema() != null) {
        result.merge(validate(additional.schema(), name + "." + key, entry.getValue()));
      }
    }
    schema.properties.forEach((key, property) -> {
      JsonNode value = object.get(key);
      if (value != null) {
        result.merge(validate(property, name.isEmpty() ? key : name + "." + key, value));
      }
    });
    for (String key : schema.required) {
      if (!object.has(key)) {
        result.add(FieldError.required(field(name + "." + key), ""));
      }
    }
    return result;
  }

  /** kube-openapi's InvalidType with a string value: {@code x in body must be of type t: "v"}. */
  private static FieldError invalidType(String name, String expected, String actual) {
    return FieldError.invalid(field(name), actual,
        "%s in %s must be of type %s: %s".formatted(name, IN, expected, GoText.quote(actual)));
  }

  /**
   * An allOf/anyOf/oneOf/not failure. Kubernetes reports these without a field ({@code <nil>}); the
   * value's own path is given here so that the cause points at the field.
   */
  private static FieldError composite(String name, String detail) {
    return FieldError.invalid(field(name), "", detail);
  }

  /** apiextensions trims kube-openapi's leading dot, e.g. {@code .spec} at the root. */
  private static String field(String name) {
    return name.startsWith(".") ? name.substring(1) : name;
  }

  /** JSON equality where 1 and 1.0 are the same number, as Go's decoding of both makes them. */
  static boolean sameValue(JsonNode a, JsonNode b) {
    return a.equals(NUMERIC, b);
  }

  private static final Comparator<JsonNode> NUMERIC = (x, y) -> {
    if (x.isNumber() && y.isNumber()) {
      return x.decimalValue().compareTo(y.decimalValue());
    }
    return x.equals(y) ? 0 : 1;
  };

  /** The largest whole number a float64 holds exactly, and JSON (ECMAScript) agrees on. */
  private static final double MAX_JSON_INTEGER = 9007199254740991.0;

  /**
   * go-openapi's {@code swag.IsFloat64AJSONInteger} as Kubernetes vendors it (swag v0.23), which
   * decides multipleOf for decimals: a whole number within 2^53, or one a float step above it by a
   * relative error under 1e-9. So 0.07 is a multiple of 0.01 (100 × 0.07 is 7.000000000000001),
   * while 0.29 is not (28.999999999999996): the tolerance looks only upward, as Go's uint64
   * conversion truncates, and not at all below zero, where that conversion wraps.
   */
  static boolean isJsonInteger(double f) {
    if (Double.isNaN(f) || Double.isInfinite(f) || Math.abs(f) > MAX_JSON_INTEGER) {
      return false;
    }
    if (f == Math.rint(f)) {
      return true;
    }
    double truncated = Math.floor(f);
    if (f < 0 || truncated == 0) {
      return false;
    }
    return (f - truncated) / (f + truncated) < 1e-9;
  }
}
