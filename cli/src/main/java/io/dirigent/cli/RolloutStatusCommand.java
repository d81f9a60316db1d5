package io.dirigent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.cli.RolloutProgress.Progress;
import io.dirigent.cli.client.ApiClient;
import io.dirigent.cli.client.CliException;
import io.dirigent.core.api.KubeJson;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
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
 * {@code dirigent rollout status TYPE/NAME}: follows a rollout until it is done, printing each step
 * as kubectl does, from a watch on the object.
 */
@Command(name = "status", description = "Show a rollout's progress, and wait until it is done.")
final class RolloutStatusCommand implements Callable<Integer> {

  /** Longest single watch; a longer wait opens another. */
  private static final long WATCH_SECONDS = 300;

  @Spec CommandSpec spec;
  @Mixin ClientOptions options;

  @Parameters(paramLabel = "TYPE/NAME", description = "deployment/NAME or daemonset/NAME (or: TYPE NAME).")
  List<String> arguments = new ArrayList<>();

  @Option(names = {"-w", "--watch"}, arity = "0..1", defaultValue = "true", fallbackValue = "true",
      description = "Wait until the rollout is done (default); --watch=false prints the status once.")
  boolean watch;

  @Option(names = "--timeout", converter = DurationConverter.class, defaultValue = "0s",
      description = "Give up after this long, e.g. 2m (default: 0, wait forever).")
  Duration timeout;

  @Option(names = "--revision", description = "Wait for this revision of a deployment (default: the latest).")
  Long revision;

  /** The last line printed: a step is printed once, however many changes it takes. */
  private String lastMessage;

  @Override
  public Integer call() {
    List<Target> targets = RolloutCommand.targets(arguments, RolloutCommand.WORKLOADS);
    if (targets.size() != 1) {
      throw new CliException("rollout status follows one object at a time");
    }
    Target target = targets.get(0);
    ApiClient client = options.client();
    String path = ApiClient.path(target.type(), options.namespace(), target.name());
    Instant deadline = timeout.isZero() ? null : Instant.now().plus(timeout);
    PrintWriter out = spec.commandLine().getOut();
    while (true) {
      JsonNode object = client.get(path);
      if (report(object, out)) {
        return 0;
      }
      if (!watch) {
        return 0;
      }
      long seconds = deadline == null ? WATCH_SECONDS : Math.min(WATCH_SECONDS, Duration.between(Instant.now(), deadline).toSeconds());
      if (seconds <= 0) {
        throw new CliException("timed out waiting for the condition");
      }
      Map<String, String> query = new LinkedHashMap<>();
      query.put("watch", "true");
      query.put("resourceVersion", KubeJson.meta(object, "resourceVersion"));
      query.put("fieldSelector", "metadata.name=" + target.name());
      query.put("timeoutSeconds", Long.toString(seconds));
      boolean done = client.watchUntil(ApiClient.query(ApiClient.path(target.type(), options.namespace(), null), query), event -> {
        if (event.path("type").asText().equals("DELETED")) {
          throw new CliException("object has been deleted");
        }
        return event.path("type").asText().equals("BOOKMARK") ? false : report(event.path("object"), out);
      });
      if (done) {
        return 0;
      }
    }
  }

  /** Prints the object's progress when it says something new; whether the rollout is done. */
  private boolean report(JsonNode object, PrintWriter out) {
    if (revision != null) {
      String current = object.path("metadata").path("annotations").path(Revisions.REVISION).asText("");
      if (!current.isEmpty() && Long.parseLong(current) != revision) {
        throw new CliException("desired revision (" + revision + ") is different from the running revision (" + current + ")");
      }
    }
    Progress progress = RolloutProgress.of(object);
    if (!progress.message().equals(lastMessage)) {
      out.println(progress.message());
      out.flush();
      lastMessage = progress.message();
    }
    return progress.done();
  }
}
