package io.dirigent.core.crd;

import io.dirigent.core.crd.schema.StructuralSchema;
import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.core.api.CustomResource;
import io.dirigent.core.api.FrozenJson;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceRegistry;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.validation.NameRules.NameRule;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a CustomResourceDefinition serves: the resource type it makes of an established definition
 * (names as accepted, versions with their schemas and columns, subresources), and the registry
 * kept in step with the definitions as they change. Pure but for {@link #learn}, which changes the
 * registry it is given.
 */
public final class CustomResources {

  /** The resource that holds the definitions. */
  public static final String DEFINITIONS = "customresourcedefinitions.apiextensions.k8s.io";
  /** Held on a definition until its objects are deleted, as Kubernetes' own. */
  public static final String CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io";

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CustomResources.class);

  private CustomResources() {}

  /**
   * The resource {@code definition} serves, or empty while it serves none: not yet established
   * (its names not accepted), or without a served version.
   */
  public static Optional<ResourceType> typeOf(JsonNode definition) {
    try {
      return served(definition);
    } catch (IllegalArgumentException e) {
      // A schema that cannot be read (admission refuses one; this is the second line) serves nothing.
      LOG.warn("customresourcedefinition={} serves nothing: {}", KubeJson.name(definition), e.getMessage());
      return Optional.empty();
    }
  }

  private static Optional<ResourceType> served(JsonNode definition) {
    if (!condition(definition, "Established")) {
      return Optional.empty();
    }
    JsonNode spec = definition.path("spec");
    JsonNode names = definition.path("status").path("acceptedNames");
    String group = spec.path("group").asText("");
    String plural = names.path("plural").asText("");
    String kind = names.path("kind").asText("");
    if (group.isEmpty() || plural.isEmpty() || kind.isEmpty() || !plural.equals(plural.toLowerCase())) {
      return Optional.empty();
    }
    List<CustomResource.Version> versions = new ArrayList<>();
    for (JsonNode version : spec.path("versions")) {
      if (!version.path("served").asBoolean(false)) {
        continue;
      }
      CustomResource.Version served = version(version);
      if (version.path("storage").asBoolean(false)) {
        versions.add(0, served);
      } else {
        versions.add(served);
      }
    }
    if (versions.isEmpty()) {
      return Optional.empty();
    }
    CustomResource.Version storage = versions.get(0);
    var custom = new CustomResource(KubeJson.name(definition), KubeJson.uid(definition), KubeJson.meta(definition, "resourceVersion"), versions, KubeJson.strings(names.path("categories")),
        names.path("listKind").asText(kind + "List"), definition.path("metadata").hasNonNull("deletionTimestamp"));
    String singular = names.path("singular").asText("");
    return Optional.of(new ResourceType(group, storage.name(), kind, plural, singular.isEmpty() ? kind.toLowerCase() : singular,
        KubeJson.strings(names.path("shortNames")), !"Cluster".equals(spec.path("scope").asText("Namespaced")), storage.status(), storage.scale() != null,
        NameRule.DNS1123_SUBDOMAIN, GenericKubernetesResource.class, Map.of(), null, false, custom));
  }

  private static CustomResource.Version version(JsonNode version) {
    JsonNode subresources = version.path("subresources");
    JsonNode scale = subresources.path("scale");
    JsonNode schema = version.path("schema").path("openAPIV3Schema");
    JsonNode columns = version.path("additionalPrinterColumns");
    return new CustomResource.Version(version.path("name").asText(),
        schema.isObject() ? FrozenJson.freezeNode(schema.deepCopy()) : null,
        schema.isObject() ? StructuralSchema.of(schema) : null,
        FrozenJson.freezeNode(columns.isArray() ? columns.deepCopy() : KubeJson.MAPPER.createArrayNode()),
        subresources.has("status"),
        scale.isObject() ? new CustomResource.Scale(scale.path("specReplicasPath").asText(".spec.replicas"),
            scale.path("statusReplicasPath").asText(".status.replicas"), scale.path("labelSelectorPath").asText(null)) : null);
  }

  /**
   * Whether {@code served} was made from this version of the definition or a newer one: the
   * writer's answer may come before the watch event of an older write.
   */
  private static boolean sameDefinition(CustomResource served, JsonNode definition) {
    String version = KubeJson.meta(definition, "resourceVersion");
    return !version.isEmpty() && served.uid().equals(KubeJson.uid(definition))
        && KubeJson.resourceVersion(definition) <= parse(served.definitionVersion());
  }

  private static long parse(String resourceVersion) {
    try {
      return Long.parseLong(resourceVersion);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Whether the definition's condition {@code type} is True. */
  public static boolean condition(JsonNode definition, String type) {
    for (JsonNode condition : definition.path("status").path("conditions")) {
      if (type.equals(condition.path("type").asText()) && "True".equals(condition.path("status").asText())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Brings {@code registry} in line with {@code definition} as it now is ({@code deleted}: gone):
   * serves what it establishes, stops serving what it no longer does. A definition whose resource
   * is a built-in one is never served (validation refuses it; this is the second line). A registry
   * of built-in kinds only (a bare store's in tests) stays as it is.
   */
  public static void learn(ResourceRegistry registry, JsonNode definition, boolean deleted) {
    if (!registry.isExtensible()) {
      return;
    }
    String resource = KubeJson.name(definition);
    Optional<ResourceType> current = registry.byResource(resource);
    if (current.isPresent() && (!current.get().isCustom() || !deleted && sameDefinition(current.get().custom(), definition))) {
      // A built-in resource, or this very version of the definition already served (its writer and its watch both tell).
      return;
    }
    Optional<ResourceType> type = deleted ? Optional.empty() : typeOf(definition);
    if (type.isPresent() && type.get().resource().equals(resource)) {
      registry.define(type.get());
    } else if (current.isPresent() && (!deleted || KubeJson.uid(definition).equals(current.get().custom().uid()))) {
      // A deleted definition's resource is forgotten unless a newer definition of that name serves it already.
      registry.forget(resource);
    }
  }
}
