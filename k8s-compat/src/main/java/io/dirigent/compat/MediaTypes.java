package io.dirigent.compat;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The parts of an Accept header's media ranges that Kubernetes clients negotiate with: the
 * {@code as}, {@code g} and {@code v} parameters that ask for a Table or aggregated discovery.
 */
final class MediaTypes {

  private MediaTypes() {}

  /** The parameters of one media range ({@code application/json;as=Table;v=v1}), names lower case. */
  static Map<String, String> parameters(String range) {
    Map<String, String> parameters = new HashMap<>();
    String[] parts = range.split(";");
    for (int i = 1; i < parts.length; i++) {
      int eq = parts[i].indexOf('=');
      if (eq > 0) {
        parameters.put(parts[i].substring(0, eq).trim().toLowerCase(Locale.ROOT), unquote(parts[i].substring(eq + 1).trim()));
      }
    }
    return parameters;
  }

  private static String unquote(String value) {
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
  }
}
