package io.dirigent.api;

import static org.apache.pekko.http.javadsl.model.HttpMethods.DELETE;
import static org.apache.pekko.http.javadsl.model.HttpMethods.GET;
import static org.apache.pekko.http.javadsl.model.HttpMethods.HEAD;
import static org.apache.pekko.http.javadsl.model.HttpMethods.PATCH;
import static org.apache.pekko.http.javadsl.model.HttpMethods.POST;
import static org.apache.pekko.http.javadsl.model.HttpMethods.PUT;

import io.dirigent.core.api.ResourceType;
import io.dirigent.core.store.StoreError;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Rejection;
import org.apache.pekko.http.javadsl.server.Rejections;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The resource paths' table: for a collection, an object and each subresource, the methods it
 * takes and the verb that answers each. Adding a verb or a subresource is one line of it. A
 * method a row does not take is rejected with a MethodRejection per method it does take, and a
 * subresource the resource does not have matches no row (an empty rejection): {@link ApiRoutes}
 * answers them with Kubernetes' 405 and 404 Status.
 *
 * <p>In front of the table, as before there was one: a write this member could not make stick is
 * refused (503), then the request's {@link ResourceCall} is read, which refuses a bad dryRun
 * (400). The table is built once; a request looks up its row and its method in maps, which
 * costs less than trying a chain of method directives, each of which would also wrap the answer.
 */
final class ResourceRoutes extends AllDirectives {

  /** Answers a request on a resource path. */
  @FunctionalInterface
  interface Verb {
    CompletionStage<HttpResponse> answer(HttpRequest request, ResourceCall call);
  }

  private static final Predicate<ResourceType> PODS = resource("pods");

  private final Supplier<Optional<String>> unready;
  private final Row collection;
  private final Row acrossNamespaces;
  private final Row object;
  private final Map<String, Subresource> subresources;
  private final Route noRow = reject();
  private final Route route = extractRequest(this::answer);

  /** {@code unready}: why this member cannot take writes now, if it cannot. */
  ResourceRoutes(ResourceApi objects, DeleteApi deletes, SubresourceApi subs, Supplier<Optional<String>> unready) {
    this.unready = unready;
    this.collection = new Row(Map.of(GET, objects::listOrWatch, POST, objects::create, DELETE, deletes::deleteCollection));
    // As Kubernetes: a namespaced object is created in its namespace's collection only.
    this.acrossNamespaces = new Row(Map.of(GET, objects::listOrWatch, DELETE, deletes::deleteCollection));
    this.object = new Row(Map.of(GET, objects::getOrWatch, PUT, objects::update, PATCH, objects::patch, DELETE, deletes::delete));
    this.subresources = Map.of(
        "status", new Subresource(ResourceType::hasStatus,
            new Row(Map.of(GET, objects::getOrWatch, PUT, objects::updateStatus, PATCH, objects::patchStatus))),
        "scale", new Subresource(ResourceType::hasScale, new Row(Map.of(GET, subs::getScale, PUT, subs::putScale, PATCH, subs::patchScale))),
        "history", new Subresource(type -> true, new Row(Map.of(GET, subs::history))),
        "token", new Subresource(resource("serviceaccounts"), new Row(Map.of(POST, subs::createToken))),
        "binding", new Subresource(PODS, new Row(Map.of(POST, subs::bind))),
        "eviction", new Subresource(PODS, new Row(Map.of(POST, subs::evict))),
        "log", new Subresource(PODS, new Row(Map.of(GET, subs::log))),
        // GET carries the WebSocket upgrade; POST is how clients ask for a SPDY upgrade.
        "exec", new Subresource(PODS, new Row(Map.of(GET, subs::exec, POST, subs::exec))),
        "attach", new Subresource(PODS, new Row(Map.of(GET, subs::attach, POST, subs::attach))),
        "portforward", new Subresource(PODS, new Row(Map.of(GET, subs::portForward, POST, subs::portForward))));
  }

  /** The route of every resource path; the request carries its {@link ApiCall}, with the path. */
  Route route() {
    return route;
  }

  private Route answer(HttpRequest request) {
    ApiCall api = ApiCall.of(request);
    ApiPath path = api.resource().orElseThrow();
    HttpMethod method = request.method();
    Optional<String> why = method.equals(GET) || method.equals(HEAD) ? Optional.empty() : unready.get();
    if (why.isPresent()) {
      // A write this member could not make stick (no majority, no journal): refused at once, for the client to retry.
      return complete(Responses.failure(StoreError.of(StoreError.Reason.UNAVAILABLE,
          "this API server cannot take writes now: " + why.get() + "; retry")));
    }
    ResourceCall call = ResourceCall.read(request, path, api.user());
    Row row = row(path);
    return row == null ? noRow : row.route(method, call);
  }

  /** The row of {@code path}: its subresource's, when its resource has that one, else its collection's or its object's. */
  private Row row(ApiPath path) {
    if (path.subresource() != null) {
      Subresource subresource = subresources.get(path.subresource());
      return subresource != null && subresource.of().test(path.type()) ? subresource.row() : null;
    }
    if (!path.collection()) {
      return object;
    }
    return path.type().namespaced() && path.namespace() == null ? acrossNamespaces : collection;
  }

  private static Predicate<ResourceType> resource(String plural) {
    return type -> type.resource().equals(plural);
  }

  /** A subresource: the resources that have it, and its row. */
  private record Subresource(Predicate<ResourceType> of, Row row) {}

  /** The methods a path takes, and the verb for each. */
  private final class Row {
    private final Map<HttpMethod, Verb> verbs;
    /** What any other method gets: a MethodRejection naming each method the row does take. */
    private final Route notAllowed;

    Row(Map<HttpMethod, Verb> verbs) {
      this.verbs = verbs;
      Rejection[] taken = verbs.keySet().stream().map(Rejections::method).toArray(Rejection[]::new);
      this.notAllowed = reject(taken[0], java.util.Arrays.copyOfRange(taken, 1, taken.length));
    }

    Route route(HttpMethod method, ResourceCall call) {
      Verb verb = verbs.get(method);
      return verb == null ? notAllowed : handle(request -> verb.answer(request, call));
    }
  }
}
