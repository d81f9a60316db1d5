package io.dirigent.cli;

import io.dirigent.cli.Manifests.Manifest;
import io.dirigent.cli.client.ApiClient;
import io.dirigent.cli.client.CliException;
import io.dirigent.core.api.KubeJson;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code dirigent create -f}: creates every object in the manifests. */
@Command(name = "create", description = "Create objects from files, directories or standard input.",
    subcommands = {CreateNamespaceCommand.class, CreateDeploymentCommand.class})
final class CreateCommand implements Callable<Integer> {

  /** Manifests are checked strictly, as kubectl does: a misspelt field is an error, not lost. */
  static final String STRICT = "?fieldValidation=Strict";

  @Spec CommandSpec spec;
  @Mixin ClientOptions options;
  @Mixin ManifestOptions manifests;

  @Override
  public Integer call() {
    return eachManifest(spec, options, manifests.files, (client, manifest, namespace) -> {
      client.send("POST", ApiClient.path(manifest.type(), namespace, null) + STRICT, manifest.object());
      return "created";
    });
  }

  /** What is done to one object; returns the word kubectl prints after its name. */
  interface Action {
    String apply(ApiClient client, Manifest manifest, String namespace);
  }

  /**
   * Runs {@code action} on every object, printing one line for each; an object that fails is
   * reported on its own line and the others still go ahead. Exit 1 if any failed.
   */
  static int eachManifest(CommandSpec spec, ClientOptions options, List<String> files, Action action) {
    List<Manifest> manifests = Manifests.read(files, System.in);
    ApiClient client = options.client();
    int failed = 0;
    for (Manifest manifest : manifests) {
      String namespace = KubeJson.namespace(manifest.object());
      if (namespace.isEmpty()) {
        namespace = options.namespace();
      }
      try {
        String done = action.apply(client, manifest, namespace);
        spec.commandLine().getOut().println(manifest.label() + " " + done);
      } catch (CliException e) {
        failed++;
        spec.commandLine().getErr().println("error: " + manifest.label() + ": " + e.getMessage());
      }
    }
    spec.commandLine().getOut().flush();
    return failed == 0 ? 0 : 1;
  }
}
