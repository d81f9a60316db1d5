package io.dirigent.core.crd.jsonpath;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A JSONPath filter's comparison, as client-go's forked Go template functions compare: both sides
 * must be the same basic kind (an integer never equals a decimal, {@code 1 == 1.0} is an error),
 * booleans only test for equality, and anything else — an object, an array, null — cannot be
 * compared at all.
 */
final class GoComparison {

  private enum Kind { BOOL, INT, FLOAT, STRING }

  private GoComparison() {}

  /** Whether {@code left operator right} holds; {@code operator} is one of == != < > <= >=. */
  static boolean compare(String operator, JsonNode left, JsonNode right) throws JsonPathException {
    return switch (operator) {
      case "==" -> equal(left, right);
      case "!=" -> !equal(left, right);
      case "<" -> less(left, right);
      case "<=" -> less(left, right) || equal(left, right);
      case ">" -> !(less(left, right) || equal(left, right));
      case ">=" -> !less(left, right);
      default -> throw new JsonPathException("unrecognized filter operator " + operator);
    };
  }

  private static boolean equal(JsonNode left, JsonNode right) throws JsonPathException {
    Kind kind = sameKind(left, right);
    return switch (kind) {
      case BOOL -> left.booleanValue() == right.booleanValue();
      case INT -> left.bigIntegerValue().equals(right.bigIntegerValue());
      case FLOAT -> left.doubleValue() == right.doubleValue();
      case STRING -> left.textValue().equals(right.textValue());
    };
  }

  private static boolean less(JsonNode left, JsonNode right) throws JsonPathException {
    Kind kind = sameKind(left, right);
    return switch (kind) {
      case BOOL -> throw new JsonPathException("invalid type for comparison");
      case INT -> left.bigIntegerValue().compareTo(right.bigIntegerValue()) < 0;
      case FLOAT -> left.doubleValue() < right.doubleValue();
      case STRING -> left.textValue().compareTo(right.textValue()) < 0;
    };
  }

  private static Kind sameKind(JsonNode left, JsonNode right) throws JsonPathException {
    Kind leftKind = kind(left);
    Kind rightKind = kind(right);
    if (leftKind != rightKind) {
      throw new JsonPathException("incompatible types for comparison");
    }
    return leftKind;
  }

  private static Kind kind(JsonNode value) throws JsonPathException {
    if (value.isBoolean()) {
      return Kind.BOOL;
    }
    if (value.isIntegralNumber()) {
      return Kind.INT;
    }
    if (value.isFloatingPointNumber()) {
      return Kind.FLOAT;
    }
    if (value.isTextual()) {
      return Kind.STRING;
    }
    throw new JsonPathException("invalid type for comparison");
  }
}
