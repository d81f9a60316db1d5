package io.dirigent.cli;

import io.dirigent.cli.client.ApiClient;
import io.dirigent.cli.client.CliException;
import io.dirigent.cli.client.Kubeconfig;
import io.dirigent.core.api.ResourceRegistry;
import io.dirigent.core.api.ResourceType;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the API server is and which namespace to work in: what every client command takes. */
final class ClientOptions {

  /** Where {@code bin/dirigent up} writes the kubeconfig when no data directory is given. */
  static final Path DEFAULT_KUBECONFIG = Path.of(System.getProperty("user.home"), ".dirigent", "kubeconfig");

  @Option(names = "--kubeconfig", paramLabel = "FILE", description = "The kubeconfig to use (default: ~/.dirigent/kubeconfig).")
  Path kubeconfig;

  @Option(names = "--server", paramLabel = "URL", description = "The API server, overriding the kubeconfig's.")
  String server;

  @Option(names = {"-n", "--namespace"}, description = "The namespace (default: the kubeconfig context's, or default).")
  String namespace;

  private Kubeconfig config;

  ApiClient client() {
    return new ApiClient(server != null ? server : config().server());
  }

  String namespace() {
    if (namespace != null) {
      return namespace;
    }
    return server != null && kubeconfig == null ? "default" : config().namespace();
  }

  /** The resource a user names: plural, singular, short name or kind, any case. */
  static ResourceType resource(String name) {
    return ResourceRegistry.builtin().byAlias(name)
        .orElseThrow(() -> new CliException("the server doesn't have a resource type \"" + name + "\""));
  }

  private Kubeconfig config() {
    if (config == null) {
      Path file = kubeconfig != null ? kubeconfig : DEFAULT_KUBECONFIG;
      if (!Files.exists(file)) {
        throw new CliException("no kubeconfig at " + file + ": start a server with bin/dirigent up, or pass --server URL");
      }
      config = Kubeconfig.read(file);
    }
    return config;
  }
}
