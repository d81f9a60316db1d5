package io.dirigent.core.api;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The served resources, looked up the ways clients name them: by group and plural (URLs), by
 * apiVersion and kind (object bodies), by Java class (the typed store API) and by the names a
 * user types (plural, singular, short names).
 *
 * <p>The built-in kinds are fixed when it is built. A member's registry is {@link #extensible()}:
 * the custom resources its CustomResourceDefinitions establish are {@link #define defined} and
 * {@link #forget forgotten} as they come and go. Each change replaces an immutable snapshot, so a
 * lookup on any thread sees one consistent set; {@link #generation()} tells readers that cache
 * what they derive (discovery, OpenAPI) when to derive it again.
 */
public final class ResourceRegistry {

  private static final ResourceRegistry BUILTIN = BuiltinResources.register(builder()).build();

  private final Snapshot builtin;
  /** The custom resources; null for a registry that holds built-in kinds only. */
  private final AtomicReference<Snapshot> custom;

  /** One immutable set of resources, indexed each way they are looked up. */
  private record Snapshot(long generation, Map<String, ResourceType> byResource, Map<String, ResourceType> byApiVersionKind,
      Map<Class<?>, ResourceType> byClass, List<ResourceType> ordered) {

    static Snapshot of(long generation, Map<String, ResourceType> byResource) {
      var byKind = new LinkedHashMap<String, ResourceType>();
      var byJava = new LinkedHashMap<Class<?>, ResourceType>();
      for (ResourceType type : byResource.values()) {
        if (type.isCustom()) {
          // Every served version of a custom resource names the same stored objects.
          type.custom().versions().forEach(version -> byKind.put(apiVersion(type.group(), version.name()) + "/" + type.kind(), type));
        } else {
          byKind.put(type.apiVersion() + "/" + type.kind(), type);
          byJava.put(type.javaType(), type);
        }
      }
      return new Snapshot(generation, Map.copyOf(byResource), Map.copyOf(byKind), Map.copyOf(byJava), List.copyOf(byResource.values()));
    }
  }

  private ResourceRegistry(Snapshot builtin, AtomicReference<Snapshot> custom) {
    this.builtin = builtin;
    this.custom = custom;
  }

  private static String apiVersion(String group, String version) {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** The resources Dirigent serves out of the box; custom resources cannot be defined in it. */
  public static ResourceRegistry builtin() {
    return BUILTIN;
  }

  /** A registry of this one's built-in kinds, to which custom resources may be defined: one per member. */
  public ResourceRegistry extensible() {
    return new ResourceRegistry(builtin, new AtomicReference<>(Snapshot.of(0, Map.of())));
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Serves {@code type}, a custom resource, replacing what was defined under its resource name.
   * Refused when it would replace a built-in kind, or in a registry that is not extensible.
   */
  public void define(ResourceType type) {
    if (!type.isCustom()) {
      throw new IllegalArgumentException("only custom resources are defined at run time: " + type.resource());
    }
    if (builtin.byResource().containsKey(type.resource())) {
      throw new IllegalArgumentException("a built-in resource cannot be redefined: " + type.resource());
    }
    change(resources -> resources.put(type.resource(), type));
  }

  /** Stops serving the custom resource {@code resource}; nothing when it is not defined. */
  public void forget(String resource) {
    change(resources -> resources.remove(resource));
  }

  private void change(java.util.function.Consumer<Map<String, ResourceType>> change) {
    if (custom == null) {
      throw new IllegalStateException("custom resources are defined in a member's extensible registry, not in the built-in one");
    }
    custom.updateAndGet(current -> {
      var resources = new LinkedHashMap<>(current.byResource());
      change.accept(resources);
      return Snapshot.of(current.generation() + 1, resources);
    });
  }

  /** Whether custom resources can be defined in it: a member's registry, not the built-in one. */
  public boolean isExtensible() {
    return custom != null;
  }

  /** Goes up by one with every change to the custom resources. */
  public long generation() {
    return custom == null ? 0 : custom.get().generation();
  }

  private Snapshot customs() {
    return custom == null ? Snapshot.of(0, Map.of()) : custom.get();
  }

  /** All served resources: the built-in kinds in registration order, then the custom ones. */
  public Collection<ResourceType> all() {
    List<ResourceType> customs = customs().ordered();
    if (customs.isEmpty()) {
      return builtin.ordered();
    }
    List<ResourceType> all = new ArrayList<>(builtin.ordered());
    all.addAll(customs);
    return List.copyOf(all);
  }

  /** By group-qualified resource, e.g. {@code pods} or {@code deployments.apps}. */
  public Optional<ResourceType> byResource(String resource) {
    ResourceType type = builtin.byResource().get(resource);
    return type != null ? Optional.of(type) : Optional.ofNullable(customs().byResource().get(resource));
  }

  /** By API group and plural, as a URL names it. */
  public Optional<ResourceType> byGroupPlural(String group, String plural) {
    return byResource(group.isEmpty() ? plural : plural + "." + group);
  }

  /** By the apiVersion and kind an object body carries; a custom resource under each of its served versions. */
  public Optional<ResourceType> byKind(String apiVersion, String kind) {
    String key = apiVersion + "/" + kind;
    ResourceType type = builtin.byApiVersionKind().get(key);
    return type != null ? Optional.of(type) : Optional.ofNullable(customs().byApiVersionKind().get(key));
  }

  /** By fabric8 model class; built-in kinds only. */
  public Optional<ResourceType> byClass(Class<? extends HasMetadata> type) {
    return Optional.ofNullable(builtin.byClass().get(type));
  }

  /** The resource type for a model class, failing loudly when it is not served. */
  public ResourceType of(Class<? extends HasMetadata> type) {
    return byClass(type)
        .orElseThrow(() -> new IllegalArgumentException("not a served resource: " + type.getName()));
  }

  /** By any name a user may type: plural, singular, short name or kind, case-insensitive. */
  public Optional<ResourceType> byAlias(String name) {
    String lower = name.toLowerCase();
    return all().stream().filter(type -> type.aliases().contains(lower)).findFirst();
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
      return new ResourceRegistry(Snapshot.of(0, types), null);
    }
  }
}
