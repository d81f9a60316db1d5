package io.dirigent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.cli.client.ApiClient;
import io.dirigent.cli.client.CliException;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dirigent label} and {@code dirigent annotate}: set ({@code KEY=VALUE}) or remove
 * ({@code KEY-}) labels or annotations of objects named, or selected with {@code -l}, as kubectl
 * does. A key that has another value is changed only with {@code --overwrite}.
 */
final class LabelCommand {

  private LabelCommand() {}

  /** What the two commands share; they differ only in the metadata field and the words. */
  abstract static class Edit implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions options;

    @Parameters(paramLabel = "TYPE NAME... KEY=VALUE... KEY-...", description = "The objects (TYPE NAME..., or TYPE/NAME...), then the changes.")
    List<String> arguments = new ArrayList<>();

    @Option(names = "--overwrite", description = "Replace a value the key already has (without it, that is an error).")
    boolean overwrite;

    @Option(names = {"-l", "--selector"}, description = "Change every object of the type that the label selector matches.")
    String selector;

    @Option(names = "--all", description = "Change every object of the type in the namespace.")
    boolean all;

    @Option(names = "--resource-version", description = "Change only if the object is still at this resourceVersion.")
    String resourceVersion;

    /** {@code labels} or {@code annotations}. */
    abstract String field();

    /** {@code labeled} or {@code annotated}. */
    abstract String done();

    @Override
    public Integer call() {
      List<String> objects = new ArrayList<>();
      Map<String, String> changes = new LinkedHashMap<>();
      for (String argument : arguments) {
        int equals = argument.indexOf('=');
        if (equals >= 0) {
          if (equals == 0) {
            throw new CliException("invalid " + singular() + " spec: " + argument);
          }
          changes.put(argument.substring(0, equals), argument.substring(equals + 1));
        } else if (argument.endsWith("-") && !objects.isEmpty()) {
          changes.put(argument.substring(0, argument.length() - 1), null);
        } else {
          objects.add(argument);
        }
      }
      if (changes.isEmpty()) {
        throw new CliException("at least one " + singular() + " update is required");
      }
      ApiClient client = options.client();
      String namespace = options.namespace();
      return Target.forEach(spec, targets(client, namespace, objects),
          target -> change(client, ApiClient.path(target.type(), namespace, target.name()), changes));
    }

    private List<Target> targets(ApiClient client, String namespace, List<String> objects) {
      if (selector == null && !all) {
        return Target.parse(objects, null);
      }
      if (objects.size() != 1 || objects.get(0).contains("/")) {
        throw new CliException("with -l or --all, name only the type of the objects");
      }
      ResourceType type = ClientOptions.resource(objects.get(0));
      JsonNode list = client.get(ApiClient.query(ApiClient.path(type, namespace, null), Map.of("labelSelector", selector == null ? "" : selector)));
      List<Target> targets = new ArrayList<>();
      list.path("items").forEach(item -> targets.add(new Target(type, KubeJson.name(item))));
      if (targets.isEmpty()) {
        throw new CliException("no objects passed to " + spec.name());
      }
      return targets;
    }

    /** Applies the changes to one object; the word printed after its name. */
    private String change(ApiClient client, String path, Map<String, String> changes) {
      JsonNode current = client.get(path).path("metadata").path(field());
      ObjectNode values = KubeJson.MAPPER.createObjectNode();
      for (Map.Entry<String, String> change : changes.entrySet()) {
        String key = change.getKey();
        JsonNode existing = current.get(key);
        if (change.getValue() == null) {
          if (existing == null) {
            spec.commandLine().getErr().println(singular() + " \"" + key + "\" not found.");
          } else {
            values.putNull(key);
          }
        } else if (existing == null || !existing.asText().equals(change.getValue())) {
          if (existing != null && !overwrite) {
            throw new CliException("'%s' already has a value (%s), and --overwrite is false".formatted(key, existing.asText()));
          }
          values.put(key, change.getValue());
        }
      }
      if (values.isEmpty()) {
        return "not " + done();
      }
      ObjectNode patch = KubeJson.MAPPER.createObjectNode();
      ObjectNode metadata = patch.putObject("metadata");
      metadata.set(field(), values);
      if (resourceVersion != null) {
        metadata.put("resourceVersion", resourceVersion);
      }
      client.send("PATCH", path, patch, "application/merge-patch+json");
      return done();
    }

    private String singular() {
      return field().substring(0, field().length() - 1);
    }
  }

  @Command(name = "label", description = "Set (KEY=VALUE) or remove (KEY-) labels of objects.")
  static final class Label extends Edit {
    @Override
    String field() {
      return "labels";
    }

    @Override
    String done() {
      return "labeled";
    }
  }

  @Command(name = "annotate", description = "Set (KEY=VALUE) or remove (KEY-) annotations of objects.")
  static final class Annotate extends Edit {
    @Override
    String field() {
      return "annotations";
    }

    @Override
    String done() {
      return "annotated";
    }
  }
}
