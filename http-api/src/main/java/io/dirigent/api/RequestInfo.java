package io.dirigent.api;

import io.dirigent.core.auth.AccessRequest;
import io.dirigent.core.auth.UserInfo;
import java.util.List;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * What a request asks to do, read from its method and path alone as Kubernetes'
 * RequestInfoFactory does (whether the resource exists does not matter to who may ask for it):
 * {@code GET /api/v1/namespaces/ns/pods} is {@code list pods in ns}; a path outside
 * {@code /api} and {@code /apis/GROUP/VERSION} is a non-resource request.
 */
final class RequestInfo {

  /** Subresources of a namespace itself: {@code namespaces/NS/status} is not a resource called status in NS. */
  private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize", "history");

  private static final String HISTORY = "history";

  private RequestInfo() {}

  static AccessRequest of(HttpRequest request, UserInfo user) {
    String method = request.method().value();
    boolean watch = QueryParams.flag(request.getUri().query(), "watch");
    List<String> segments = ApiPath.segments(request.getUri().path());
    List<String> parts;
    String group;
    if (segments.size() >= 3 && segments.get(0).equals("api")) {
      group = "";
      parts = segments.subList(2, segments.size());
    } else if (segments.size() >= 4 && segments.get(0).equals("apis")) {
      group = segments.get(1);
      parts = segments.subList(3, segments.size());
    } else {
      return AccessRequest.nonResource(user, method.equals("HEAD") ? "get" : method.toLowerCase(), request.getUri().path());
    }
    String namespace = "";
    if (parts.get(0).equals("namespaces") && parts.size() > 1) {
      namespace = parts.get(1);
      if (parts.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(parts.get(2))) {
        parts = parts.subList(2, parts.size());
      } else {
        // The namespace itself (namespaces/NS[/status]) is a cluster-scoped object.
        namespace = "";
      }
    }
    String resource = parts.get(0);
    String name = parts.size() > 1 ? parts.get(1) : "";
    String subresource = parts.size() > 2 ? parts.get(2) : "";
    if (subresource.equals(HISTORY)) {
      // Dirigent's history of an object is the object's past: whoever may read the object may read it.
      subresource = "";
    }
    if (resource.equals("namespaces") && !name.isEmpty()) {
      // A namespace is in itself, as far as RoleBindings go: a Role in ns may grant reading ns.
      namespace = name;
    }
    return AccessRequest.resource(user, verb(method, name, subresource, watch), group, resource, subresource, namespace, name);
  }

  private static String verb(String method, String name, String subresource, boolean watch) {
    if (subresource.equals("exec") || subresource.equals("portforward") || subresource.equals("attach")) {
      // A stream is opened with GET (WebSocket) or POST (SPDY); either way it creates one.
      return "create";
    }
    return switch (method) {
      case "GET", "HEAD" -> watch ? "watch" : name.isEmpty() ? "list" : "get";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> name.isEmpty() ? "deletecollection" : "delete";
      default -> method.toLowerCase();
    };
  }
}
