package io.dirigent.core.api;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The served resources, looked up the ways clients name them: by group and plural (URLs), by
 * apiVersion and kind (object bodies), by Java class (the typed store API) and by the names a
 * user types (plural, singular, short names).
 *
 * <p>Immutable: build one with {@link #builder()}, or take {@link #builtin()}.
 */
public final class ResourceRegistry {

  private static final ResourceRegistry BUILTIN = BuiltinResources.register(builder()).build();

  private final Map<String, ResourceType> byResource;
  private final Map<String, ResourceType> byApiVersionKind;
  private final Map<Class<?>, ResourceType> byClass;

  private ResourceRegistry(Map<String, ResourceType> byResource) {
    this.byResource = Map.copyOf(byResource);
    var byKind = new LinkedHashMap<String, ResourceType>();
    var byJava = new LinkedHashMap<Class<?>, ResourceType>();
    for (ResourceType type : byResource.values()) {
      byKind.put(type.apiVersion() + "/" + type.kind(), type);
      byJava.put(type.javaType(), type);
    }
    this.byApiVersionKind = Map.copyOf(byKind);
    this.byClass = Map.copyOf(byJava);
    this.ordered = List.copyOf(byResource.values());
  }

  private final List<ResourceType> ordered;

  /** The resources Dirigent serves out of the box. */
  public static ResourceRegistry builtin() {
    return BUILTIN;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** All registered resources, in registration order. */
  public Collection<ResourceType> all() {
    return ordered;
  }

  /** By group-qualified resource, e.g. {@code pods} or {@code deployments.apps}. */
  public Optional<ResourceType> byResource(String resource) {
    return Optional.ofNullable(byResource.get(resource));
  }

  /** By API group and plural, as a URL names it. */
  public Optional<ResourceType> byGroupPlural(String group, String plural) {
    return byResource(group.isEmpty() ? plural : plural + "." + group);
  }

  /** By the apiVersion and kind an object body carries. */
  public Optional<ResourceType> byKind(String apiVersion, String kind) {
    return Optional.ofNullable(byApiVersionKind.get(apiVersion + "/" + kind));
  }

  /** By fabric8 model class. */
  public Optional<ResourceType> byClass(Class<? extends HasMetadata> type) {
    return Optional.ofNullable(byClass.get(type));
  }

  /** The resource type for a model class, failing loudly when it is not served. */
  public ResourceType of(Class<? extends HasMetadata> type) {
    return byClass(type)
        .orElseThrow(() -> new IllegalArgumentException("not a served resource: " + type.getName()));
  }

  /** By any name a user may type: plural, singular, short name or kind, case-insensitive. */
  public Optional<ResourceType> byAlias(String name) {
    String lower = name.toLowerCase();
    return ordered.stream().filter(type -> type.aliases().contains(lower)).findFirst();
  }

  /** Collects resource registrations; a duplicate resource or kind is a programming error. */
  public static final class Builder {
    private final Map<String, ResourceType> types = new LinkedHashMap<>();

    private Builder() {}

    public Builder register(ResourceType type) {
      if (types.putIfAbsent(type.resource(), type) != null) {
        throw new IllegalArgumentException("resource registered twice: " + type.resource());
      }
      return this;
    }

    public ResourceRegistry build() {
      return new ResourceRegistry(types);
    }
  }
}
