package io.dirigent.cli;

import io.dirigent.cli.client.ApiClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code dirigent logs POD [-c CONTAINER] [-f] [--tail N]}: a container's log. */
@Command(name = "logs", description = "Print a pod's container log.")
final class LogsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ClientOptions options;

  @Parameters(paramLabel = "POD")
  String pod;

  @Option(names = {"-c", "--container"}, description = "The container (default: the pod's only one).")
  String container;

  @Option(names = {"-f", "--follow"}, description = "Keep printing as the log grows.")
  boolean follow;

  @Option(names = "--tail", description = "Only the last N lines.")
  Integer tail;

  @Override
  public Integer call() {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("container", container);
    query.put("follow", follow ? "true" : null);
    query.put("tailLines", tail == null ? null : tail.toString());
    String path = ApiClient.query(ApiClient.path(ClientOptions.resource("pods"), options.namespace(), pod) + "/log", query);
    spec.commandLine().getOut().print(options.client().text(path));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
