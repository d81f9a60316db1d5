package io.dirigent.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The part of a kubeconfig file (kubectl's format) the CLI reads: a context's server and
 * namespace.
 *
 * @param server the API server's base URL
 * @param namespace the context's namespace, or "default"
 */
public record Kubeconfig(String server, String namespace) {

  /** Reads the current context of {@code file}. */
  public static Kubeconfig read(Path file) {
    return read(file, null);
  }

  /** Reads context {@code contextName} of {@code file}, or its current context when that is null. */
  public static Kubeconfig read(Path file, String contextName) {
    JsonNode config;
    try {
      config = new YAMLMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new CliException("cannot read kubeconfig " + file + ": " + e.getMessage());
    }
    if (config == null) {
      throw new CliException("kubeconfig " + file + " is empty");
    }
    String current = contextName != null ? contextName : config.path("current-context").asText("");
    JsonNode context = named(config.path("contexts"), current).path("context");
    if (context.isMissingNode()) {
      throw new CliException(contextName != null
          ? "context \"" + contextName + "\" does not exist in kubeconfig " + file
          : "kubeconfig " + file + " has no context \"" + current + "\"");
    }
    String server = named(config.path("clusters"), context.path("cluster").asText("")).path("cluster").path("server").asText("");
    if (server.isEmpty()) {
      throw new CliException("kubeconfig " + file + " names no server for context \"" + current + "\"");
    }
    String namespace = context.path("namespace").asText("");
    return new Kubeconfig(server, namespace.isEmpty() ? "default" : namespace);
  }

  /** Writes a kubeconfig with one cluster, user and context named {@code name}. */
  public static void write(Path file, String name, String server) throws IOException {
    String yaml = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: %1$s
          cluster:
            server: %2$s
        users:
        - name: %1$s
          user: {}
        contexts:
        - name: %1$s
          context:
            cluster: %1$s
            user: %1$s
            namespace: default
        current-context: %1$s
        """.formatted(name, server);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, yaml, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static JsonNode named(JsonNode list, String name) {
    for (JsonNode entry : list) {
      if (entry.path("name").asText("").equals(name)) {
        return entry;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }
}
