package io.dirigent.api;

import com.typesafe.config.Config;
import io.dirigent.core.cluster.ClusterNode;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.Materializer;

/**
 * The API server of one control-plane member: Kubernetes REST paths over the store, and the
 * health and version endpoints. Stateless; every control-plane member runs one.
 *
 * <p>Its front is here: the Host check, client limits, authentication and authorization, the
 * request metrics and the request-timeout Status. What passes goes to {@link ApiRoutes}.
 */
public final class ApiServer implements AutoCloseable {

  /** The Kubernetes release whose API this server speaks (kubectl picks its client by it). */
  static final String KUBERNETES_MAJOR = "1";
  static final String KUBERNETES_MINOR = "31";
  private static final java.util.Set<String> HEALTH = java.util.Set.of("/healthz", "/livez", "/readyz");

  private final ClusterNode node;
  private final ApiRoutes routes;
  private final ApiMetrics metrics;
  private final ClientLimits limits;
  private final HostCheck hosts;
  private final ApiConnections binding;
  /** The cluster's certificate authority, when the API is served over TLS. */
  private final Optional<io.dirigent.core.pki.ClusterPki> authority;
  private final Authenticator authenticator;
  private final Authorizer authorizer;

  private ApiServer(ClusterNode node, ResourceRoutes resources, ApiMetrics metrics, ClientLimits limits, HostCheck hosts,
      ApiConnections binding, Optional<io.dirigent.core.pki.ClusterPki> authority, Authenticator authenticator, Authorizer authorizer,
      AccessReviews reviews, RequestBodies bodies) {
    this.authority = authority;
    this.authenticator = authenticator;
    this.authorizer = authorizer;
    this.node = node;
    this.routes = new ApiRoutes(node, metrics, binding.address().getHostString() + ":" + binding.address().getPort(), resources, reviews,
        new MemberJoins(node.system(), node.store(), authority, bodies));
    this.metrics = metrics;
    this.limits = limits;
    this.hosts = hosts;
    this.binding = binding;
  }

  /** Binds to {@code dirigent.api.host}:{@code dirigent.api.port} (port 0: any free port). */
  public static CompletionStage<ApiServer> start(ClusterNode node) {
    Config config = node.system().settings().config().getConfig("dirigent.api");
    Materializer materializer = Materializer.matFromSystem(node.system());
    ApiMetrics metrics = new ApiMetrics();
    ClientLimits limits = ClientLimits.from(config);
    RequestBodies bodies = new RequestBodies(config.getBytes("max-request-bytes"), bodyBudget(config),
        bodyTimeout(node.system().settings().config()), materializer);
    Authorizer authorizer = new Authorizer(io.dirigent.core.auth.RbacWatcher.start(node.system(), node.store(),
        "rbac-" + java.util.UUID.randomUUID()));
    java.nio.file.Path pkiDir = java.nio.file.Path.of(config.getString("tls.pki-dir"));
    HostCheck hosts = HostCheck.from(config);
    io.dirigent.core.auth.ServiceAccountTokens serviceAccountTokens;
    java.util.Map<String, io.dirigent.core.auth.UserInfo> staticTokens;
    Optional<io.dirigent.core.pki.ClusterPki> authority;
    Optional<ApiTls> tls;
    try {
      serviceAccountTokens = new io.dirigent.core.auth.ServiceAccountTokens(
          io.dirigent.core.pki.ClusterPki.signingKey(pkiDir, "service-account"), java.time.Clock.systemUTC());
      staticTokens = config.getString("token-file").isEmpty() ? java.util.Map.of()
          : Authenticator.readTokenFile(java.nio.file.Path.of(config.getString("token-file")));
      authority = config.getBoolean("tls.enabled")
          ? Optional.of(io.dirigent.core.pki.ClusterPki.loadOrCreate(pkiDir, "dirigent", java.time.Clock.systemUTC()))
          : Optional.empty();
      tls = authority.isPresent() ? Optional.of(ApiTls.from(authority.get(), hosts)) : Optional.empty();
    } catch (java.io.IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    ResourceRoutes resources = new ResourceRoutes(
        new ResourceApi(node.store(), bodies, config.getDuration("watch-timeout"), metrics, limits,
            io.dirigent.core.security.PodSecurityAdmission.from(node.store(), node.system().settings().config()), authorizer),
        new DeleteApi(node.store(), bodies), new SubresourceApi(node.store(), bodies, serviceAccountTokens), node::unready);
    Authenticator authenticator = new Authenticator(authority.isPresent(), staticTokens, serviceAccountTokens,
        config.getStringList("service-account-audiences"), node.store());
    AccessReviews reviews = new AccessReviews(authorizer, authenticator, bodies);
    // Node agents get their pods' tokens from here, through the cluster.
    node.system().systemActorOf(io.dirigent.core.auth.TokenIssuer.create(node.store(), serviceAccountTokens),
        "token-issuer-" + java.util.UUID.randomUUID(), org.apache.pekko.actor.typed.Props.empty());
    var holder = new CompletableFuture<ApiServer>();
    Function<HttpRequest, CompletionStage<HttpResponse>> handler = request -> holder.thenCompose(server -> server.handle(request));
    return ApiConnections.bind(node.system(), config.getString("host"), config.getInt("port"),
            config.getDuration("request-arrival-timeout"), tls, config.getBoolean("tls.http2"), handler)
        .thenApply(binding -> {
          ApiServer server = new ApiServer(node, resources, metrics, limits, hosts, binding, authority, authenticator, authorizer, reviews, bodies);
          // Where this API server is, for the kubernetes Service's Endpoints (and whoever balances over them).
          server.identity = node.system().systemActorOf(io.dirigent.core.cluster.HolderLease.create(node.store(),
                  io.dirigent.core.cluster.HolderLease.apiServer(node.system(), config.getString("host"), binding.address().getPort()),
                  java.time.Clock.systemUTC()),
              "apiserver-identity-" + java.util.UUID.randomUUID(), org.apache.pekko.actor.typed.Props.empty());
          holder.complete(server);
          server.stopsWith(org.apache.pekko.actor.CoordinatedShutdown.get(node.system()));
          return server;
        });
  }

  /**
   * The API server's part of the member's coordinated shutdown: it stops listening first (a load
   * balancer's next check goes elsewhere), and ends the connections still open — watches, which
   * clients resume on another member — once the member's services stop.
   */
  private void stopsWith(org.apache.pekko.actor.CoordinatedShutdown shutdown) {
    java.util.function.Supplier<CompletionStage<org.apache.pekko.Done>> unbind = () -> {
      var lease = identity;
      if (lease != null) {
        lease.tell(new io.dirigent.core.cluster.HolderLease.Stop());
      }
      return binding.unbind(java.time.Duration.ofMillis(shutdown.timeout(org.apache.pekko.actor.CoordinatedShutdown.PhaseServiceUnbind()).toMillis()))
          .thenApply(done -> {
            org.slf4j.LoggerFactory.getLogger(ApiServer.class).info("shutdown step=api-unbound address={}", url());
            return done;
          });
    };
    java.util.function.Supplier<CompletionStage<org.apache.pekko.Done>> endConnections = () -> {
      close();
      return CompletableFuture.completedFuture(org.apache.pekko.Done.getInstance());
    };
    shutdown.addTask(org.apache.pekko.actor.CoordinatedShutdown.PhaseServiceUnbind(), "dirigent-api-unbind", unbind);
    shutdown.addTask(org.apache.pekko.actor.CoordinatedShutdown.PhaseServiceStop(), "dirigent-api-connections", endConnections);
  }

  /** How long a request body may take: the request timeout, or a minute when that is infinite. */
  private static java.time.Duration bodyTimeout(Config config) {
    String timeout = config.getString("pekko.http.server.request-timeout");
    return timeout.equals("infinite") || timeout.equals("off") ? java.time.Duration.ofMinutes(1)
        : config.getDuration("pekko.http.server.request-timeout");
  }

  /** {@code limits.request-bytes-in-flight}: a size, or "auto", an eighth of the heap. */
  private static long bodyBudget(Config api) {
    String setting = api.getString("limits.request-bytes-in-flight");
    return setting.equals("auto") ? Runtime.getRuntime().maxMemory() / 8 : api.getBytes("limits.request-bytes-in-flight");
  }

  /** The cluster's certificate authority the server serves with; empty over plain HTTP. */
  public Optional<io.dirigent.core.pki.ClusterPki> authority() {
    return authority;
  }

  /** Where the server listens. */
  public InetSocketAddress address() {
    return binding.address();
  }

  /** The base URL clients use, e.g. {@code https://127.0.0.1:6443}. */
  public String url() {
    return (authority.isPresent() ? "https://" : "http://") + address().getHostString() + ":" + address().getPort();
  }

  /** Keeps this API server's identity Lease; set once it listens. */
  private volatile org.apache.pekko.actor.typed.ActorRef<io.dirigent.core.cluster.HolderLease.Command> identity;

  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * Stops accepting connections and ends the open ones (watches included); once, whether the
   * member's coordinated shutdown or the caller comes first.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    var lease = identity;
    if (lease != null) {
      lease.tell(new io.dirigent.core.cluster.HolderLease.Stop());
    }
    binding.close();
    metrics.close();
  }

  /** The front: whatever a request asks, in this order, before it is routed. */
  private CompletionStage<HttpResponse> handle(HttpRequest request) {
    long start = System.nanoTime();
    // A request that outlasts pekko.http.server.request-timeout is answered as Kubernetes answers it.
    request.getHeader(org.apache.pekko.http.javadsl.model.headers.TimeoutAccess.class).ifPresent(access ->
        access.timeoutAccess().updateHandler(timedOut -> Responses.status(ApiStatus.failure(504, "Timeout",
            "Timeout: request did not complete within the allowed duration"))));
    String path = request.getUri().path();
    Optional<String> host = request.getHeader("Host").map(header -> header.value());
    if (!hosts.allows(host)) {
      return CompletableFuture.completedFuture(Responses.status(ApiStatus.failure(403, "Forbidden",
          "the Host header \"%s\" does not name this server: add the name to dirigent.api.served-names".formatted(host.orElse("")))));
    }
    Optional<ApiPath> resource = ApiPath.parse(path, node.registry());
    // Health checks are answered whatever a client holds or sends, as Kubernetes exempts them.
    String client = HEALTH.contains(path) ? null : ClientLimits.client(request);
    CompletionStage<HttpResponse> routed;
    if (client == null) {
      routed = route(request, resource, Authenticator.LOOPBACK_ADMIN);
    } else if (limits.startRequest(client)) {
      routed = authorized(request, resource).whenComplete((response, failure) -> limits.endRequest(client));
    } else {
      routed = CompletableFuture.completedFuture(ClientLimits.tooMany("requests in flight"));
    }
    return routed.thenApply(response -> {
      metrics.request(resource.map(p -> ApiMetrics.verb(request, p)).orElse(request.method().value()),
          resource.map(p -> p.type().resource()).orElse(""), response.status().intValue(), start);
      return response;
    });
  }

  /**
   * Who sent the request (401 when nobody the cluster knows, or with credentials good for
   * nothing), whether RBAC lets them (403 if not), and then the answer.
   */
  private CompletionStage<HttpResponse> authorized(HttpRequest request, Optional<ApiPath> resource) {
    return authenticator.authenticate(request).thenCompose(result -> {
      if (result.user().isEmpty()) {
        return CompletableFuture.completedFuture(Responses.status(ApiStatus.failure(401, "Unauthorized", "Unauthorized")));
      }
      if (Impersonation.asked(request)) {
        return Impersonation.resolve(request, result.user().get(), authorizer).thenCompose(outcome -> outcome.user().isPresent()
            ? authorizedAs(request, resource, outcome.user().get())
            : CompletableFuture.completedFuture(Responses.status(outcome.refusal().orElseThrow())));
      }
      return authorizedAs(request, resource, result.user().get());
    });
  }

  /** Whether RBAC lets {@code user} make the request (403 if not), and then the answer. */
  private CompletionStage<HttpResponse> authorizedAs(HttpRequest request, Optional<ApiPath> resource,
      io.dirigent.core.auth.UserInfo user) {
    io.dirigent.core.auth.AccessRequest access;
    try {
      access = RequestInfo.of(request, user);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(Responses.failure(e, null));
    }
    return authorizer.decide(access).thenCompose(decision -> decision.allowed()
        ? route(request, resource, user)
        : CompletableFuture.completedFuture(Responses.status(Authorizer.forbidden(access))));
  }

  /** Hands the request, with what the front learnt about it, to the routes. */
  private CompletionStage<HttpResponse> route(HttpRequest request, Optional<ApiPath> resource, io.dirigent.core.auth.UserInfo user) {
    return routes.handle(request.addAttribute(ApiCall.KEY, new ApiCall(user, resource)));
  }
}
