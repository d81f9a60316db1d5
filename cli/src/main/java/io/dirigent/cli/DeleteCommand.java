package io.dirigent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.cli.client.ApiClient;
import io.dirigent.cli.client.CliException;
import io.dirigent.core.api.ResourceType;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code dirigent delete}: objects by type and name, by label selector, or those in manifests. */
@Command(name = "delete", description = "Delete objects by name, label selector, or manifest.")
final class DeleteCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ClientOptions options;

  @Parameters(paramLabel = "TYPE [NAME...]", description = "The type, then the names (or -l).")
  List<String> arguments = new ArrayList<>();

  @Option(names = {"-f", "--filename"}, description = "Delete the objects in a file, a directory, or - (standard input).")
  List<String> files = new ArrayList<>();

  @Option(names = {"-l", "--selector"}, description = "Delete every object of the type that the label selector matches.")
  String selector;

  @Override
  public Integer call() {
    if (!files.isEmpty()) {
      if (!arguments.isEmpty() || selector != null) {
        throw new CliException("give either -f, or a type with names or -l, not both");
      }
      return CreateCommand.eachManifest(spec, options, files, (client, manifest, namespace) -> {
        client.send("DELETE", ApiClient.path(manifest.type(), namespace, manifest.name()), null);
        return "deleted";
      });
    }
    if (arguments.isEmpty()) {
      throw new CliException("name a type and objects, e.g. delete pod web-1, or use -l or -f");
    }
    ResourceType type = ClientOptions.resource(arguments.get(0));
    List<String> names = arguments.subList(1, arguments.size());
    if (names.isEmpty() == (selector == null)) {
      throw new CliException(names.isEmpty() ? "name the objects to delete, or select them with -l" : "give names or -l, not both");
    }
    ApiClient client = options.client();
    String namespace = options.namespace();
    PrintWriter out = spec.commandLine().getOut();
    String singular = type.singular() + (type.group().isEmpty() ? "" : "." + type.group());
    if (selector != null) {
      JsonNode deleted = client.send("DELETE", ApiClient.query(ApiClient.path(type, namespace, null), Map.of("labelSelector", selector)), null);
      if (deleted.path("items").isEmpty()) {
        spec.commandLine().getErr().println("No resources found");
      }
      deleted.path("items").forEach(item -> out.println(singular + " \"" + item.path("metadata").path("name").asText() + "\" deleted"));
      out.flush();
      return 0;
    }
    int failed = 0;
    for (String name : names) {
      try {
        client.send("DELETE", ApiClient.path(type, namespace, name), null);
        out.println(singular + " \"" + name + "\" deleted");
      } catch (CliException e) {
        failed++;
        spec.commandLine().getErr().println("error: " + e.getMessage());
      }
    }
    out.flush();
    return failed == 0 ? 0 : 1;
  }
}
