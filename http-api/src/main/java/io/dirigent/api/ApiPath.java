package io.dirigent.api;

import io.dirigent.core.api.ResourceRegistry;
import io.dirigent.core.api.ResourceType;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Kubernetes resource path taken apart: {@code /api/v1/namespaces/NS/pods/NAME/status} or
 * {@code /apis/apps/v1/deployments}.
 *
 * @param type the served resource
 * @param namespace the namespace in the path, or null (cluster-scoped, or a list across all
 *     namespaces)
 * @param name the object's name, or null for the collection
 * @param subresource e.g. {@code status}, or null
 */
record ApiPath(ResourceType type, String namespace, String name, String subresource) {

  /**
   * {@code /api/v1/namespaces/NS/bindings}, which Kubernetes serves beside {@code pods/NAME/binding}
   * (its LegacyBinding storage): parsed as the pods' binding without a name, which the Binding's
   * own name gives. Custom schedulers written with the Python client post there
   * ({@code create_namespaced_binding}).
   */
  static final String BINDINGS = "bindings";

  boolean collection() {
    return name == null;
  }

  /**
   * The resource path {@code rawPath} names, or empty if it names none this server serves (the
   * caller answers 404).
   */
  static Optional<ApiPath> parse(String rawPath, ResourceRegistry registry) {
    List<String> segments = segments(rawPath);
    String group;
    String version;
    List<String> rest;
    if (segments.size() >= 2 && segments.get(0).equals("api")) {
      group = "";
      version = segments.get(1);
      rest = segments.subList(2, segments.size());
    } else if (segments.size() >= 3 && segments.get(0).equals("apis")) {
      group = segments.get(1);
      version = segments.get(2);
      rest = segments.subList(3, segments.size());
    } else {
      return Optional.empty();
    }
    if (rest.size() == 3 && rest.get(0).equals("namespaces") && group.isEmpty() && version.equals("v1") && rest.get(2).equals(BINDINGS)) {
      // Kubernetes' legacy bindings collection: the pods' binding, with the pod named in the body.
      return registry.byGroupPlural("", "pods").flatMap(pods -> pods.servedAt(version))
          .map(pods -> new ApiPath(pods, rest.get(1), null, "binding"));
    }
    if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
      // namespaces/NS/RESOURCE[/NAME[/SUBRESOURCE]], unless RESOURCE is a subresource of the
      // namespace itself (namespaces/NS/status).
      Optional<ResourceType> namespaced = served(registry, group, version, rest.get(2)).filter(ResourceType::namespaced);
      if (namespaced.isPresent() && rest.size() <= 5) {
        return Optional.of(new ApiPath(namespaced.get(), rest.get(1),
            rest.size() > 3 ? rest.get(3) : null, rest.size() > 4 ? rest.get(4) : null));
      }
    }
    if (rest.isEmpty() || rest.size() > 3) {
      return Optional.empty();
    }
    Optional<ResourceType> type = served(registry, group, version, rest.get(0));
    if (type.isEmpty() || (type.get().namespaced() && rest.size() > 1)) {
      return Optional.empty();
    }
    return Optional.of(new ApiPath(type.get(), null, rest.size() > 1 ? rest.get(1) : null, rest.size() > 2 ? rest.get(2) : null));
  }

  private static Optional<ResourceType> served(ResourceRegistry registry, String group, String version, String plural) {
    return registry.byGroupPlural(group, plural).flatMap(type -> type.servedAt(version));
  }

  /** The path's segments, each URL-decoded; empty segments are dropped. */
  static List<String> segments(String rawPath) {
    List<String> segments = new ArrayList<>();
    for (String segment : rawPath.split("/")) {
      if (!segment.isEmpty()) {
        segments.add(URLDecoder.decode(segment, StandardCharsets.UTF_8));
      }
    }
    return segments;
  }
}
