package io.dirigent.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.compat.Tables.Column;
import io.dirigent.core.crd.PrinterColumn;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CustomTablesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  private static final ObjectNode CRON_TAB = json("""
      {'apiVersion':'stable.example.com/v1','kind':'CronTab',
       'metadata':{'name':'nightly','creationTimestamp':'2026-12-07T11:55:00Z'},
       'spec':{'replicas':3,'ratio':2.5,'ready':true,'image':'nginx','schedule':'',
               'ports':[{'port':80},{'port':443}]},
       'status':{'conditions':[{'type':'Synced','status':'False'},{'type':'Ready','status':'True'}]}}""");

  private static ObjectNode json(String text) {
    try {
      return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  private static PrinterColumn column(String type, String jsonPath) {
    return new PrinterColumn("C", type, "", "", 0, jsonPath);
  }

  @Test
  void putsTheNameFirstAndThePrinterColumnsAfterItWithoutAddingAge() {
    List<PrinterColumn> columns = List.of(
        new PrinterColumn("Replicas", "integer", "int32", "", 0, ".spec.replicas"),
        new PrinterColumn("Image", "string", "", "the image run", 1, ".spec.image"));
    assertThat(CustomTables.columns(columns)).containsExactly(
        new Column("Name", "string", "name", 0, CustomTables.NAME_DESCRIPTION),
        new Column("Replicas", "integer", "int32", 0, "Custom resource definition column (in JSONPath format): .spec.replicas"),
        new Column("Image", "string", "", 1, "the image run"));
  }

  @Test
  void aVersionWithoutColumnsShowsNameAndAge() {
    List<PrinterColumn> columns = PrinterColumn.of(json("{'name':'v1'}"));
    assertThat(CustomTables.columns(columns)).extracting(Column::name, Column::type)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("Name", "string"),
            org.assertj.core.groups.Tuple.tuple("Age", "date"));
    assertThat(CustomTables.cells(columns, CRON_TAB, NOW)).containsExactly("nightly", "5m");
  }

  @Test
  void aColumnWhosePathDoesNotParseEndsTheTableThereAsInKubernetes() {
    List<PrinterColumn> columns = List.of(column("integer", ".spec.replicas"),
        column("string", ".spec.ports["), column("string", ".spec.image"));
    assertThat(CustomTables.columns(columns)).hasSize(2);
    assertThat(CustomTables.cells(columns, CRON_TAB, NOW)).containsExactly("nightly", 3L);
  }

  static Stream<Arguments> cells() {
    return Stream.of(
        arguments("an integer is a Long", "integer", ".spec.replicas", 3L),
        arguments("a decimal in an integer column is truncated", "integer", ".spec.ratio", 2L),
        arguments("a string in an integer column is empty", "integer", ".spec.image", null),
        arguments("an integer in a number column is a Double", "number", ".spec.replicas", 3.0),
        arguments("a decimal is a Double", "number", ".spec.ratio", 2.5),
        arguments("a boolean is a Boolean", "boolean", ".spec.ready", true),
        arguments("a string in a boolean column is empty", "boolean", ".spec.image", null),
        arguments("a string is itself", "string", ".spec.image", "nginx"),
        arguments("an empty string stays empty", "string", ".spec.schedule", ""),
        arguments("a number in a string column is printed", "string", ".spec.replicas", "3"),
        arguments("an array in a string column is JSON", "string", ".spec.ports", "[{\"port\":80},{\"port\":443}]"),
        arguments("of several values only the first is shown", "string", ".spec.ports[*].port", "80"),
        arguments("a filter picks the condition", "string", ".status.conditions[?(@.type==\"Ready\")].status", "True"),
        arguments("a missing field is empty", "string", ".spec.missing", null),
        arguments("a path failing on this object is empty", "integer", ".spec.replicas[0]", null),
        arguments("a date is an age", "date", ".metadata.creationTimestamp", "5m"),
        arguments("an unreadable date is invalid", "date", ".spec.image", "<invalid>"),
        arguments("an empty date is unknown", "date", ".spec.schedule", "<unknown>"),
        arguments("a number in a date column is empty", "date", ".spec.replicas", null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cells")
  void formatsEachCellAsKubernetesTableConvertor(String sentence, String type, String path, Object cell) {
    assertThat(CustomTables.cells(List.of(column(type, path)), CRON_TAB, NOW))
        .isEqualTo(Arrays.asList("nightly", cell));
  }

  @Test
  void aTableCarriesDescriptionsAndTypedCells() {
    List<PrinterColumn> columns = List.of(column("integer", ".spec.replicas"), column("boolean", ".spec.ready"),
        column("number", ".spec.ratio"), column("string", ".spec.missing"));
    ObjectNode table = CustomTables.table(columns, Tables.Version.V1, List.of(CRON_TAB), Tables.IncludeObject.NONE,
        NOW, "42", null, -1);
    JsonNode definitions = table.path("columnDefinitions");
    assertThat(definitions.get(0).path("description").asText()).isEqualTo(CustomTables.NAME_DESCRIPTION);
    assertThat(definitions.get(1).path("description").asText())
        .isEqualTo("Custom resource definition column (in JSONPath format): .spec.replicas");
    assertThat(table.path("rows").get(0).toString()).isEqualTo("{\"cells\":[\"nightly\",3,true,2.5,null]}");
    assertThat(table.path("metadata")).isEqualTo(json("{'resourceVersion':'42'}"));
  }
}
