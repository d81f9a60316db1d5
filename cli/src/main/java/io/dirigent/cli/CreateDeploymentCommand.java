package io.dirigent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.cli.client.ApiClient;
import io.dirigent.core.api.KubeJson;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code dirigent create deployment NAME --image=IMAGE [--replicas=N]}: a deployment whose pods
 * run one container, labelled {@code app=NAME} as kubectl labels them.
 */
@Command(name = "deployment", aliases = "deploy", description = "Create a deployment running one image.")
final class CreateDeploymentCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ClientOptions options;

  @Parameters(paramLabel = "NAME")
  String name;

  @Option(names = "--image", required = true, description = "The container image.")
  String image;

  @Option(names = "--replicas", description = "How many pods (default: 1).")
  int replicas = 1;

  @Option(names = "--port", description = "The port the container listens on.")
  Integer port;

  @Override
  public Integer call() {
    ObjectNode deployment = KubeJson.MAPPER.createObjectNode().put("apiVersion", "apps/v1").put("kind", "Deployment");
    deployment.putObject("metadata").put("name", name).putObject("labels").put("app", name);
    ObjectNode deploymentSpec = deployment.putObject("spec").put("replicas", replicas);
    deploymentSpec.putObject("selector").putObject("matchLabels").put("app", name);
    ObjectNode template = deploymentSpec.putObject("template");
    template.putObject("metadata").putObject("labels").put("app", name);
    ObjectNode container = template.putObject("spec").putArray("containers").addObject()
        .put("name", containerName(image)).put("image", image);
    if (port != null) {
      container.putArray("ports").addObject().put("containerPort", port);
    }
    options.client().send("POST", ApiClient.path(ClientOptions.resource("deployments"), options.namespace(), null), deployment);
    spec.commandLine().getOut().println("deployment.apps/" + name + " created");
    return 0;
  }

  /** kubectl names the container after the image: its last path part, without tag or digest. */
  static String containerName(String image) {
    String last = image.substring(image.lastIndexOf('/') + 1);
    int end = last.indexOf('@') >= 0 ? last.indexOf('@') : last.indexOf(':') >= 0 ? last.indexOf(':') : last.length();
    String name = last.substring(0, end).toLowerCase().replaceAll("[^a-z0-9-]", "-");
    return name.isEmpty() ? "app" : name;
  }
}
