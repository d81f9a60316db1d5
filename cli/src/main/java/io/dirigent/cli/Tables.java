package io.dirigent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.core.api.ResourceType;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * kubectl's tables: the columns and cells come from {@link io.dirigent.compat.Tables}, the same
 * the API server answers kubectl with; wide columns only with {@code -o wide}.
 */
final class Tables {

  private Tables() {}

  static List<String> header(ResourceType type, boolean wide, boolean allNamespaces) {
    List<String> header = new ArrayList<>();
    if (allNamespaces && type.namespaced()) {
      header.add("NAMESPACE");
    }
    for (io.dirigent.compat.Tables.Column column : io.dirigent.compat.Tables.columns(type)) {
      if (wide || column.priority() == 0) {
        header.add(column.name().toUpperCase(Locale.ROOT));
      }
    }
    return header;
  }

  static List<String> row(ResourceType type, JsonNode object, boolean wide, boolean allNamespaces, Instant now) {
    List<String> row = new ArrayList<>();
    if (allNamespaces && type.namespaced()) {
      row.add(object.path("metadata").path("namespace").asText());
    }
    List<io.dirigent.compat.Tables.Column> columns = io.dirigent.compat.Tables.columns(type);
    List<Object> cells = io.dirigent.compat.Tables.cells(type, object, now);
    for (int i = 0; i < columns.size(); i++) {
      if (wide || columns.get(i).priority() == 0) {
        row.add(String.valueOf(cells.get(i)));
      }
    }
    return row;
  }

  /** Prints rows in columns three spaces apart, as kubectl does. */
  static void print(PrintWriter out, List<List<String>> rows) {
    int columns = rows.stream().mapToInt(List::size).max().orElse(0);
    int[] widths = new int[columns];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        line.append(row.get(i));
        if (i < row.size() - 1) {
          line.append(" ".repeat(widths[i] - row.get(i).length() + 3));
        }
      }
      out.println(line);
    }
    out.flush();
  }

  /** kubectl's short ages: 45s, 3m20s, 17m, 5h12m, 9h, 3d4h, 12d. */
  static String age(String timestamp, Instant now) {
    return io.dirigent.compat.Tables.age(timestamp, now);
  }
}
