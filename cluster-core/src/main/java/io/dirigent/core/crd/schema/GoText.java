package io.dirigent.core.crd.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;

/**
 * How Go prints the values that appear inside Kubernetes' schema messages, so the detail of an
 * error reads as the API server's does: {@code %q} for paths, {@code %v} for numbers, and JSON
 * for a bad value that is not a string.
 */
public final class GoText {

  private GoText() {}

  /** Go's {@code %q} of a plain string: quoted, with quotes, backslashes and controls escaped. */
  static String quote(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append("\\x%02x".formatted((int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /**
   * Go's {@code %v} of a float64, which is strconv's shortest {@code 'g'}: {@code 10}, {@code 0.5},
   * and the exponent form once the decimal exponent is below -4 or at least 6 ({@code 1e+06},
   * {@code 1.5e-05}).
   */
  public static String number(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return Double.isNaN(value) ? "NaN" : (value > 0 ? "+Inf" : "-Inf");
    }
    if (value == 0) {
      return 1 / value < 0 ? "-0" : "0";
    }
    BigDecimal decimal = new BigDecimal(Double.toString(value)).stripTrailingZeros();
    double magnitude = Math.abs(value);
    int exponent = decimal.precision() - decimal.scale() - 1;
    if (magnitude != 0 && (exponent < -4 || exponent >= 6)) {
      String mantissa = decimal.movePointLeft(exponent).stripTrailingZeros().toPlainString();
      return mantissa + "e" + (exponent < 0 ? "-" : "+") + "%02d".formatted(Math.abs(exponent));
    }
    return decimal.toPlainString();
  }

  /** A JSON number as Go's unstructured decoding holds it: integers whole, others as float64. */
  public static String number(JsonNode value) {
    return value.isIntegralNumber() && value.canConvertToLong() ? Long.toString(value.longValue()) : number(value.doubleValue());
  }

  /**
   * The text a {@link io.dirigent.core.validation.FieldError} shows for a bad value: a string as
   * itself (the error quotes it), a number as Go prints it, anything else as compact JSON.
   */
  static String badValue(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return null;
    }
    if (value.isTextual()) {
      return value.textValue();
    }
    if (value.isNumber()) {
      return number(value);
    }
    return value.toString();
  }
}
