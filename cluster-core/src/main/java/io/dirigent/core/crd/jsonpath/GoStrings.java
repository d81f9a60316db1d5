package io.dirigent.core.crd.jsonpath;

import io.dirigent.core.crd.schema.GoText;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The few pieces of Go's standard library that decide what a JSONPath column shows: {@code
 * strconv.Unquote} for quoted strings in a path, {@code fmt.Print} of a number, and {@code
 * json.Marshal} of an object or array (keys sorted, {@code <>&} escaped).
 */
final class GoStrings {

  private GoStrings() {}

  /** client-go's {@code UnquoteExtend}: Go's {@code strconv.Unquote}, single quotes allowed. */
  static String unquote(String quoted) throws JsonPathException {
    int n = quoted.length();
    char quote = n < 2 ? 0 : quoted.charAt(0);
    if ((quote != '"' && quote != '\'') || quoted.charAt(n - 1) != quote) {
      throw syntax(quoted);
    }
    String s = quoted.substring(1, n - 1);
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i++);
      if (c == quote || c == '\n') {
        throw syntax(quoted);
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (i >= s.length()) {
        throw syntax(quoted);
      }
      char e = s.charAt(i++);
      switch (e) {
        case 'a' -> out.append('\u0007');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'v' -> out.append('\u000b');
        case '\\' -> out.append('\\');
        case '\'', '"' -> {
          if (e != quote) {
            throw syntax(quoted);
          }
          out.append(e);
        }
        case 'x', 'u', 'U' -> {
          int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          if (i + digits > s.length()) {
            throw syntax(quoted);
          }
          int value = hex(s.substring(i, i + digits), quoted);
          i += digits;
          if (e == 'x') {
            out.append((char) value);
          } else if (!Character.isValidCodePoint(value) || (value >= 0xD800 && value < 0xE000)) {
            throw syntax(quoted);
          } else {
            out.appendCodePoint(value);
          }
        }
        default -> {
          if (i + 2 > s.length() || !s.substring(i - 1, i + 2).chars().allMatch(d -> d >= '0' && d <= '7')) {
            throw syntax(quoted);
          }
          int value = Integer.parseInt(s.substring(i - 1, i + 2), 8);
          if (value > 255) {
            throw syntax(quoted);
          }
          i += 2;
          out.append((char) value);
        }
      }
    }
    return out.toString();
  }

  /** Go's {@code json.Marshal} of decoded JSON: compact, object keys sorted, HTML-safe. */
  static String marshal(JsonNode value) {
    StringBuilder out = new StringBuilder();
    marshal(value, out);
    return out.toString();
  }

  private static void marshal(JsonNode value, StringBuilder out) {
    if (value.isObject()) {
      List<String> keys = new ArrayList<>();
      value.fieldNames().forEachRemaining(keys::add);
      keys.sort(null);
      out.append('{');
      for (int i = 0; i < keys.size(); i++) {
        out.append(i > 0 ? "," : "");
        string(keys.get(i), out);
        out.append(':');
        marshal(value.get(keys.get(i)), out);
      }
      out.append('}');
    } else if (value.isArray()) {
      out.append('[');
      Iterator<JsonNode> elements = value.elements();
      for (int i = 0; elements.hasNext(); i++) {
        out.append(i > 0 ? "," : "");
        marshal(elements.next(), out);
      }
      out.append(']');
    } else if (value.isTextual()) {
      string(value.asText(), out);
    } else if (value.isFloatingPointNumber()) {
      out.append(jsonFloat(value.asDouble()));
    } else {
      out.append(value.isNull() || value.isMissingNode() ? "null" : value.asText());
    }
  }

  /** encoding/json's float: plain digits, an exponent only below 1e-6 or from 1e21. */
  private static String jsonFloat(double value) {
    double magnitude = Math.abs(value);
    if (magnitude != 0 && (magnitude < 1e-6 || magnitude >= 1e21)) {
      return GoText.number(value).replaceFirst("e([-+])0(\\d)$", "e$1$2");
    }
    return new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
  }

  private static void string(String value, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
            out.append("\\u%04x".formatted((int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static int hex(String digits, String quoted) throws JsonPathException {
    if (!digits.chars().allMatch(d -> Character.digit(d, 16) >= 0 && d < 0x80)) {
      throw syntax(quoted);
    }
    return Integer.parseUnsignedInt(digits, 16);
  }

  private static JsonPathException syntax(String quoted) {
    return new JsonPathException("unquote string " + quoted + " error invalid syntax");
  }
}
