package io.dirigent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.cli.client.ApiClient;
import io.dirigent.cli.client.CliException;
import io.dirigent.core.api.KubeJson;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dirigent rollout}: manage the rollout of a Deployment or DaemonSet — {@code status},
 * {@code history}, {@code undo}, {@code restart}, {@code pause}, {@code resume}.
 */
@Command(name = "rollout", description = "Manage the rollout of a deployment or daemon set.",
    subcommands = {RolloutStatusCommand.class, RolloutHistoryCommand.class, RolloutUndoCommand.class,
        RolloutCommand.Restart.class, RolloutCommand.Pause.class, RolloutCommand.Resume.class})
final class RolloutCommand implements Runnable {

  /** The annotation whose change makes the controllers replace every pod (kubectl's). */
  static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

  /** What status and restart follow. */
  static final Set<String> WORKLOADS = Set.of("deployments.apps", "daemonsets.apps", "statefulsets.apps");

  /** What history, undo, pause and resume work on: DaemonSets keep no revisions here yet. */
  static final Set<String> DEPLOYMENTS = Set.of("deployments.apps");

  @Override
  public void run() {
    throw new CliException("name what to do: rollout status|history|undo|restart|pause|resume TYPE/NAME");
  }

  /** The objects a rollout subcommand names, each of one of {@code resources}. */
  static List<Target> targets(List<String> arguments, Set<String> resources) {
    List<Target> targets = Target.parse(arguments, null);
    for (Target target : targets) {
      if (!resources.contains(target.type().resource())) {
        throw new CliException("no rollout for " + target.type().resource() + ": rollouts are of " + String.join(" and ", resources.stream().sorted().toList()));
      }
    }
    return targets;
  }

  /** What restart, pause and resume share: objects named, one line each, exit 1 if any failed. */
  abstract static class EachTarget implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions options;

    @Parameters(paramLabel = "TYPE/NAME", description = "deployment/NAME, or: deployment NAME...")
    List<String> arguments = new ArrayList<>();

    abstract Set<String> resources();

    /** Acts on one object; answers the word printed after its name. */
    abstract String apply(ApiClient client, String path, JsonNode object);

    @Override
    public Integer call() {
      ApiClient client = options.client();
      return Target.forEach(spec, targets(arguments, resources()), target -> {
        String path = ApiClient.path(target.type(), options.namespace(), target.name());
        return apply(client, path, client.get(path));
      });
    }
  }

  @Command(name = "restart", description = "Replace every pod of a deployment or daemon set, as a rollout.")
  static final class Restart extends EachTarget {
    @Override
    Set<String> resources() {
      return WORKLOADS;
    }

    @Override
    String apply(ApiClient client, String path, JsonNode object) {
      if (object.path("spec").path("paused").asBoolean(false)) {
        throw new CliException("can't restart paused deployment (run rollout resume first)");
      }
      ObjectNode patch = KubeJson.MAPPER.createObjectNode();
      patch.putObject("spec").putObject("template").putObject("metadata").putObject("annotations")
          .put(RESTARTED_AT, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
      client.send("PATCH", path, patch, "application/strategic-merge-patch+json");
      return "restarted";
    }
  }

  @Command(name = "pause", description = "Stop a deployment's rollout where it is; changes wait until it is resumed.")
  static final class Pause extends EachTarget {
    @Override
    Set<String> resources() {
      return DEPLOYMENTS;
    }

    @Override
    String apply(ApiClient client, String path, JsonNode object) {
      return setPaused(client, path, object, true);
    }
  }

  @Command(name = "resume", description = "Resume a paused deployment's rollout.")
  static final class Resume extends EachTarget {
    @Override
    Set<String> resources() {
      return DEPLOYMENTS;
    }

    @Override
    String apply(ApiClient client, String path, JsonNode object) {
      return setPaused(client, path, object, false);
    }
  }

  private static String setPaused(ApiClient client, String path, JsonNode object, boolean paused) {
    if (object.path("spec").path("paused").asBoolean(false) == paused) {
      throw new CliException("deployments.apps \"%s\" is %s".formatted(KubeJson.meta(object, "name"), paused ? "already paused" : "not paused"));
    }
    ObjectNode patch = KubeJson.MAPPER.createObjectNode();
    ObjectNode spec = patch.putObject("spec");
    if (paused) {
      spec.put("paused", true);
    } else {
      spec.putNull("paused");
    }
    client.send("PATCH", path, patch, "application/merge-patch+json");
    return paused ? "paused" : "resumed";
  }
}
