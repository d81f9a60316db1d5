package io.dirigent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.cli.client.ApiClient;
import io.dirigent.core.api.KubeJson;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code dirigent apply -f}: creates the objects that do not exist and replaces the others with
 * the manifest (their status, which the manifest does not own, is kept by the server).
 */
@Command(name = "apply", description = "Create or update objects from files, directories or standard input.")
final class ApplyCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ClientOptions options;
  @Mixin ManifestOptions manifests;

  @Override
  public Integer call() {
    return CreateCommand.eachManifest(spec, options, manifests.files, (client, manifest, namespace) -> {
      String path = ApiClient.path(manifest.type(), namespace, manifest.name());
      JsonNode current = client.find(path);
      if (current == null) {
        client.send("POST", ApiClient.path(manifest.type(), namespace, null) + CreateCommand.STRICT, manifest.object());
        return "created";
      }
      ObjectNode desired = manifest.object().deepCopy();
      // Replace what the manifest says, on the version just read: a concurrent change is a conflict.
      KubeJson.metadata(desired).put("resourceVersion", KubeJson.meta(current, "resourceVersion"));
      JsonNode updated = client.send("PUT", path + CreateCommand.STRICT, desired);
      return KubeJson.meta(updated, "resourceVersion").equals(KubeJson.meta(current, "resourceVersion")) ? "unchanged" : "configured";
    });
  }
}
