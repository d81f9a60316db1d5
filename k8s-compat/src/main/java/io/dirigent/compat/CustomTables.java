package io.dirigent.compat;

import io.dirigent.core.crd.jsonpath.JsonPath;
import io.dirigent.core.crd.jsonpath.JsonPathException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.compat.Tables.Column;
import io.dirigent.compat.Tables.IncludeObject;
import io.dirigent.compat.Tables.Version;
import io.dirigent.core.crd.jsonpath.JsonPath;
import io.dirigent.core.crd.jsonpath.JsonPathException;
import io.dirigent.core.crd.PrinterColumn;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The tables of custom resources, as Kubernetes' CRD table convertor ({@code
 * apiextensions-apiserver/pkg/registry/customresource/tableconvertor}) makes them from a version's
 * printer columns: Name first, then the printer columns in order — no Age unless a column is one,
 * which is what {@link PrinterColumn#of} gives a version that declares none.
 *
 * <p>A cell is the first value its column's JSONPath selects, shown as the column's type says:
 * an integer as a Long (a decimal truncated), a number as a Double, a boolean as a Boolean, a
 * date as an age ({@code 5m}, {@code <invalid>} when unreadable), a string as client-go prints it
 * (objects and arrays as JSON). Nothing selected, a path that fails on this object, or a value of
 * another type gives a null cell, shown empty by kubectl. A column whose path does not parse ends
 * the table there, as in Kubernetes: it and the columns after it are left out.
 */
public final class CustomTables {

  /** Kubernetes' description of {@code metadata.name}, which its CRD tables' Name column carries. */
  static final String NAME_DESCRIPTION =
      "Name must be unique within a namespace. Is required when creating resources, although some"
          + " resources may allow a client to request the generation of an appropriate name"
          + " automatically. Name is primarily intended for creation idempotence and configuration"
          + " definition. Cannot be updated. More info:"
          + " https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
  private static final Column NAME = new Column("Name", "string", "name", 0, NAME_DESCRIPTION);

  private CustomTables() {}

  /** The columns of a custom resource's table: Name, then each printer column. */
  public static List<Column> columns(List<PrinterColumn> columns) {
    List<Column> table = new ArrayList<>();
    table.add(NAME);
    for (Parsed parsed : parse(columns)) {
      PrinterColumn column = parsed.column();
      String description = column.description().isEmpty()
          ? "Custom resource definition column (in JSONPath format): " + column.jsonPath()
          : column.description();
      table.add(new Column(column.name(), column.type(), column.format(), column.priority(), description));
    }
    return List.copyOf(table);
  }

  /**
   * One object's cells, in {@link #columns} order: its name, then a String, Long, Double, Boolean
   * or null per printer column.
   */
  public static List<Object> cells(List<PrinterColumn> columns, JsonNode object, Instant now) {
    return parsedCells(parse(columns), object, now);
  }

  private static List<Object> parsedCells(List<Parsed> columns, JsonNode object, Instant now) {
    List<Object> cells = new ArrayList<>();
    cells.add(object.path("metadata").path("name").asText(""));
    for (Parsed parsed : columns) {
      cells.add(cell(parsed, object, now));
    }
    return Collections.unmodifiableList(cells);
  }

  /** A Table of custom resources, as {@link Tables#table} makes one of built-in kinds. */
  public static ObjectNode table(List<PrinterColumn> columns, Version version, List<? extends JsonNode> objects,
      IncludeObject include, Instant now, String resourceVersion, String continueToken, long remaining) {
    List<Parsed> parsed = parse(columns);
    return Tables.table(columns(columns), object -> parsedCells(parsed, object, now), version, objects, include,
        resourceVersion, continueToken, remaining);
  }

  private static Object cell(Parsed parsed, JsonNode object, Instant now) {
    List<List<JsonNode>> results;
    try {
      results = parsed.path().findResults(object);
    } catch (JsonPathException e) {
      return null; // Kubernetes leaves the cell empty when the path fails on this object
    }
    if (results.isEmpty() || results.get(0).isEmpty()) {
      return null;
    }
    // Kubernetes shows the first value only, even when the path selects several.
    JsonNode value = results.get(0).get(0);
    String type = parsed.column().type();
    if (type.equals("string")) {
      return JsonPath.text(value);
    }
    if (value.isNull()) {
      return null;
    }
    return switch (type) {
      case "integer" -> value.isNumber() ? (Object) value.longValue() : null;
      case "number" -> value.isNumber() ? (Object) value.doubleValue() : null;
      case "boolean" -> value.isBoolean() ? (Object) value.booleanValue() : null;
      case "date" -> value.isTextual() ? date(value.asText(), now) : null;
      default -> null;
    };
  }

  /** Kubernetes reads a date as a query parameter: empty or "null" is the zero time, unknown. */
  private static String date(String timestamp, Instant now) {
    return Tables.age(timestamp.equals("null") ? "" : timestamp, now);
  }

  /** The columns up to the first whose path does not parse, each with its parsed path. */
  private static List<Parsed> parse(List<PrinterColumn> columns) {
    List<Parsed> parsed = new ArrayList<>();
    for (PrinterColumn column : columns) {
      try {
        parsed.add(new Parsed(column, JsonPath.printerColumn(column.jsonPath())));
      } catch (JsonPathException e) {
        break;
      }
    }
    return parsed;
  }

  private record Parsed(PrinterColumn column, JsonPath path) {}
}
