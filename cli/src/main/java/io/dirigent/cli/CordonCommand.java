package io.dirigent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.cli.client.ApiClient;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceType;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code dirigent cordon NODE} and {@code uncordon NODE}: whether new pods may be scheduled there. */
final class CordonCommand {

  private CordonCommand() {}

  static int mark(CommandSpec spec, ClientOptions options, String node, boolean unschedulable) {
    ResourceType nodes = ClientOptions.resource("nodes");
    ObjectNode patch = KubeJson.MAPPER.createObjectNode();
    ObjectNode nodeSpec = patch.putObject("spec");
    if (unschedulable) {
      nodeSpec.put("unschedulable", true);
    } else {
      nodeSpec.putNull("unschedulable");
    }
    options.client().send("PATCH", ApiClient.path(nodes, null, node), patch, "application/merge-patch+json");
    spec.commandLine().getOut().println("node/" + node + (unschedulable ? " cordoned" : " uncordoned"));
    return 0;
  }

  /** What both commands take: the node. */
  abstract static class NodeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions options;

    @Parameters(paramLabel = "NODE")
    String node;

    abstract boolean unschedulable();

    @Override
    public Integer call() {
      return mark(spec, options, node, unschedulable());
    }
  }

  @Command(name = "cordon", description = "Mark a node unschedulable.")
  static final class Cordon extends NodeCommand {
    @Override
    boolean unschedulable() {
      return true;
    }
  }

  @Command(name = "uncordon", description = "Mark a node schedulable again.")
  static final class Uncordon extends NodeCommand {
    @Override
    boolean unschedulable() {
      return false;
    }
  }
}
