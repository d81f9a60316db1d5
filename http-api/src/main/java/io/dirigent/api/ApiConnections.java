package io.dirigent.api;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.TLSProtocol;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;

/**
 * The API server's connections: Pekko HTTP's server layer on each TCP connection, as
 * {@code Http.bind} assembles it, with what that leaves out. The connection's own bytes are
 * watched, so that when a client closes its socket the responses still streaming to it (a quiet
 * watch) end at once; Pekko HTTP's layer notices only when a write fails, or at its idle timeout,
 * which watches cannot have. And each connection's requests pass a {@link ConnectionGuard}.
 */
final class ApiConnections implements AutoCloseable {

  private final Tcp.ServerBinding binding;
  private final SharedKillSwitch connections;
  /** How long {@link #close} waits for the listener to stop: the member's shutdown phase for it ({@code service-unbind}). */
  private final Duration unbindTimeout;

  private ApiConnections(Tcp.ServerBinding binding, SharedKillSwitch connections, Duration unbindTimeout) {
    this.binding = binding;
    this.connections = connections;
    this.unbindTimeout = unbindTimeout;
  }

  /**
   * Listens on {@code host}:{@code port} with Pekko HTTP's server settings
   * ({@code pekko.http.server}: backlog, max-connections, parsing) and answers with {@code handler}.
   */
  static CompletionStage<ApiConnections> bind(ActorSystem<?> system, String host, int port, Duration requestArrival,
      Optional<ApiTls> tls, boolean http2, Function<HttpRequest, CompletionStage<HttpResponse>> handler) {
    ServerSettings settings = ServerSettings.create(system.classicSystem());
    SharedKillSwitch connections = KillSwitches.shared("api-connections");
    Http http = Http.get(system);
    return Tcp.get(system).bind(host, port, settings.getBacklog(), List.of(), false, Optional.empty())
        // At most max-connections at once, as Http.bind: the next is accepted when one ends.
        .mapAsyncUnordered(settings.getMaxConnections(), incoming -> {
          CompletableFuture<Done> clientGone = new CompletableFuture<>();
          Flow<HttpRequest, HttpResponse, NotUsed> requests = Flow.of(HttpRequest.class)
              .via(new ConnectionGuard(requestArrival, clientGone))
              .mapAsync(1, handler);
          var http1 = http.serverLayer(settings, Optional.of(incoming.remoteAddress()), system.classicSystem().log());
          if (!(tls.isPresent() && http2)) {
            return serve(system, incoming, requests.join(http1.atop(tls.map(ApiConnections::encrypted).orElseGet(ApiConnections::plainText))),
                clientGone, connections);
          }
          // Over TLS, HTTP/2 when the client asks for it (ALPN), HTTP/1.1 otherwise. The HTTP/1.1
          // side has its guard; the handshake and HTTP/2 are held to the same bound here: a
          // connection with nothing in flight for the request-arrival timeout is closed.
          ConnectionActivity activity = new ConnectionActivity();
          SharedKillSwitch idle = KillSwitches.shared("api-connection-idle");
          var check = system.scheduler().scheduleWithFixedDelay(requestArrival, requestArrival.dividedBy(2), () -> {
            if (activity.idleFor(requestArrival)) {
              idle.abort(new java.util.concurrent.TimeoutException("no request in flight for " + requestArrival));
            }
          }, system.executionContext());
          Flow<ByteString, ByteString, NotUsed> protocol = Http2Layer.alpn(system, tls.get(), incoming.remoteAddress(),
                  requests.join(http1), activity.counting(handler))
              .via(idle.flow());
          return serve(system, incoming, protocol, clientGone, connections).whenComplete((done, failure) -> check.cancel());
        })
        .to(Sink.ignore())
        .run(system)
        .thenApply(binding -> new ApiConnections(binding, connections,
            Duration.ofMillis(org.apache.pekko.actor.CoordinatedShutdown.get(system).timeout(org.apache.pekko.actor.CoordinatedShutdown.PhaseServiceUnbind()).toMillis())));
  }

  /** Runs one connection's {@code protocol} over its bytes until either side ends it. */
  private static CompletionStage<Done> serve(ActorSystem<?> system, Tcp.IncomingConnection incoming, Flow<ByteString, ByteString, NotUsed> protocol,
      CompletableFuture<Done> clientGone, SharedKillSwitch connections) {
    Flow<ByteString, ByteString, CompletionStage<Done>> connection = protocol
        .join(watchingInput(clientGone))
        .via(connections.flow())
        .watchTermination(Keep.right());
    return incoming.handleWith(connection, system).handle((done, failure) -> Done.getInstance());
  }

  InetSocketAddress address() {
    return binding.localAddress();
  }

  /**
   * Stops listening; the open connections carry on. A listener that is gone already — its actor
   * system stopped under it, as a downed member's does, which fails the unbind with "IO Listener
   * actor terminated unexpectedly" — listens no more: that is done, not an error.
   */
  synchronized CompletionStage<Done> unbind(Duration timeout) {
    if (unbound == null) {
      unbound = unbindOnce(timeout);
    }
    return unbound;
  }

  /** The one unbind: a second would ask a listener that is gone. */
  private CompletionStage<Done> unbound;

  private CompletionStage<Done> unbindOnce(Duration timeout) {
    return binding.unbind().toCompletableFuture().orTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .handle((done, failure) -> {
          if (failure != null) {
            Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            org.slf4j.LoggerFactory.getLogger(ApiConnections.class).info(cause instanceof java.util.concurrent.TimeoutException
                ? "the API server's listener did not stop listening within " + timeout : "the API server's listener was gone already: " + cause);
          }
          return Done.getInstance();
        });
  }

  /** Ends every open connection, watches included. */
  void endConnections() {
    connections.shutdown();
  }

  /** Stops listening, then ends every open connection. */
  @Override
  public void close() {
    unbind(unbindTimeout).toCompletableFuture().join();
    endConnections();
  }

  /** TLS under the server layer, one engine per connection. */
  private static BidiFlow<TLSProtocol.SslTlsOutbound, ByteString, ByteString, TLSProtocol.SslTlsInbound, NotUsed> encrypted(ApiTls tls) {
    return org.apache.pekko.stream.javadsl.TLS.create(tls::engine, org.apache.pekko.stream.TLSClosing.eagerClose());
  }

  /** Plain TCP under the server layer, which speaks TLS records: the bytes as they are. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static BidiFlow<TLSProtocol.SslTlsOutbound, ByteString, ByteString, TLSProtocol.SslTlsInbound, NotUsed> plainText() {
    SSLSession none = NoSession.SESSION;
    Flow<TLSProtocol.SslTlsOutbound, ByteString, NotUsed> out = Flow.of(TLSProtocol.SslTlsOutbound.class)
        .filter(message -> message instanceof TLSProtocol.SendBytes)
        .map(message -> ((TLSProtocol.SendBytes) message).bytes());
    Flow<ByteString, TLSProtocol.SslTlsInbound, NotUsed> in = (Flow) Flow.of(ByteString.class)
        .map(bytes -> new TLSProtocol.SessionBytes(none, bytes));
    return BidiFlow.fromFlows(out, in);
  }

  /** The connection's bytes unchanged; {@code clientGone} completes when the client's side ends. */
  private static BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> watchingInput(CompletableFuture<Done> clientGone) {
    Flow<ByteString, ByteString, NotUsed> in = Flow.of(ByteString.class).watchTermination((notUsed, done) -> {
      done.whenComplete((ended, failure) -> clientGone.complete(Done.getInstance()));
      return NotUsed.getInstance();
    });
    return BidiFlow.fromFlows(Flow.of(ByteString.class), in);
  }

  /** The session plain bytes arrive in: none, which the server layer reads only for TLS details. */
  private static final class NoSession {
    static final SSLSession SESSION = session();

    private static SSLSession session() {
      try {
        return SSLContext.getDefault().createSSLEngine().getSession();
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JDK has no default TLS context", e);
      }
    }
  }
}
