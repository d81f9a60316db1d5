package io.dirigent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.cli.client.ApiClient;
import io.dirigent.core.api.KubeJson;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code dirigent create namespace NAME}. */
@Command(name = "namespace", aliases = "ns", description = "Create a namespace.")
final class CreateNamespaceCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ClientOptions options;

  @Parameters(paramLabel = "NAME")
  String name;

  @Override
  public Integer call() {
    ObjectNode namespace = KubeJson.MAPPER.createObjectNode().put("apiVersion", "v1").put("kind", "Namespace");
    namespace.putObject("metadata").put("name", name);
    options.client().send("POST", ApiClient.path(ClientOptions.resource("namespaces"), null, null), namespace);
    spec.commandLine().getOut().println("namespace/" + name + " created");
    return 0;
  }
}
