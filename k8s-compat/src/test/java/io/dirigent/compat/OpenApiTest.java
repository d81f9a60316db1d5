package io.dirigent.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.ResourceRegistry;
import io.dirigent.core.api.ResourceType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The documents as {@code kubectl explain} reads them: it takes the kind from the PATCH
 * operation's {@code x-kubernetes-group-version-kind}, finds the schema carrying the same tag,
 * and follows {@code $ref}s (directly or inside {@code allOf}, items and additionalProperties)
 * within the same document, field by field.
 */
class OpenApiTest {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtin();
  private static final OpenApi OPEN_API = new OpenApi(REGISTRY, "v1.32.0");

  @Test
  void aDeploymentsSchemaReachesThePodSpecThroughItsTemplate() {
    JsonNode document = document("apis/apps/v1");
    JsonNode template = field(document, kindSchema(document, "apps", "v1", "Deployment"), "spec", "template");
    assertThat(referenceOf(template)).isEqualTo("io.k8s.api.core.v1.PodTemplateSpec");
    JsonNode podSpec = field(document, template, "spec");
    assertThat(referenceOf(podSpec)).isEqualTo("io.k8s.api.core.v1.PodSpec");
    JsonNode containers = field(document, podSpec, "containers");
    assertThat(containers.path("type").asText()).isEqualTo("array");
    assertThat(referenceOf(containers.path("items"))).isEqualTo("io.k8s.api.core.v1.Container");
    assertThat(field(document, containers.path("items"), "image").path("type").asText()).isEqualTo("string");
    assertThat(field(document, podSpec, "terminationGracePeriodSeconds").path("format").asText()).isEqualTo("int64");
    assertThat(field(document, podSpec, "hostNetwork").path("type").asText()).isEqualTo("boolean");
  }

  @ParameterizedTest(name = "{0} {1}.{2} refers to {3}")
  @CsvSource(delimiter = '|', textBlock = """
      apis/apps/v1 | Deployment | metadata                     | io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta
      apis/apps/v1 | Deployment | spec.selector                | io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector
      apis/apps/v1 | Deployment | spec.strategy.rollingUpdate.maxSurge | io.k8s.apimachinery.pkg.util.intstr.IntOrString
      api/v1       | Service    | spec                         | io.k8s.api.core.v1.ServiceSpec
      api/v1       | Pod        | metadata.creationTimestamp   | io.k8s.apimachinery.pkg.apis.meta.v1.Time
      apis/batch/v1 | CronJob   | spec.jobTemplate.spec        | io.k8s.api.batch.v1.JobSpec
      apis/rbac.authorization.k8s.io/v1 | Role | rules         | io.k8s.api.rbac.v1.PolicyRule
      apis/apiregistration.k8s.io/v1 | APIService | spec      | io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIServiceSpec
      apis/apiextensions.k8s.io/v1 | CustomResourceDefinition | spec.versions | io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionVersion
      """)
  void fieldsReferToTheSchemasKubernetesNames(String path, String kind, String fieldPath, String expected) {
    JsonNode document = document(path);
    ResourceType type = REGISTRY.all().stream().filter(t -> t.kind().equals(kind)).findFirst().orElseThrow();
    JsonNode field = field(document, kindSchema(document, type.group(), type.version(), kind), fieldPath.split("\\."));
    JsonNode referring = field.path("type").asText().equals("array") ? field.path("items") : field;
    assertThat(referenceOf(referring)).isEqualTo(expected);
  }

  @Test
  void intOrStringTakesAnIntegerOrAStringAsKubernetesSays() {
    JsonNode document = document("api/v1");
    JsonNode ports = field(document, kindSchema(document, "", "v1", "Service"), "spec", "ports");
    JsonNode targetPort = resolve(document, field(document, ports.path("items"), "targetPort"));
    assertThat(targetPort.path("x-kubernetes-int-or-string").asBoolean()).isTrue();
    assertThat(targetPort.path("format").asText()).isEqualTo("int-or-string");
    assertThat(types(targetPort.path("oneOf"))).containsExactly("integer", "string");
  }

  @Test
  void mapsAreObjectsWithAdditionalProperties() {
    JsonNode document = document("api/v1");
    JsonNode pod = kindSchema(document, "", "v1", "Pod");
    JsonNode labels = field(document, pod, "metadata", "labels");
    assertThat(labels.path("type").asText()).isEqualTo("object");
    assertThat(labels.path("additionalProperties").path("type").asText()).isEqualTo("string");
    JsonNode containers = field(document, pod, "spec", "containers");
    JsonNode limits = field(document, containers.path("items"), "resources", "limits");
    assertThat(limits.path("type").asText()).isEqualTo("object");
    assertThat(referenceOf(limits.path("additionalProperties"))).isEqualTo("io.k8s.apimachinery.pkg.api.resource.Quantity");
    assertThat(types(resolve(document, limits.path("additionalProperties")).path("oneOf"))).containsExactly("string", "number");
  }

  @Test
  void timestampsAreDateTimeStrings() {
    JsonNode document = document("api/v1");
    JsonNode time = resolve(document, field(document, kindSchema(document, "", "v1", "Pod"), "metadata", "creationTimestamp"));
    assertThat(time.path("type").asText()).isEqualTo("string");
    assertThat(time.path("format").asText()).isEqualTo("date-time");
  }

  @Test
  void everyBuiltInKindHasOneSchemaTaggedWithTheKindItsPatchOperationNames() {
    for (ResourceType type : REGISTRY.all()) {
      JsonNode document = document((type.group().isEmpty() ? "api/" : "apis/") + type.apiVersion());
      String path = "/" + (type.group().isEmpty() ? "api/" : "apis/") + type.apiVersion()
          + (type.namespaced() ? "/namespaces/{namespace}/" : "/") + type.plural() + "/{name}";
      JsonNode operationKind = document.path("paths").path(path).path("patch").path("x-kubernetes-group-version-kind");
      List<String> tagged = new ArrayList<>();
      document.path("components").path("schemas").fields().forEachRemaining(schema -> {
        for (JsonNode tag : schema.getValue().path("x-kubernetes-group-version-kind")) {
          if (tag.equals(operationKind)) {
            tagged.add(schema.getKey());
          }
        }
      });
      assertThat(tagged).as(type.kind()).hasSize(1);
      assertThat(document.path("components").path("schemas").path(tagged.get(0)).path("properties").has("metadata")).as(type.kind()).isTrue();
    }
  }

  @Test
  void noTwoClassesShareASchemaName() {
    for (Map.Entry<String, Map<String, Class<?>>> document : OPEN_API.schemaClasses().entrySet()) {
      Set<Class<?>> classes = new HashSet<>(document.getValue().values());
      assertThat(classes).as(document.getKey()).hasSameSizeAs(document.getValue().values());
    }
  }

  @Test
  void everyReferenceResolvesInsideItsOwnDocument() {
    for (String path : OPEN_API.index().path("paths").properties().stream().map(Map.Entry::getKey).toList()) {
      JsonNode document = document(path);
      List<String> references = new ArrayList<>();
      collectReferences(document.path("components"), references);
      assertThat(references).as(path).isNotEmpty();
      for (String reference : references) {
        assertThat(reference).startsWith("#/components/schemas/");
        assertThat(document.path("components").path("schemas").has(reference.substring("#/components/schemas/".length()))).as(path + " " + reference).isTrue();
      }
    }
  }

  @Test
  void thePatchOperationStillDeclaresFieldValidation() {
    JsonNode patch = document("apis/apps/v1").path("paths").path("/apis/apps/v1/namespaces/{namespace}/deployments/{name}").path("patch");
    List<String> parameters = new ArrayList<>();
    patch.path("parameters").forEach(parameter -> parameters.add(parameter.path("name").asText()));
    assertThat(parameters).containsExactly("dryRun", "fieldManager", "fieldValidation", "force");
    assertThat(OPEN_API.index().path("paths").path("apis/apps/v1").path("serverRelativeURL").asText()).matches("/openapi/v3/apis/apps/v1\\?hash=[0-9A-F]{128}");
  }

  private static JsonNode document(String path) {
    return OPEN_API.document(path).orElseThrow(() -> new AssertionError("no document " + path));
  }

  /** The one schema tagged with this kind, as kubectl explain finds it. */
  private static JsonNode kindSchema(JsonNode document, String group, String version, String kind) {
    ObjectNode tag = JsonNodeFactory.instance.objectNode().put("group", group).put("kind", kind).put("version", version);
    List<JsonNode> found = new ArrayList<>();
    document.path("components").path("schemas").forEach(schema -> schema.path("x-kubernetes-group-version-kind").forEach(t -> {
      if (t.equals(tag)) {
        found.add(schema);
      }
    }));
    assertThat(found).as(kind).hasSize(1);
    return found.get(0);
  }

  /** The schema of a field below {@code schema}, following references as kubectl does. */
  private static JsonNode field(JsonNode document, JsonNode schema, String... path) {
    JsonNode current = schema;
    for (String name : path) {
      JsonNode resolved = resolve(document, current);
      assertThat(resolved.path("properties").has(name)).as(name + " in " + resolved).isTrue();
      current = resolved.path("properties").path(name);
    }
    return current;
  }

  private static JsonNode resolve(JsonNode document, JsonNode schema) {
    String name = referenceOf(schema);
    return name == null ? schema : document.path("components").path("schemas").path(name);
  }

  /** The schema name a field refers to, as {@code $ref} or a lone {@code allOf: [{$ref}]}; null for none. */
  private static String referenceOf(JsonNode schema) {
    JsonNode reference = schema.has("$ref") ? schema.get("$ref") : schema.path("allOf").path(0).get("$ref");
    return reference == null ? null : reference.asText().substring("#/components/schemas/".length());
  }

  private static List<String> types(JsonNode oneOf) {
    List<String> types = new ArrayList<>();
    oneOf.forEach(alternative -> types.add(alternative.path("type").asText()));
    return types;
  }

  private static void collectReferences(JsonNode node, List<String> references) {
    // A properties map may name a field "$ref" (JSONSchemaProps does); its value is a schema, not a reference.
    if (node.path("$ref").isTextual()) {
      references.add(node.get("$ref").asText());
    }
    node.forEach(child -> collectReferences(child, references));
  }
}
