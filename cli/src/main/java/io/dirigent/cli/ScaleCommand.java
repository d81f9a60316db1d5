package io.dirigent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.cli.client.ApiClient;
import io.dirigent.cli.client.CliException;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceType;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code dirigent scale TYPE NAME --replicas=N}: through the object's scale subresource. */
@Command(name = "scale", description = "Set the number of replicas of a deployment or replica set.")
final class ScaleCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ClientOptions options;

  @Mixin ObjectArguments target;

  @Option(names = "--replicas", required = true, description = "The number of replicas.")
  int replicas;

  @Override
  public Integer call() {
    ResourceType type = target.type();
    if (!type.hasScale()) {
      throw new CliException(type.resource() + " cannot be scaled");
    }
    if (replicas < 0) {
      throw new CliException("--replicas must not be negative");
    }
    ObjectNode patch = KubeJson.MAPPER.createObjectNode();
    patch.putObject("spec").put("replicas", replicas);
    options.client().send("PATCH", ApiClient.path(type, options.namespace(), target.name) + "/scale", patch, "application/merge-patch+json");
    spec.commandLine().getOut().println(type.singular() + "." + type.group() + "/" + target.name + " scaled");
    return 0;
  }
}
