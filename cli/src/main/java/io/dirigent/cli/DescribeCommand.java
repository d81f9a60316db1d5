package io.dirigent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.dirigent.cli.client.ApiClient;
import io.dirigent.cli.client.CliException;
import io.dirigent.core.api.ResourceType;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code dirigent describe TYPE NAME}: the object for reading, and the events about it. */
@Command(name = "describe", description = "Show an object in detail, with its events.")
final class DescribeCommand implements Callable<Integer> {

  private static final YAMLMapper YAML = YAMLMapper.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .build();

  @Spec CommandSpec spec;
  @Mixin ClientOptions options;

  @Mixin ObjectArguments target;

  @Override
  public Integer call() throws Exception {
    ResourceType type = target.type();
    ApiClient client = options.client();
    String namespace = type.namespaced() ? options.namespace() : null;
    JsonNode object = client.get(ApiClient.path(type, namespace, target.name));
    JsonNode metadata = object.path("metadata");
    PrintWriter out = spec.commandLine().getOut();
    out.println("Name:         " + metadata.path("name").asText());
    if (namespace != null) {
      out.println("Namespace:    " + namespace);
    }
    out.println("Kind:         " + type.kind());
    out.println("Labels:       " + pairs(metadata.path("labels")));
    out.println("Annotations:  " + pairs(metadata.path("annotations")));
    out.println("Created:      " + metadata.path("creationTimestamp").asText());
    out.println("Version:      " + metadata.path("resourceVersion").asText());
    if (metadata.hasNonNull("deletionTimestamp")) {
      out.println("Deleting:     since " + metadata.path("deletionTimestamp").asText());
    }
    for (String section : List.of("spec", "data", "status")) {
      JsonNode value = object.path(section);
      if (value.isObject() && !value.isEmpty()) {
        out.println(Character.toUpperCase(section.charAt(0)) + section.substring(1) + ":");
        YAML.writeValueAsString(value).lines().forEach(line -> out.println("  " + line));
      }
    }
    out.println("Events:       " + events(client, type, namespace));
    out.flush();
    return 0;
  }

  private String events(ApiClient client, ResourceType type, String namespace) {
    ResourceType events = ClientOptions.resource("events");
    String fields = "involvedObject.name=" + target.name + ",involvedObject.kind=" + type.kind();
    JsonNode list;
    try {
      list = client.get(ApiClient.query(ApiClient.path(events, namespace, null), Map.of("fieldSelector", fields)));
    } catch (CliException e) {
      return "<unavailable: " + e.getMessage() + ">";
    }
    if (list.path("items").isEmpty()) {
      return "<none>";
    }
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("  TYPE", "REASON", "AGE", "FROM", "MESSAGE"));
    Instant now = Instant.now();
    for (JsonNode event : list.path("items")) {
      String time = event.path("lastTimestamp").asText(event.path("metadata").path("creationTimestamp").asText(""));
      rows.add(List.of("  " + event.path("type").asText("Normal"), event.path("reason").asText(), Tables.age(time, now),
          event.path("source").path("component").asText(""), event.path("message").asText()));
    }
    java.io.StringWriter table = new java.io.StringWriter();
    Tables.print(new PrintWriter(table), rows);
    return "\n" + table.toString().stripTrailing();
  }

  private static String pairs(JsonNode map) {
    if (!(map instanceof ObjectNode) || map.isEmpty()) {
      return "<none>";
    }
    List<String> pairs = new ArrayList<>();
    map.fields().forEachRemaining(entry -> pairs.add(entry.getKey() + "=" + entry.getValue().asText()));
    return String.join(",", pairs);
  }
}
