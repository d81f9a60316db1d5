package io.dirigent.core.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.dirigent.core.crd.schema.StructuralSchema;
import io.dirigent.core.validation.FieldError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CustomResourceDefinitions that big projects ship (cert-manager, prometheus-operator, Gateway API
 * and others, under {@code src/test/resources/crd-corpus}, sources in its README) are accepted:
 * Kubernetes takes every one of them, so a refusal here is a false one. Each definition is
 * defaulted as it arrives and validated as on create; each version's schema must compile, and an
 * object of each served version — the project's example where the corpus has one, otherwise the
 * least object, with an empty spec where the spec requires nothing — must pass after pruning and
 * defaulting.
 */
class CrdCorpusTest {

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final String CRD_KIND = "CustomResourceDefinition";

  /** A document of the corpus: the file it came from (relative to the corpus) and its content. */
  private record Document(String file, ObjectNode content) {
    String name() {
      return file + " " + content.path("metadata").path("name").asText();
    }
  }

  static Stream<Arguments> definitions() {
    return documents().stream()
        .filter(document -> document.content().path("kind").asText().equals(CRD_KIND))
        .map(document -> arguments(document.name(), document.content()));
  }

  static Stream<Arguments> examples() {
    List<Document> all = documents();
    List<ObjectNode> crds = all.stream().map(Document::content)
        .filter(content -> content.path("kind").asText().equals(CRD_KIND)).toList();
    return all.stream()
        .filter(document -> !document.content().path("kind").asText().equals(CRD_KIND))
        .map(document -> arguments(document.name(), document.content(), definitionOf(document.content(), crds)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("definitions")
  void theDefinitionIsAccepted(String name, ObjectNode crd) {
    ObjectNode defaulted = crd.deepCopy();
    CrdDefaults.apply(defaulted);
    List<FieldError> errors = CrdRules.validate(defaulted, null);
    assertThat(errors).as(() -> name + " refused:\n" + messages(errors)).isEmpty();
  }

  /**
   * Installed together, no two definitions of a group claim the same name, so each is established;
   * and applying a definition again unchanged (kubectl apply, a Helm upgrade) is an accepted update.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("definitions")
  void theDefinitionIsEstablishedAndMayBeAppliedAgain(String name, ObjectNode crd) {
    ObjectNode stored = defaulted(crd);
    List<ObjectNode> others = definitions()
        .map(arguments -> defaulted((ObjectNode) arguments.get()[1]))
        .filter(other -> !other.path("metadata").path("name").equals(stored.path("metadata").path("name")))
        .peek(other -> other.set("status", CrdNames.status(other, List.of(), Set.of(), Instant.EPOCH)))
        .toList();
    stored.set("status", CrdNames.status(stored, others, Set.of(), Instant.EPOCH));
    assertThat(CrdNames.isEstablished(stored)).as(() -> name + " " + stored.path("status")).isTrue();

    List<FieldError> errors = CrdRules.validate(defaulted(crd), stored);
    assertThat(errors).as(() -> name + " refused on update:\n" + messages(errors)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("definitions")
  void everyVersionsSchemaCompiles(String name, ObjectNode crd) {
    for (JsonNode version : crd.path("spec").path("versions")) {
      assertThatCode(() -> StructuralSchema.of(version.path("schema").path("openAPIV3Schema")))
          .as(name + " " + version.path("name").asText())
          .doesNotThrowAnyException();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("definitions")
  void theLeastObjectOfEachServedVersionIsValid(String name, ObjectNode crd) {
    JsonNode spec = crd.path("spec");
    for (JsonNode version : spec.path("versions")) {
      JsonNode schema = version.path("schema").path("openAPIV3Schema");
      if (!version.path("served").asBoolean() || !requiresNothingButSpec(schema)) {
        continue;
      }
      ObjectNode object = YAML.createObjectNode()
          .put("apiVersion", spec.path("group").asText() + "/" + version.path("name").asText())
          .put("kind", spec.path("names").path("kind").asText());
      object.putObject("metadata").put("name", "corpus-example");
      if (schema.path("properties").has("spec")) {
        object.putObject("spec");
      }
      List<FieldError> errors = admit(StructuralSchema.of(schema), object);
      assertThat(errors).as(() -> name + " " + version.path("name").asText() + " " + object + ":\n" + messages(errors))
          .isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void theProjectsExampleIsValid(String name, ObjectNode example, ObjectNode crd) {
    assertThat(crd).as(name + " has no definition in the corpus").isNotNull();
    String version = example.path("apiVersion").asText().substring(example.path("apiVersion").asText().indexOf('/') + 1);
    JsonNode schema = null;
    for (JsonNode candidate : crd.path("spec").path("versions")) {
      if (candidate.path("name").asText().equals(version)) {
        schema = candidate.path("schema").path("openAPIV3Schema");
      }
    }
    assertThat(schema).as(name + " names a version its definition lacks").isNotNull();
    ObjectNode object = example.deepCopy();
    List<FieldError> errors = admit(StructuralSchema.of(schema), object);
    assertThat(errors).as(() -> name + ":\n" + messages(errors)).isEmpty();
  }

  /**
   * The whole corpus validated in well under a second: the figure is printed, and the bound is
   * loose, for a shared machine, to catch only a blow-up (a schema walked once per path to it).
   */
  @Test
  void theWholeCorpusIsValidatedQuickly() {
    List<ObjectNode> crds = definitions().map(arguments -> (ObjectNode) arguments.get()[1]).toList();
    validateAll(crds); // warm up the JIT before measuring
    long start = System.nanoTime();
    String slowest = validateAll(crds);
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("CrdCorpusTest: %d definitions defaulted, validated and compiled in %d ms; the slowest, %s%n",
        crds.size(), millis, slowest);
    assertThat(millis).isLessThan(5_000);
  }

  /** Validates every definition and answers the slowest one's name and time in microseconds. */
  private static String validateAll(List<ObjectNode> crds) {
    String slowest = "";
    long slowestMicros = -1;
    for (ObjectNode crd : crds) {
      long start = System.nanoTime();
      ObjectNode defaulted = defaulted(crd);
      CrdRules.validate(defaulted, null);
      defaulted.path("spec").path("versions")
          .forEach(version -> StructuralSchema.of(version.path("schema").path("openAPIV3Schema")));
      long micros = (System.nanoTime() - start) / 1_000;
      if (micros > slowestMicros) {
        slowestMicros = micros;
        slowest = crd.path("metadata").path("name").asText();
      }
    }
    return slowest + " in " + slowestMicros + " µs";
  }

  private static ObjectNode defaulted(ObjectNode crd) {
    ObjectNode copy = crd.deepCopy();
    CrdDefaults.apply(copy);
    return copy;
  }

  /** What the API server does to a custom object before storing it: prune, default, validate. */
  private static List<FieldError> admit(StructuralSchema schema, ObjectNode object) {
    schema.prune(object);
    schema.applyDefaults(object);
    return schema.validate(object);
  }

  /**
   * Whether an object with only metadata and an empty spec can satisfy the schema's requirements:
   * the root requires nothing else, and every field the spec requires has a default.
   */
  private static boolean requiresNothingButSpec(JsonNode schema) {
    for (JsonNode required : schema.path("required")) {
      if (!List.of("metadata", "spec").contains(required.asText())) {
        return false;
      }
    }
    JsonNode spec = schema.path("properties").path("spec");
    for (JsonNode required : spec.path("required")) {
      if (!spec.path("properties").path(required.asText()).has("default")) {
        return false;
      }
    }
    return spec.path("oneOf").isEmpty() && spec.path("anyOf").isEmpty();
  }

  private static ObjectNode definitionOf(ObjectNode object, List<ObjectNode> crds) {
    String apiVersion = object.path("apiVersion").asText();
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    String kind = object.path("kind").asText();
    return crds.stream()
        .filter(crd -> crd.path("spec").path("group").asText().equals(group)
            && crd.path("spec").path("names").path("kind").asText().equals(kind))
        .findFirst().orElse(null);
  }

  private static String messages(List<FieldError> errors) {
    return errors.stream().map(FieldError::message).collect(Collectors.joining("\n"));
  }

  /** Every YAML document under the corpus directory, files in name order. */
  private static List<Document> documents() {
    try {
      Path corpus = Path.of(CrdCorpusTest.class.getResource("/crd-corpus").toURI());
      List<Path> files;
      try (Stream<Path> walk = Files.walk(corpus)) {
        files = walk.filter(path -> path.toString().endsWith(".yaml")).sorted().toList();
      }
      List<Document> documents = new ArrayList<>();
      for (Path file : files) {
        try (MappingIterator<JsonNode> each = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
          while (each.hasNext()) {
            JsonNode document = each.next();
            if (document != null && document.isObject()) {
              documents.add(new Document(corpus.relativize(file).toString(), (ObjectNode) document));
            }
          }
        }
      }
      return documents;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
