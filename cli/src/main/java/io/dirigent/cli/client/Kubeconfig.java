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
 * namespace, the authority its cluster's certificate comes from, and its user's client
 * certificate.
 *
 * @param server the API server's base URL
 * @param namespace the context's namespace, or "default"
 * @param tls the certificates, PEM; each part null when the kubeconfig has none
 */
public record Kubeconfig(String server, String namespace, Tls tls) {

  /** The TLS material of a context: its cluster's CA, and its user's certificate and key (PEM, or null). */
  public record Tls(String authority, String certificate, String key) {
    public static final Tls NONE = new Tls(null, null, null);
  }

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
    JsonNode cluster = named(config.path("clusters"), context.path("cluster").asText("")).path("cluster");
    JsonNode user = named(config.path("users"), context.path("user").asText("")).path("user");
    if (cluster.path("insecure-skip-tls-verify").asBoolean(false)) {
      throw new CliException("kubeconfig " + file + ": insecure-skip-tls-verify is not supported; give the cluster's certificate-authority");
    }
    Path base = file.toAbsolutePath().getParent();
    Tls tls = new Tls(pem(cluster, "certificate-authority", base), pem(user, "client-certificate", base), pem(user, "client-key", base));
    return new Kubeconfig(server, namespace.isEmpty() ? "default" : namespace, tls);
  }

  /** The PEM in {@code field}-data (base64), or in the file {@code field} names (relative to the kubeconfig); null without either. */
  private static String pem(JsonNode section, String field, Path base) {
    String data = section.path(field + "-data").asText("");
    if (!data.isEmpty()) {
      try {
        return new String(java.util.Base64.getDecoder().decode(data.strip()), StandardCharsets.US_ASCII);
      } catch (IllegalArgumentException e) {
        throw new CliException("kubeconfig: " + field + "-data is not base64");
      }
    }
    String path = section.path(field).asText("");
    if (path.isEmpty()) {
      return null;
    }
    try {
      return Files.readString(base.resolve(path), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new CliException("kubeconfig: cannot read " + field + " " + path + ": " + e.getMessage());
    }
  }

  /**
   * Writes a kubeconfig with one cluster, user and context named {@code name}; with {@code tls},
   * the cluster's CA and the user's certificate and key, as k3s writes its own. The file is
   * readable by its owner only: it holds a key.
   */
  public static void write(Path file, String name, String server, Tls tls) throws IOException {
    java.util.Base64.Encoder base64 = java.util.Base64.getEncoder();
    String cluster = tls.authority() == null ? "server: " + server
        : "server: %s\n    certificate-authority-data: %s".formatted(server, base64.encodeToString(tls.authority().getBytes(StandardCharsets.US_ASCII)));
    String user = tls.certificate() == null ? "{}"
        : "\n    client-certificate-data: %s\n    client-key-data: %s".formatted(
            base64.encodeToString(tls.certificate().getBytes(StandardCharsets.US_ASCII)), base64.encodeToString(tls.key().getBytes(StandardCharsets.US_ASCII)));
    String yaml = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: %1$s
          cluster:
            %2$s
        users:
        - name: %1$s
          user: %3$s
        contexts:
        - name: %1$s
          context:
            cluster: %1$s
            user: %1$s
            namespace: default
        current-context: %1$s
        """.formatted(name, cluster, user);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
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
