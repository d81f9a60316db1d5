package io.dirigent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.cli.Revisions.Revision;
import io.dirigent.cli.client.ApiClient;
import io.dirigent.cli.client.CliException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dirigent rollout history deployment/NAME [--revision=N]}: a Deployment's revisions with
 * their change causes, or one revision's pod template. (Every version of any object, with what
 * changed, is {@code dirigent history}.)
 */
@Command(name = "history", description = "Show a deployment's revisions, or one revision's pod template.")
final class RolloutHistoryCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ClientOptions options;

  @Parameters(paramLabel = "TYPE/NAME", description = "deployment/NAME (or: deployment NAME...).")
  List<String> arguments = new ArrayList<>();

  @Option(names = "--revision", description = "Show this revision's pod template.")
  long revision;

  @Override
  public Integer call() {
    ApiClient client = options.client();
    String namespace = options.namespace();
    PrintWriter out = spec.commandLine().getOut();
    for (Target target : RolloutCommand.targets(arguments, RolloutCommand.DEPLOYMENTS)) {
      JsonNode deployment = client.get(ApiClient.path(target.type(), namespace, target.name()));
      List<Revision> revisions = Revisions.of(client, namespace, deployment);
      if (revision > 0) {
        Revision shown = revisions.stream().filter(r -> r.number() == revision).findFirst()
            .orElseThrow(() -> new CliException("unable to find the specified revision"));
        out.println(target.label() + " with revision #" + revision);
        out.println("Pod Template:");
        GetCommand.render(shown.replicaSet().path("spec").path("template"), "yaml").lines()
            .filter(line -> !line.equals("---"))
            .forEach(line -> out.println("  " + line));
      } else {
        out.println(target.label() + " ");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("REVISION", "CHANGE-CAUSE"));
        revisions.forEach(r -> rows.add(List.of(Long.toString(r.number()), r.changeCause().isEmpty() ? "<none>" : r.changeCause())));
        Tables.print(out, rows);
      }
      out.println();
    }
    out.flush();
    return 0;
  }
}
