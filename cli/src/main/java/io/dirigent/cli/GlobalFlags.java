package io.dirigent.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * kubectl's global flags: which cluster, as whom, in which namespace. They belong to the root
 * command and are inherited by every subcommand, so they may come before or after the command,
 * as with kubectl ({@code dirigent -n web get pods}, {@code dirigent get pods -n web}).
 */
final class GlobalFlags {

  @Option(names = "--kubeconfig", paramLabel = "FILE", scope = ScopeType.INHERIT,
      description = "The kubeconfig to use (default: $KUBECONFIG, else ~/.dirigent/kubeconfig).")
  Path kubeconfig;

  @Option(names = "--context", paramLabel = "NAME", scope = ScopeType.INHERIT,
      description = "The kubeconfig context to use (default: its current-context).")
  String context;

  @Option(names = "--server", paramLabel = "URL", scope = ScopeType.INHERIT,
      description = "The API server, overriding the kubeconfig's.")
  String server;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE", scope = ScopeType.INHERIT,
      description = "The namespace (default: the kubeconfig context's, or default).")
  String namespace;
}
