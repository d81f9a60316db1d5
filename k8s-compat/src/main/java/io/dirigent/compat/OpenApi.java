package io.dirigent.compat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceRegistry;
import io.dirigent.core.api.ResourceType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The OpenAPI v3 documents kubectl reads before {@code apply}, {@code create -f},
 * {@code replace} and {@code edit}: an index of group versions ({@code GET /openapi/v3}) and one
 * document per group version. What kubectl looks for is whether the PATCH operation of the
 * object's kind declares the {@code fieldValidation} query parameter: then it leaves validation
 * to the server (which Dirigent does, {@code fieldValidation=Strict}) instead of validating
 * against schemas of its own.
 *
 * <p>Each document also holds the schemas of its kinds and of every type they reach, named and
 * shaped as Kubernetes' are ({@link ModelSchemas} for built-in kinds, the definition's schema for
 * custom resources), which {@code kubectl explain} reads.
 *
 * <p>Each document's URL in the index carries a hash of its content, as Kubernetes' do, since
 * kubectl caches documents by URL.
 */
public final class OpenApi {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Documents by their path below {@code /openapi/v3/}: {@code api/v1}, {@code apis/apps/v1}. */
  private final Map<String, ObjectNode> documents = new LinkedHashMap<>();
  /** The built-in kinds' schemas of each document, by the same path. */
  private final Map<String, ModelSchemas> modelSchemas = new LinkedHashMap<>();
  private final ObjectNode index;

  public OpenApi(ResourceRegistry registry, String kubernetesVersion) {
    for (ResourceType type : registry.all().stream().flatMap(type -> type.servedVersions().stream()).toList()) {
      String path = (type.group().isEmpty() ? "api/" : "apis/") + type.apiVersion();
      ObjectNode document = documents.computeIfAbsent(path, p -> emptyDocument(kubernetesVersion));
      addPatchOperation((ObjectNode) document.path("paths"), type);
      ObjectNode schemas = (ObjectNode) document.path("components").path("schemas");
      if (type.isCustom()) {
        addCustomSchema(schemas, type);
      } else {
        modelSchemas.computeIfAbsent(path, p -> new ModelSchemas(KubeJson.MAPPER, schemas))
            .addKind(type.javaType(), type.group(), type.version(), type.kind());
      }
    }
    index = JsonNodeFactory.instance.objectNode();
    ObjectNode paths = index.putObject("paths");
    documents.forEach((path, document) ->
        paths.putObject(path).put("serverRelativeURL", "/openapi/v3/" + path + "?hash=" + hash(document)));
  }

  /** The class each built-in kind's schema, or a schema it reaches, was made from, by document path and schema name. */
  Map<String, Map<String, Class<?>>> schemaClasses() {
    Map<String, Map<String, Class<?>>> classes = new LinkedHashMap<>();
    modelSchemas.forEach((path, schemas) -> classes.put(path, schemas.classes()));
    return classes;
  }

  /** {@code GET /openapi/v3}. */
  public ObjectNode index() {
    return index;
  }

  /** {@code GET /openapi/v3/PATH}, e.g. {@code apis/apps/v1}; empty for a group version not served. */
  public Optional<ObjectNode> document(String path) {
    return Optional.ofNullable(documents.get(path));
  }

  private static ObjectNode emptyDocument(String kubernetesVersion) {
    ObjectNode document = JsonNodeFactory.instance.objectNode().put("openapi", "3.0.0");
    document.putObject("info").put("title", "Kubernetes").put("version", kubernetesVersion);
    document.putObject("paths");
    document.putObject("components").putObject("schemas");
    return document;
  }

  /** The object's path with its PATCH operation, which names the kind and the fieldValidation parameter. */
  private static void addPatchOperation(ObjectNode paths, ResourceType type) {
    String prefix = "/" + (type.group().isEmpty() ? "api/" : "apis/") + type.apiVersion();
    String path = prefix + (type.namespaced() ? "/namespaces/{namespace}/" : "/") + type.plural() + "/{name}";
    ObjectNode patch = paths.putObject(path).putObject("patch");
    patch.put("operationId", "patch" + (type.group().isEmpty() ? "Core" : capitalize(type.group().split("\\.")[0])) + capitalize(type.version())
        + (type.namespaced() ? "Namespaced" : "") + type.kind());
    patch.putObject("x-kubernetes-group-version-kind").put("group", type.group()).put("version", type.version()).put("kind", type.kind());
    patch.put("x-kubernetes-action", "patch");
    ArrayNode parameters = patch.putArray("parameters");
    for (String name : new String[] {"dryRun", "fieldManager", "fieldValidation", "force"}) {
      parameters.addObject().put("name", name).put("in", "query").put("description", "").putObject("schema").put("type", "string");
    }
    patch.putObject("responses").putObject("200").put("description", "OK");
  }

  /**
   * A custom resource's schema at its version, named as Kubernetes names it (the group reversed,
   * {@code com.example.v1.Widget}) with the kind it describes, as {@code kubectl explain} finds it.
   */
  private static void addCustomSchema(ObjectNode schemas, ResourceType type) {
    var version = type.custom().version(type.version()).orElseThrow();
    List<String> group = new java.util.ArrayList<>(List.of(type.group().split("\\.")));
    java.util.Collections.reverse(group);
    ObjectNode schema = version.schema() == null ? JsonNodeFactory.instance.objectNode().put("type", "object")
        .put("x-kubernetes-preserve-unknown-fields", true) : (ObjectNode) version.schema().deepCopy();
    schema.putArray("x-kubernetes-group-version-kind").addObject().put("group", type.group()).put("kind", type.kind()).put("version", type.version());
    schemas.set(String.join(".", group) + "." + type.version() + "." + type.kind(), schema);
  }

  private static String capitalize(String word) {
    return word.isEmpty() ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1);
  }

  private static String hash(ObjectNode document) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-512").digest(MAPPER.writeValueAsString(document).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().withUpperCase().formatHex(digest);
    } catch (NoSuchAlgorithmException | JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
