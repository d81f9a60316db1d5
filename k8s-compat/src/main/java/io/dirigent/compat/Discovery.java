package io.dirigent.compat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.ResourceRegistry;
import io.dirigent.core.api.ResourceType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * API discovery as Kubernetes serves it, built from the resource registry: the legacy documents
 * ({@code /api}, {@code /apis}, and an APIResourceList per group version) and the aggregated ones
 * ({@code APIGroupDiscoveryList}, one request for all groups), which kubectl prefers when its
 * Accept header asks for them.
 *
 * <p>Groups come core first, then {@code apps}, then the rest by name; resources by name within
 * a version. kubectl's {@code get all} lists the resources of the {@code all} category in that
 * order.
 */
public final class Discovery {

  /** The verbs every served resource supports. */
  private static final List<String> VERBS = List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
  /** The resources kubectl's {@code get all} shows (those of them Dirigent serves). */
  private static final Set<String> ALL = Set.of("pods", "replicationcontrollers", "services", "deployments.apps", "replicasets.apps", "daemonsets.apps",
      "statefulsets.apps", "jobs.batch", "cronjobs.batch",
      "horizontalpodautoscalers.autoscaling");

  /** Which aggregated discovery version a client asked for. */
  public enum Aggregated {
    V2("v2"),
    V2BETA1("v2beta1");

    private final String version;

    Aggregated(String version) {
      this.version = version;
    }

    /** The response's Content-Type, which kubectl checks before it reads the body as aggregated. */
    public String contentType() {
      return "application/json;g=apidiscovery.k8s.io;v=" + version + ";as=APIGroupDiscoveryList";
    }

    String apiVersion() {
      return "apidiscovery.k8s.io/" + version;
    }
  }

  private final List<ResourceType> types;

  public Discovery(ResourceRegistry registry) {
    // Each custom resource at each version it is served at; a group's preferred version first.
    this.types = registry.all().stream().flatMap(type -> type.servedVersions().stream())
        .sorted(Comparator.comparing((ResourceType t) -> groupRank(t.group())).thenComparing(ResourceType::group)
            .thenComparing(ResourceType::version, KubeVersions.PRIORITY).thenComparing(ResourceType::plural))
        .toList();
  }

  private static int groupRank(String group) {
    return group.isEmpty() ? 0 : group.equals("apps") ? 1 : 2;
  }

  /**
   * The aggregated document the Accept header asks for ({@code as=APIGroupDiscoveryList} with
   * {@code v=v2}, else {@code v=v2beta1}), or empty: then the legacy document is the answer.
   */
  public static Optional<Aggregated> negotiate(String accept) {
    if (accept == null) {
      return Optional.empty();
    }
    boolean v2 = false;
    boolean v2beta1 = false;
    for (String range : accept.split(",")) {
      Map<String, String> parameters = MediaTypes.parameters(range);
      if ("APIGroupDiscoveryList".equals(parameters.get("as")) && "apidiscovery.k8s.io".equals(parameters.get("g"))) {
        v2 |= "v2".equals(parameters.get("v"));
        v2beta1 |= "v2beta1".equals(parameters.get("v"));
      }
    }
    return v2 ? Optional.of(Aggregated.V2) : v2beta1 ? Optional.of(Aggregated.V2BETA1) : Optional.empty();
  }

  // ---- legacy ----

  /** {@code GET /api}: the core group's versions. */
  public ObjectNode coreVersions(String serverAddress) {
    ObjectNode versions = object().put("kind", "APIVersions");
    versions.putArray("versions").add("v1");
    versions.putArray("serverAddressByClientCIDRs").addObject().put("clientCIDR", "0.0.0.0/0").put("serverAddress", serverAddress);
    return versions;
  }

  /** {@code GET /apis}: every named group with its versions, the preferred one first. */
  public ObjectNode groups() {
    ObjectNode list = object().put("kind", "APIGroupList").put("apiVersion", "v1");
    ArrayNode groups = list.putArray("groups");
    byGroup().forEach((name, versions) -> {
      if (name.isEmpty()) {
        return;
      }
      ObjectNode group = groups.addObject().put("name", name);
      ArrayNode entries = group.putArray("versions");
      versions.keySet().forEach(version -> entries.addObject().put("groupVersion", name + "/" + version).put("version", version));
      group.set("preferredVersion", entries.get(0).deepCopy());
    });
    return list;
  }

  /** {@code GET /apis/GROUP}: one named group; empty for a group not served. */
  public Optional<ObjectNode> group(String name) {
    ArrayNode groups = (ArrayNode) groups().path("groups");
    for (var group : groups) {
      if (group.path("name").asText().equals(name)) {
        return Optional.of(((ObjectNode) group.deepCopy()).put("kind", "APIGroup").put("apiVersion", "v1"));
      }
    }
    return Optional.empty();
  }

  /** {@code GET /api/v1} or {@code GET /apis/GROUP/VERSION}; empty for a version not served. */
  public Optional<ObjectNode> resources(String groupVersion) {
    List<ResourceType> served = byGroupVersion().get(groupVersion);
    if (served == null) {
      return Optional.empty();
    }
    ObjectNode list = object().put("kind", "APIResourceList").put("apiVersion", "v1").put("groupVersion", groupVersion);
    ArrayNode resources = list.putArray("resources");
    for (ResourceType type : served) {
      ObjectNode resource = resources.addObject()
          .put("name", type.plural())
          .put("singularName", type.singular())
          .put("namespaced", type.namespaced())
          .put("kind", type.kind());
      strings(resource.putArray("verbs"), VERBS);
      if (!type.shortNames().isEmpty()) {
        strings(resource.putArray("shortNames"), type.shortNames());
      }
      List<String> categories = categories(type);
      if (!categories.isEmpty()) {
        strings(resource.putArray("categories"), categories);
      }
      for (Subresource sub : subresources(type)) {
        ObjectNode entry = resources.addObject()
            .put("name", type.plural() + "/" + sub.name())
            .put("singularName", "")
            .put("namespaced", type.namespaced())
            .put("kind", sub.kind());
        if (!sub.group().equals(type.group()) || !sub.version().equals(type.version())) {
          entry.put("group", sub.group()).put("version", sub.version());
        }
        strings(entry.putArray("verbs"), sub.verbs());
      }
    }
    return Optional.of(list);
  }

  // ---- aggregated ----

  /** {@code GET /api} with the aggregated Accept: the core group as the list's one item. */
  public ObjectNode aggregatedCore(Aggregated version) {
    return aggregated(version, true);
  }

  /** {@code GET /apis} with the aggregated Accept: every named group. */
  public ObjectNode aggregatedGroups(Aggregated version) {
    return aggregated(version, false);
  }

  private ObjectNode aggregated(Aggregated version, boolean core) {
    ObjectNode list = object().put("kind", "APIGroupDiscoveryList").put("apiVersion", version.apiVersion());
    list.putObject("metadata");
    ArrayNode items = list.putArray("items");
    byGroup().forEach((name, versions) -> {
      if (name.isEmpty() != core) {
        return;
      }
      ObjectNode group = items.addObject();
      ObjectNode metadata = group.putObject("metadata");
      if (!core) {
        metadata.put("name", name);
      }
      ArrayNode versionEntries = group.putArray("versions");
      versions.forEach((served, resources) -> aggregatedVersion(versionEntries.addObject().put("version", served).put("freshness", "Current"), resources));
    });
    return list;
  }

  private static void aggregatedVersion(ObjectNode entry, List<ResourceType> resources) {
    ArrayNode list = entry.putArray("resources");
    for (ResourceType type : resources) {
      ObjectNode resource = list.addObject()
          .put("resource", type.plural())
          .put("scope", type.namespaced() ? "Namespaced" : "Cluster")
          .put("singularResource", type.singular());
      resource.set("responseKind", kind(type.group(), type.version(), type.kind()));
      strings(resource.putArray("verbs"), VERBS);
      if (!type.shortNames().isEmpty()) {
        strings(resource.putArray("shortNames"), type.shortNames());
      }
      List<String> categories = categories(type);
      if (!categories.isEmpty()) {
        strings(resource.putArray("categories"), categories);
      }
      List<Subresource> subresources = subresources(type);
      if (!subresources.isEmpty()) {
        ArrayNode subs = resource.putArray("subresources");
        for (Subresource sub : subresources) {
          ObjectNode s = subs.addObject().put("subresource", sub.name());
          s.set("responseKind", kind(sub.group(), sub.version(), sub.kind()));
          strings(s.putArray("verbs"), sub.verbs());
        }
      }
    }
  }

  /** The categories a resource is listed in: {@code all} for the built-in workloads, a definition's own for custom ones. */
  private static List<String> categories(ResourceType type) {
    if (type.isCustom()) {
      return type.custom().categories();
    }
    return ALL.contains(type.resource()) ? List.of("all") : List.of();
  }

  // ---- shared ----

  /** A subresource as discovery lists it: the kind it answers with and its verbs. */
  record Subresource(String name, String group, String version, String kind, List<String> verbs) {}

  static List<Subresource> subresources(ResourceType type) {
    List<Subresource> subs = new ArrayList<>();
    if (type.hasStatus()) {
      subs.add(new Subresource("status", type.group(), type.version(), type.kind(), List.of("get", "patch", "update")));
    }
    if (type.hasScale()) {
      subs.add(new Subresource("scale", "autoscaling", "v1", "Scale", List.of("get", "patch", "update")));
    }
    if (type.resource().equals("pods")) {
      subs.add(new Subresource("binding", "", "v1", "Binding", List.of("create")));
      subs.add(new Subresource("eviction", "policy", "v1", "Eviction", List.of("create")));
      subs.add(new Subresource("log", "", "v1", "Pod", List.of("get")));
    }
    return subs;
  }

  /** The served resources by group version ({@code v1}, {@code apps/v1}), in discovery order. */
  private Map<String, List<ResourceType>> byGroupVersion() {
    Map<String, List<ResourceType>> byVersion = new LinkedHashMap<>();
    for (ResourceType type : types) {
      byVersion.computeIfAbsent(type.apiVersion(), v -> new ArrayList<>()).add(type);
    }
    return byVersion;
  }

  /** The served resources by group, then version (preferred first), in discovery order. */
  private Map<String, Map<String, List<ResourceType>>> byGroup() {
    Map<String, Map<String, List<ResourceType>>> byGroup = new LinkedHashMap<>();
    for (ResourceType type : types) {
      byGroup.computeIfAbsent(type.group(), g -> new LinkedHashMap<>()).computeIfAbsent(type.version(), v -> new ArrayList<>()).add(type);
    }
    return byGroup;
  }

  private static ObjectNode kind(String group, String version, String kind) {
    return object().put("group", group).put("version", version).put("kind", kind);
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }

  private static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }
}
