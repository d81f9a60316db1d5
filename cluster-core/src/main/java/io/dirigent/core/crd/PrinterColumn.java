package io.dirigent.core.crd;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One of a custom resource version's {@code additionalPrinterColumns}: a column kubectl shows for
 * the resource, whose cell is what {@code jsonPath} selects, shown as {@code type} says.
 *
 * @param name the column's header, e.g. {@code Replicas}
 * @param type one of {@code integer}, {@code number}, {@code string}, {@code boolean}, {@code date}
 * @param format an OpenAPI format hint such as {@code int64} or {@code date-time}; "" when unset
 * @param description what the column shows; "" when unset
 * @param priority 0 shows always, higher only with {@code -o wide}
 * @param jsonPath the simple JSONPath selecting the cell, e.g. {@code .spec.replicas}
 */
public record PrinterColumn(
    String name, String type, String format, String description, int priority, String jsonPath) {

  /**
   * Kubernetes' description of {@code metadata.creationTimestamp}, which its default Age column
   * carries.
   */
  public static final String CREATION_TIMESTAMP_DESCRIPTION =
      "CreationTimestamp is a timestamp representing the server time when this object was created."
          + " It is not guaranteed to be set in happens-before order across separate operations."
          + " Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\n"
          + "Populated by the system. Read-only. Null for lists. More info:"
          + " https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

  /** The column a version without printer columns is served with, as Kubernetes serves it. */
  public static final PrinterColumn AGE = new PrinterColumn(
      "Age", "date", "", CREATION_TIMESTAMP_DESCRIPTION, 0, ".metadata.creationTimestamp");

  public PrinterColumn {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(jsonPath, "jsonPath");
    format = format == null ? "" : format;
    description = description == null ? "" : description;
  }

  /**
   * The columns of one entry of a CRD's {@code spec.versions}, in order; a version that declares
   * none gets {@link #AGE} alone, as Kubernetes' {@code GetColumnsForVersion} serves it (the
   * Name column comes first in every table, and is not listed here).
   */
  public static List<PrinterColumn> of(JsonNode versionEntry) {
    List<PrinterColumn> columns = new ArrayList<>();
    for (JsonNode column : versionEntry.path("additionalPrinterColumns")) {
      columns.add(new PrinterColumn(
          column.path("name").asText(""),
          column.path("type").asText(""),
          column.path("format").asText(""),
          column.path("description").asText(""),
          column.path("priority").asInt(0),
          column.path("jsonPath").asText("")));
    }
    return columns.isEmpty() ? List.of(AGE) : List.copyOf(columns);
  }
}
