package io.dirigent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.cli.client.ApiClient;
import io.dirigent.cli.client.CliException;
import io.dirigent.core.api.KubeJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dirigent set}: change one aspect of objects; so far {@code image}. */
@Command(name = "set", description = "Change one aspect of objects.", subcommands = SetCommand.Image.class)
final class SetCommand implements Runnable {

  @Override
  public void run() {
    throw new CliException("name what to set: set image TYPE/NAME CONTAINER=IMAGE...");
  }

  /**
   * {@code dirigent set image TYPE/NAME CONTAINER=IMAGE...}: the images of containers (init
   * containers too) of a pod or of a workload's pod template; {@code *=IMAGE} sets every
   * container's. One strategic merge patch per object, by container name.
   */
  @Command(name = "image", description = "Set the image of containers of pods, deployments, replica sets or daemon sets.")
  static final class Image implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions options;

    @Parameters(paramLabel = "TYPE/NAME... CONTAINER=IMAGE...", description = "The objects, then container=image pairs (* for every container).")
    List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() {
      List<String> objects = new ArrayList<>();
      Map<String, String> images = new LinkedHashMap<>();
      for (String argument : arguments) {
        int equals = argument.indexOf('=');
        if (equals < 0) {
          objects.add(argument);
        } else if (equals == 0 || equals == argument.length() - 1) {
          throw new CliException("invalid image update \"" + argument + "\": use CONTAINER=IMAGE");
        } else {
          images.put(argument.substring(0, equals), argument.substring(equals + 1));
        }
      }
      if (images.isEmpty()) {
        throw new CliException("at least one image update is required: CONTAINER=IMAGE");
      }
      ApiClient client = options.client();
      return Target.forEach(spec, Target.parse(objects, null), target -> {
        String path = ApiClient.path(target.type(), options.namespace(), target.name());
        client.send("PATCH", path, patch(client.get(path), images), "application/strategic-merge-patch+json");
        return "image updated";
      });
    }

    /** The patch that gives the named containers of {@code object} their new images. */
    static ObjectNode patch(JsonNode object, Map<String, String> images) {
      boolean pod = object.path("kind").asText().equals("Pod");
      JsonNode podSpec = pod ? object.path("spec") : object.path("spec").path("template").path("spec");
      if (!podSpec.path("containers").isArray()) {
        throw new CliException(object.path("kind").asText() + " \"" + KubeJson.name(object) + "\" has no pod template with containers");
      }
      ObjectNode patch = KubeJson.MAPPER.createObjectNode();
      ObjectNode patchSpec = pod ? patch.putObject("spec") : patch.putObject("spec").putObject("template").putObject("spec");
      List<String> found = new ArrayList<>();
      for (String field : List.of("initContainers", "containers")) {
        ArrayNode changed = KubeJson.MAPPER.createArrayNode();
        for (JsonNode container : podSpec.path(field)) {
          String name = container.path("name").asText();
          String image = images.containsKey(name) ? images.get(name) : images.get("*");
          if (image != null) {
            found.add(name);
            changed.addObject().put("name", name).put("image", image);
          }
        }
        if (!changed.isEmpty()) {
          patchSpec.set(field, changed);
        }
      }
      for (String name : images.keySet()) {
        if (!name.equals("*") && !found.contains(name)) {
          throw new CliException("unable to find container named \"" + name + "\"");
        }
      }
      return patch;
    }
  }
}
