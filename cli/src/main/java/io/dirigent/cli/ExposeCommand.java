package io.dirigent.cli;

import com.fasterxml.jackson.databind.JsonNode;
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

/**
 * {@code dirigent expose deployment NAME --port=P}: a service selecting the workload's pods, named
 * after it.
 */
@Command(name = "expose", description = "Create a service for a deployment's or replica set's pods.")
final class ExposeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ClientOptions options;

  @Mixin ObjectArguments target;

  @Option(names = "--port", required = true, description = "The service's port.")
  int port;

  @Option(names = "--target-port", description = "The pods' port (default: --port).")
  Integer targetPort;

  @Option(names = "--type", description = "ClusterIP (default) or NodePort.")
  String type = "ClusterIP";

  @Option(names = "--name", description = "The service's name (default: the workload's).")
  String serviceName;

  @Override
  public Integer call() {
    if (!type.equals("ClusterIP") && !type.equals("NodePort")) {
      throw new CliException("unsupported service type \"" + type + "\": use ClusterIP or NodePort");
    }
    ResourceType workloads = target.type();
    if (!workloads.hasScale()) {
      throw new CliException("cannot expose " + workloads.resource() + ": expose a deployment or a replica set");
    }
    ApiClient client = options.client();
    String namespace = options.namespace();
    JsonNode workload = client.get(ApiClient.path(workloads, namespace, target.name));
    JsonNode labels = workload.path("spec").path("selector").path("matchLabels");
    if (!labels.isObject() || labels.isEmpty()) {
      throw new CliException(workloads.singular() + " " + target.name + " has no matchLabels selector to expose");
    }
    String service = serviceName != null ? serviceName : target.name;
    ObjectNode object = KubeJson.MAPPER.createObjectNode().put("apiVersion", "v1").put("kind", "Service");
    object.putObject("metadata").put("name", service);
    ObjectNode serviceSpec = object.putObject("spec").put("type", type);
    serviceSpec.set("selector", labels.deepCopy());
    serviceSpec.putArray("ports").addObject().put("protocol", "TCP").put("port", port).put("targetPort", targetPort != null ? targetPort : port);
    client.send("POST", ApiClient.path(ClientOptions.resource("services"), namespace, null), object);
    spec.commandLine().getOut().println("service/" + service + " exposed");
    return 0;
  }
}
