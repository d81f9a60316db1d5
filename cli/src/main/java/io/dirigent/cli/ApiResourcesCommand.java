package io.dirigent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.cli.client.ApiClient;
import io.dirigent.cli.client.CliException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dirigent api-resources}: the resources the server serves, read from its discovery documents. */
@Command(name = "api-resources", description = "List the resource types the server serves.")
final class ApiResourcesCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ClientOptions options;

  @Option(names = "--namespaced", arity = "1", description = "true: only namespaced resources; false: only cluster-wide ones.")
  Boolean namespaced;

  @Option(names = "--api-group", description = "Only the resources of this API group (\"\" for the core group).")
  String apiGroup;

  @Option(names = {"-o", "--output"}, description = "wide (with verbs) or name.")
  String output = "";

  @Option(names = "--no-headers", description = "Leave out the header line.")
  boolean noHeaders;

  /** One served resource, as discovery describes it. */
  record Resource(String name, String group, String groupVersion, JsonNode description) {}

  @Override
  public Integer call() {
    if (!List.of("", "wide", "name").contains(output)) {
      throw new CliException("unknown output format \"" + output + "\": use wide or name");
    }
    List<Resource> resources = discover(options.client());
    PrintWriter out = spec.commandLine().getOut();
    if (output.equals("name")) {
      resources.forEach(r -> out.println(r.group().isEmpty() ? r.name() : r.name() + "." + r.group()));
      out.flush();
      return 0;
    }
    boolean wide = output.equals("wide");
    List<List<String>> rows = new ArrayList<>();
    if (!noHeaders) {
      rows.add(wide ? List.of("NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND", "VERBS")
          : List.of("NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"));
    }
    for (Resource resource : resources) {
      JsonNode d = resource.description();
      List<String> row = new ArrayList<>(List.of(resource.name(), join(d.path("shortNames"), ","), resource.groupVersion(),
          Boolean.toString(d.path("namespaced").asBoolean()), d.path("kind").asText()));
      if (wide) {
        row.add("[" + join(d.path("verbs"), " ") + "]");
      }
      rows.add(row);
    }
    Tables.print(out, rows);
    return 0;
  }

  /** Every top-level resource of the core group and of each group's preferred version, filtered by the flags. */
  private List<Resource> discover(ApiClient client) {
    List<Resource> resources = new ArrayList<>();
    add(resources, "", "v1", client.get("/api/v1"));
    for (JsonNode group : client.get("/apis").path("groups")) {
      String groupVersion = group.path("preferredVersion").path("groupVersion").asText();
      if (!groupVersion.isEmpty()) {
        add(resources, group.path("name").asText(), groupVersion, client.get("/apis/" + groupVersion));
      }
    }
    return resources;
  }

  private void add(List<Resource> resources, String group, String groupVersion, JsonNode list) {
    if (apiGroup != null && !apiGroup.equals(group)) {
      return;
    }
    List<Resource> found = new ArrayList<>();
    for (JsonNode resource : list.path("resources")) {
      String name = resource.path("name").asText();
      if (name.contains("/") || (namespaced != null && resource.path("namespaced").asBoolean() != namespaced)) {
        continue;
      }
      found.add(new Resource(name, group, groupVersion, resource));
    }
    found.sort(Comparator.comparing(Resource::name));
    resources.addAll(found);
  }

  private static String join(JsonNode array, String separator) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return String.join(separator, values);
  }
}
