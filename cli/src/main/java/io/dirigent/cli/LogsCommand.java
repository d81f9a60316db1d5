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

/** {@code dirigent logs POD [-c CONTAINER] [-f] [--tail N] [-p] [--timestamps] [--since S]}: a container's log, streamed. */
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

  @Option(names = {"-p", "--previous"}, description = "The previous, terminated instance of the container.")
  boolean previous;

  @Option(names = "--timestamps", description = "Prefix each line with its time.")
  boolean timestamps;

  @Option(names = "--since", paramLabel = "SECONDS", description = "Only lines newer than this many seconds.")
  Long since;

  @Override
  public Integer call() {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("container", container);
    query.put("follow", follow ? "true" : null);
    query.put("tailLines", tail == null ? null : tail.toString());
    query.put("previous", previous ? "true" : null);
    query.put("timestamps", timestamps ? "true" : null);
    query.put("sinceSeconds", since == null ? null : since.toString());
    String path = ApiClient.query(ApiClient.path(ClientOptions.resource("pods"), options.namespace(), pod) + "/log", query);
    options.client().stream(path, spec.commandLine().getOut());
    return 0;
  }
}
