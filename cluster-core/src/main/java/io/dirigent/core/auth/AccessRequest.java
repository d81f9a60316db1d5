package io.dirigent.core.auth;

import java.util.Objects;

/**
 * What a request asks to do, in the terms RBAC rules speak (Kubernetes' authorizer attributes):
 * a verb on a resource (its API group, subresource, namespace and name), or a verb on a path
 * outside the resources ({@code /version}, {@code /metrics}).
 *
 * @param namespace empty for cluster-scoped resources and requests across all namespaces
 * @param name empty for a collection
 * @param path the non-resource path, or empty for a resource request
 */
public record AccessRequest(
    UserInfo user, String verb, String apiGroup, String resource, String subresource, String namespace, String name, String path) {

  public AccessRequest {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(verb, "verb");
    apiGroup = apiGroup == null ? "" : apiGroup;
    resource = resource == null ? "" : resource;
    subresource = subresource == null ? "" : subresource;
    namespace = namespace == null ? "" : namespace;
    name = name == null ? "" : name;
    path = path == null ? "" : path;
  }

  public static AccessRequest resource(UserInfo user, String verb, String apiGroup, String resource, String subresource,
      String namespace, String name) {
    return new AccessRequest(user, verb, apiGroup, resource, subresource, namespace, name, "");
  }

  public static AccessRequest nonResource(UserInfo user, String verb, String path) {
    return new AccessRequest(user, verb, "", "", "", "", "", path);
  }

  public boolean resourceRequest() {
    return path.isEmpty();
  }

  /** {@code pods} or {@code pods/log}: the resource as rules name it. */
  public String qualifiedResource() {
    return subresource.isEmpty() ? resource : resource + "/" + subresource;
  }

  /**
   * Why the request is refused, in Kubernetes' words: {@code User "alice" cannot list resource
   * "pods" in API group "" in the namespace "default"}.
   */
  public String refusal() {
    if (!resourceRequest()) {
      return "User \"%s\" cannot %s path \"%s\"".formatted(user.name(), verb, path);
    }
    String scope = namespace.isEmpty() ? "at the cluster scope" : "in the namespace \"%s\"".formatted(namespace);
    return "User \"%s\" cannot %s resource \"%s\" in API group \"%s\" %s".formatted(user.name(), verb, qualifiedResource(), apiGroup, scope);
  }
}
