package io.dirigent.api;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.compat.Discovery;
import io.dirigent.compat.OpenApi;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.StoreException;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.AttributeKey;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.function.Function;

/**
 * The API server's routes, built once when it starts: the resource paths, whose table is {@link
 * ResourceRoutes}, and the paths around them — health, version, metrics, discovery, OpenAPI, the
 * access reviews and member joins. The server's front (ApiServer: host check, client limits,
 * authentication, authorization, request metrics) has run by then and hands on what it learnt as
 * the request's {@link ApiCall}.
 *
 * <p>No route answers a wrong method or a missing path itself: a method a path does not take is a
 * {@link MethodRejection}, a path nothing matches an empty rejection, and one {@link
 * RejectionHandler} answers them with Kubernetes' Status (405 MethodNotAllowed, 404 NotFound).
 * Likewise one {@link ExceptionHandler} answers any failure, thrown or in a stage, with the Status
 * for it.
 */
final class ApiRoutes extends AllDirectives {

  /** What a 405 names as the requested resource on a path that is not a resource path's: a review's kind, memberjoins. */
  private static final AttributeKey<String> NAMED = AttributeKey.create("dirigent-named-resource", String.class);

  private final ClusterNode node;
  /**
   * A document derived from the registry as of one generation: made again, on first use, when
   * custom resources have changed. Discovery and OpenAPI each on their own, since kubectl asks for
   * discovery far more often and OpenAPI takes longer to make.
   */
  private static final class Derived<T> {
    private record Made<T>(long generation, T value) {}

    private final java.util.concurrent.atomic.AtomicReference<Made<T>> made = new java.util.concurrent.atomic.AtomicReference<>();
    private final java.util.function.Function<io.dirigent.core.api.ResourceRegistry, T> make;

    Derived(java.util.function.Function<io.dirigent.core.api.ResourceRegistry, T> make) {
      this.make = make;
    }

    T get(io.dirigent.core.api.ResourceRegistry registry) {
      long generation = registry.generation();
      Made<T> current = made.get();
      if (current == null || current.generation() != generation) {
        // Two requests may both make it; either is right for this generation.
        current = new Made<>(generation, make.apply(registry));
        made.set(current);
      }
      return current.value();
    }
  }

  private final Derived<Discovery> discovery = new Derived<>(Discovery::new);
  private final Derived<OpenApi> openApi = new Derived<>(
      registry -> new OpenApi(registry, "v" + ApiServer.KUBERNETES_MAJOR + "." + ApiServer.KUBERNETES_MINOR + ".0"));
  private final ApiMetrics metrics;
  private final String address;
  private final RejectionHandler rejections;
  private final Route nothing = reject();
  private final Function<HttpRequest, CompletionStage<HttpResponse>> handler;

  /** {@code address}: where clients reach this server, host:port, which the core group's discovery names. */
  ApiRoutes(ClusterNode node, ApiMetrics metrics, String address, ResourceRoutes resources, AccessReviews reviews, MemberJoins joins) {
    this.node = node;
    this.metrics = metrics;
    this.address = address;
    this.rejections = RejectionHandler.newBuilder()
        .handleAll(MethodRejection.class, rejected -> extractRequest(request -> complete(Responses.status(methodNotAllowed(request)))))
        .handleNotFound(extractRequest(request -> complete(Responses.status(notFound(ApiCall.of(request).resource())))))
        .build();
    ExceptionHandler failures = ExceptionHandler.newBuilder()
        .matchAny(failure -> extractRequest(request -> complete(Responses.failure(failure, ApiCall.of(request).resource().orElse(null)))))
        .build();
    // The answers, built once; a path directive hands a request on to one.
    Route ok = handleSync(request -> text(200, "ok"));
    Route ready = handle(request -> readiness());
    Route version = handleSync(request -> Responses.json(200, version()));
    Route scrape = handleSync(request -> text(200, metrics.scrape()));
    Route core = handleSync(request -> discovery(request, true));
    Route groups = handleSync(request -> discovery(request, false));
    Route openApiIndex = handleSync(request -> Responses.json(200, openApi().index()));
    Route unknownResource = extractRequest(request -> unknownResourceWrite(request) ? complete(Responses.status(notFound(Optional.empty()))) : reject());
    Route others = concat(reviews(reviews), memberJoins(joins), unknownResource, readOnly(concat(
        path("healthz", () -> ok),
        path("livez", () -> ok),
        path("readyz", () -> ready),
        // The Python client asks for /version/; go-restful serves the path with and without the slash.
        pathPrefix("version", () -> pathEndOrSingleSlash(() -> version)),
        path("metrics", () -> scrape),
        pathPrefix("api", () -> pathEndOrSingleSlash(() -> core)),
        pathPrefix("apis", () -> pathEndOrSingleSlash(() -> groups)),
        pathPrefix(segment("openapi").slash("v3"), () -> pathEndOrSingleSlash(() -> openApiIndex)),
        pathPrefix(segment("openapi").slash("v3").slash(), () -> extractUnmatchedPath(document -> complete(found(openApi().document(document))))),
        extractUri(uri -> versionDiscovery(uri.path()).map(this::complete).orElse(nothing)))));
    Route route = attribute(ApiCall.KEY, call -> call.resource().isPresent() ? resources.route() : others);
    this.handler = route.seal(rejections, failures).handler(node.system());
  }

  /** Discovery of the resources served now. */
  private Discovery discovery() {
    return discovery.get(node.registry());
  }

  /** The OpenAPI documents of the resources served now. */
  private OpenApi openApi() {
    return openApi.get(node.registry());
  }

  /** The answer to a request that carries its {@link ApiCall}. */
  CompletionStage<HttpResponse> handle(HttpRequest request) {
    try {
      return handler.apply(request);
    } catch (Exception e) {
      // Pekko's function type declares exceptions; a sealed route answers every failure itself.
      return CompletableFuture.completedFuture(Responses.failure(e, null));
    }
  }

  /** The access reviews, which take POST only; a 405 names the review's kind. */
  private Route reviews(AccessReviews reviews) {
    Route post = post(() -> handle(request -> reviews.handle(request, ApiCall.of(request).user())));
    return extractUri(uri -> AccessReviews.kind(uri.path()).map(kind -> named(kind, post)).orElse(nothing));
  }

  /** {@link MemberJoins#PATH}, which takes POST only. */
  private Route memberJoins(MemberJoins joins) {
    Route post = named("memberjoins", post(() -> handle(joins::handle)));
    return path(MemberJoins.PATH, () -> post);
  }

  /** {@code inner}, whose 405s name {@code what} as the requested resource. */
  private Route named(String what, Route inner) {
    return mapRequest(request -> request.addAttribute(NAMED, what), () -> handleRejections(rejections, () -> inner));
  }

  /** {@code inner} to GET and HEAD: everything outside the resource paths is read-only. */
  private Route readOnly(Route inner) {
    return concat(get(() -> inner), head(() -> inner));
  }

  /** The path {@link MemberJoins#PATH} matches. */
  private static final String MEMBER_JOINS = "/apis/dirigent.io/v1/memberjoins";

  /**
   * A write below a group version that names no resource this server has (an APIService of
   * {@code apiregistration.k8s.io}, a kind of a group not served): Kubernetes answers 404, as for
   * a GET, not the 405 the read-only discovery paths above it give.
   */
  private static boolean unknownResourceWrite(HttpRequest request) {
    String method = request.method().value();
    if (method.equals("GET") || method.equals("HEAD")) {
      return false;
    }
    String path = request.getUri().path();
    if (AccessReviews.kind(path).isPresent() || path.equals(MEMBER_JOINS)) {
      return false;
    }
    String[] segments = Arrays.stream(path.split("/")).filter(segment -> !segment.isEmpty()).toArray(String[]::new);
    return segments.length > 2 && segments[0].equals("api") || segments.length > 3 && segments[0].equals("apis");
  }

  /** Kubernetes' 405, naming the method and the resource when the path names one. */
  private static ObjectNode methodNotAllowed(HttpRequest request) {
    Optional<String> what = ApiCall.of(request).resource().map(path -> path.type().resource()).or(() -> request.getAttribute(NAMED));
    return ApiStatus.failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource"
        + what.map(resource -> " (%s %s)".formatted(request.method().value(), resource)).orElse(""));
  }

  /**
   * Kubernetes' 404, naming the object and subresource when {@code resource} names a subresource
   * its resource does not have: that is the only way a resource path matches no row of the table.
   */
  private static ObjectNode notFound(Optional<ApiPath> resource) {
    Optional<ApiPath> subresource = resource.filter(path -> path.subresource() != null);
    return ApiStatus.failure(404, "NotFound", "the server could not find the requested resource"
        + subresource.map(path -> " (%s %s/%s)".formatted(path.type().resource(), path.name(), path.subresource())).orElse(""));
  }

  /**
   * {@code /api} (the core group) or {@code /apis} (the named groups): aggregated when the Accept
   * header asks for it, else the legacy documents.
   */
  private HttpResponse discovery(HttpRequest request, boolean core) {
    String accept = request.getHeader("Accept").map(header -> header.value()).orElse("");
    Optional<Discovery.Aggregated> aggregated = Discovery.negotiate(accept);
    if (aggregated.isPresent()) {
      ObjectNode document = core ? discovery().aggregatedCore(aggregated.get()) : discovery().aggregatedGroups(aggregated.get());
      return Responses.json(200, document, aggregated.get().contentType());
    }
    return Responses.json(200, core ? discovery().coreVersions(address) : discovery().groups());
  }

  /** {@code /api/v1}, {@code /apis/GROUP} and {@code /apis/GROUP/VERSION}; empty for any other path. */
  private Optional<HttpResponse> versionDiscovery(String path) {
    String[] segments = Arrays.stream(path.split("/")).filter(segment -> !segment.isEmpty()).toArray(String[]::new);
    if (segments.length == 2 && segments[0].equals("api")) {
      return Optional.of(found(discovery().resources(segments[1])));
    }
    if (segments.length == 2 && segments[0].equals("apis")) {
      return Optional.of(found(discovery().group(segments[1])));
    }
    if (segments.length == 3 && segments[0].equals("apis")) {
      return Optional.of(found(discovery().resources(segments[1] + "/" + segments[2])));
    }
    return Optional.empty();
  }

  /** 200 with {@code document}, or 404 when there is none. */
  private static HttpResponse found(Optional<ObjectNode> document) {
    return document.map(found -> Responses.json(200, found)).orElseGet(() -> Responses.status(notFound(Optional.empty())));
  }

  /**
   * Ready when the member is Up on the side of the cluster that the split brain resolver keeps,
   * reaches its journal, and its store answers a list.
   */
  private CompletionStage<HttpResponse> readiness() {
    Optional<String> unready = node.unready();
    if (unready.isPresent()) {
      return CompletableFuture.completedFuture(text(503, "not ready: " + unready.get()));
    }
    var namespaces = node.registry().byResource("namespaces").orElseThrow();
    return node.ready()
        .thenCompose(up -> node.store().list(namespaces, ListOptions.of(ObjectFilter.ALL).page(1, null)))
        .handle((listed, failure) -> failure == null ? text(200, "ok")
            : text(503, "not ready: " + StoreException.cause(failure).getMessage()));
  }

  private static ObjectNode version() {
    String dirigent = Optional.ofNullable(ApiServer.class.getPackage().getImplementationVersion()).orElse("dev");
    return KubeJson.MAPPER.createObjectNode()
        .put("major", ApiServer.KUBERNETES_MAJOR)
        .put("minor", ApiServer.KUBERNETES_MINOR)
        .put("gitVersion", "v" + ApiServer.KUBERNETES_MAJOR + "." + ApiServer.KUBERNETES_MINOR + ".0-dirigent-" + dirigent)
        .put("gitCommit", "")
        .put("gitTreeState", "clean")
        .put("buildDate", "")
        .put("goVersion", "java" + Runtime.version().feature())
        .put("compiler", "javac")
        .put("platform", System.getProperty("os.name").toLowerCase() + "/" + System.getProperty("os.arch"));
  }

  private static HttpResponse text(int code, String body) {
    return HttpResponse.create().withStatus(code).withEntity(ContentTypes.TEXT_PLAIN_UTF8, body);
  }
}
