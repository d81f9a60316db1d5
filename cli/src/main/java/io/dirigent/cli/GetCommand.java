package io.dirigent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.dirigent.cli.client.ApiClient;
import io.dirigent.cli.client.CliException;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceType;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code dirigent get TYPE [NAME...]}: objects as a table, JSON, YAML or names; optionally watched. */
@Command(name = "get", description = "Show objects of one type.")
final class GetCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ClientOptions options;

  @Parameters(index = "0", paramLabel = "TYPE", description = "pods, deploy, svc, cm, ns, …")
  String typeName;

  @Parameters(index = "1..*", paramLabel = "NAME", description = "Objects to show (default: all).")
  List<String> names = new ArrayList<>();

  @Option(names = {"-o", "--output"}, description = "wide, json, yaml or name.")
  String output = "";

  @Option(names = {"-l", "--selector"}, description = "Label selector, e.g. app=web,tier!=db.")
  String selector;

  @Option(names = "--field-selector", description = "Field selector, e.g. status.phase=Running.")
  String fieldSelector;

  @Option(names = {"-A", "--all-namespaces"}, description = "Objects in every namespace.")
  boolean allNamespaces;

  @Option(names = {"-w", "--watch"}, description = "After listing, keep printing changes.")
  boolean watch;

  @Override
  public Integer call() {
    if (!List.of("", "wide", "json", "yaml", "name").contains(output)) {
      throw new CliException("unknown output format \"" + output + "\": use wide, json, yaml or name");
    }
    ResourceType type = ClientOptions.resource(typeName);
    ApiClient client = options.client();
    String namespace = allNamespaces ? null : options.namespace();
    PrintWriter out = spec.commandLine().getOut();
    List<JsonNode> items = new ArrayList<>();
    String version = "";
    if (names.isEmpty()) {
      Map<String, String> query = new LinkedHashMap<>();
      query.put("labelSelector", selector);
      query.put("fieldSelector", fieldSelector);
      JsonNode list = client.get(ApiClient.query(ApiClient.path(type, namespace, null), query));
      list.path("items").forEach(items::add);
      version = list.path("metadata").path("resourceVersion").asText("");
      if (!output.equals("json") && !output.equals("yaml") && items.isEmpty() && !watch) {
        spec.commandLine().getErr().println(namespace == null || !type.namespaced()
            ? "No resources found" : "No resources found in " + namespace + " namespace.");
        return 0;
      }
      print(type, items, true, true, out);
    } else {
      for (String name : names) {
        items.add(client.get(ApiClient.path(type, namespace == null ? options.namespace() : namespace, name)));
      }
      print(type, items, false, true, out);
    }
    if (watch) {
      Map<String, String> query = new LinkedHashMap<>();
      query.put("watch", "true");
      query.put("resourceVersion", version);
      query.put("labelSelector", selector);
      String fields = fieldSelector;
      if (names.size() == 1) {
        fields = (fields == null ? "" : fields + ",") + "metadata.name=" + names.get(0);
      }
      query.put("fieldSelector", fields);
      client.watch(ApiClient.query(ApiClient.path(type, namespace, null), query), event -> {
        if (!event.path("type").asText().equals("BOOKMARK")) {
          print(type, List.of(event.path("object")), false, false, out);
        }
      });
    }
    return 0;
  }

  private void print(ResourceType type, List<JsonNode> items, boolean asList, boolean header, PrintWriter out) {
    switch (output) {
      case "json", "yaml" -> {
        JsonNode document = items.size() == 1 && !asList ? items.get(0) : list(type, items);
        out.print(render(document, output));
        out.flush();
      }
      case "name" -> {
        items.forEach(item -> out.println(type.singular() + (type.group().isEmpty() ? "" : "." + type.group()) + "/" + item.path("metadata").path("name").asText()));
        out.flush();
      }
      default -> {
        boolean wide = output.equals("wide");
        Instant now = Instant.now();
        List<List<String>> rows = new ArrayList<>();
        if (header) {
          rows.add(Tables.header(type, wide, allNamespaces));
        }
        items.forEach(item -> rows.add(Tables.row(type, item, wide, allNamespaces, now)));
        Tables.print(out, rows);
      }
    }
  }

  private static ObjectNode list(ResourceType type, List<JsonNode> items) {
    ObjectNode list = KubeJson.MAPPER.createObjectNode().put("apiVersion", "v1").put("kind", "List");
    ArrayNode array = list.putArray("items");
    items.forEach(array::add);
    list.putObject("metadata");
    return list;
  }

  static String render(JsonNode document, String format) {
    try {
      return format.equals("yaml") ? new YAMLMapper().writeValueAsString(document)
          : KubeJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(document) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new CliException("cannot print the object: " + e.getMessage());
    }
  }
}
