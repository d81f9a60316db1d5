package io.dirigent.cli;

import io.dirigent.cli.client.ApiClient;
import io.dirigent.cli.client.CliException;
import io.dirigent.cli.client.ClientTls;
import io.dirigent.cli.client.Kubeconfig;
import io.dirigent.core.api.ResourceRegistry;
import io.dirigent.core.api.ResourceType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every client command needs: the API server and the namespace, from the global flags
 * ({@link GlobalFlags}, wherever on the command line they were given) and the kubeconfig.
 */
// A mixin needs a picocli annotation; this one adds nothing to the command it is mixed into.
@Command
final class ClientOptions {

  /** Where {@code bin/dirigent up} writes the kubeconfig when no data directory is given. */
  static final Path DEFAULT_KUBECONFIG = Path.of(System.getProperty("user.home"), ".dirigent", "kubeconfig");

  @Spec(Spec.Target.MIXEE) CommandSpec command;

  private Kubeconfig config;

  ApiClient client() {
    GlobalFlags flags = flags();
    // --server alone needs no kubeconfig, but takes its certificates when there is one, as kubectl takes its context's.
    boolean serverAlone = flags.server != null && flags.kubeconfig == null && flags.context == null;
    String server = flags.server != null ? flags.server : config().server();
    Kubeconfig.Tls tls = serverAlone && !readable() ? Kubeconfig.Tls.NONE : config().tls();
    return new ApiClient(server, server.startsWith("https:") ? ClientTls.context(tls) : java.util.Optional.empty());
  }

  /** The cluster authority's certificate (PEM) the kubeconfig trusts, if it names one. */
  java.util.Optional<String> authority() {
    return java.util.Optional.ofNullable(config().tls().authority());
  }

  /** Whether the kubeconfig file the flags and environment name exists. */
  private boolean readable() {
    return Files.isRegularFile(kubeconfigFile(flags().kubeconfig, System.getenv("KUBECONFIG")));
  }

  String namespace() {
    GlobalFlags flags = flags();
    if (flags.namespace != null) {
      return flags.namespace;
    }
    return flags.server != null && flags.kubeconfig == null && flags.context == null ? "default" : config().namespace();
  }

  /** The resource a user names: plural, singular, short name or kind, any case. */
  static ResourceType resource(String name) {
    return ResourceRegistry.builtin().byAlias(name)
        .orElseThrow(() -> new CliException("the server doesn't have a resource type \"" + name + "\""));
  }

  /**
   * The kubeconfig file to read, as kubectl picks it: the flag, else the first existing file of
   * {@code $KUBECONFIG} (a list separated by ':'), else Dirigent's default.
   */
  static Path kubeconfigFile(Path flag, String environment) {
    if (flag != null) {
      return flag;
    }
    List<Path> listed = environment == null ? List.of()
        : Arrays.stream(environment.split(":")).filter(part -> !part.isBlank()).map(Path::of).toList();
    if (listed.isEmpty()) {
      return DEFAULT_KUBECONFIG;
    }
    return listed.stream().filter(Files::exists).findFirst().orElse(listed.get(0));
  }

  private GlobalFlags flags() {
    return ((Dirigent) command.root().userObject()).flags;
  }

  private Kubeconfig config() {
    if (config == null) {
      GlobalFlags flags = flags();
      Path file = kubeconfigFile(flags.kubeconfig, System.getenv("KUBECONFIG"));
      if (!Files.exists(file)) {
        throw new CliException("no kubeconfig at " + file + ": start a server with bin/dirigent up, or pass --server URL");
      }
      config = Kubeconfig.read(file, flags.context);
    }
    return config;
  }
}
