package io.dirigent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.dirigent.cli.client.CliException;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceRegistry;
import io.dirigent.core.api.ResourceType;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Objects from {@code -f} arguments: files, directories (their .yaml, .yml and .json files, in
 * name order) or {@code -} for standard input; YAML with several documents, JSON, and
 * {@code kind: List}.
 */
final class Manifests {

  /** One object from a manifest, with the resource it belongs to. */
  record Manifest(ResourceType type, ObjectNode object, String source) {
    String name() {
      return KubeJson.name(object);
    }

    /** {@code configmap/web}, as kubectl names objects in its messages. */
    String label() {
      return Target.label(type, name());
    }
  }

  private Manifests() {}

  static List<Manifest> read(List<String> arguments, InputStream stdin) {
    if (arguments.isEmpty()) {
      throw new CliException("no manifest given: use -f FILE, -f DIRECTORY or -f -");
    }
    List<Manifest> manifests = new ArrayList<>();
    for (String argument : arguments) {
      if (argument.equals("-")) {
        try {
          manifests.addAll(parse(new String(stdin.readAllBytes(), StandardCharsets.UTF_8), "standard input"));
        } catch (IOException e) {
          throw new CliException("cannot read standard input: " + e.getMessage());
        }
        continue;
      }
      Path path = Path.of(argument);
      if (Files.isDirectory(path)) {
        try (Stream<Path> files = Files.list(path)) {
          for (Path file : files.filter(Manifests::isManifest).sorted().toList()) {
            manifests.addAll(parse(readFile(file), file.toString()));
          }
        } catch (IOException e) {
          throw new CliException("cannot read directory " + path + ": " + e.getMessage());
        }
      } else {
        manifests.addAll(parse(readFile(path), path.toString()));
      }
    }
    return manifests;
  }

  private static boolean isManifest(Path file) {
    String name = file.getFileName().toString();
    return Files.isRegularFile(file) && (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"));
  }

  private static String readFile(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage()));
    }
  }

  private static List<Manifest> parse(String text, String source) {
    List<Manifest> manifests = new ArrayList<>();
    try (Reader reader = new StringReader(text);
        MappingIterator<JsonNode> documents = new YAMLMapper().readerFor(JsonNode.class).readValues(reader)) {
      while (documents.hasNextValue()) {
        JsonNode document = documents.nextValue();
        if (document == null || document.isNull() || document.isMissingNode() || document.isEmpty()) {
          continue;
        }
        if (document.path("kind").asText().equals("List")) {
          document.path("items").forEach(item -> manifests.add(manifest(item, source)));
        } else {
          manifests.add(manifest(document, source));
        }
      }
    } catch (IOException e) {
      throw new CliException(source + " is not valid YAML or JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    return manifests;
  }

  private static Manifest manifest(JsonNode document, String source) {
    if (!document.isObject()) {
      throw new CliException(source + ": a document is not an object");
    }
    String apiVersion = document.path("apiVersion").asText("");
    String kind = document.path("kind").asText("");
    if (apiVersion.isEmpty() || kind.isEmpty()) {
      throw new CliException(source + ": an object without apiVersion and kind");
    }
    ResourceType type = ResourceRegistry.builtin().byKind(apiVersion, kind)
        .orElseThrow(() -> new CliException(source + ": no resource for kind \"" + kind + "\" in version \"" + apiVersion + "\""));
    return new Manifest(type, (ObjectNode) document, source);
  }
}
