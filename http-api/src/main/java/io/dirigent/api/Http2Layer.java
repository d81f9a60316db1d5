package io.dirigent.api;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.impl.engine.http2.Http2;
import org.apache.pekko.http.impl.engine.http2.Http2Blueprint;
import org.apache.pekko.http.impl.engine.http2.TelemetrySpi;
import org.apache.pekko.http.impl.engine.server.ServerTerminator;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.ConnectionContext;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.TLSProtocol;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.scaladsl.Keep;
import org.apache.pekko.util.ByteString;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;

/**
 * HTTP/2 beside HTTP/1.1 on one TLS connection, chosen by ALPN ({@code h2} or {@code http/1.1}),
 * as client-go negotiates it to multiplex its watches over one connection. Pekko HTTP serves
 * HTTP/2 only from its own {@code bind}, which would take away what {@link ApiConnections} adds
 * to each connection; this uses the pieces that {@code bind} is made of (Pekko HTTP's internal
 * API, pinned with its version in the parent pom): its ALPN switch, its HTTP/2 server stack, and
 * our own HTTP/1.1 stack for the other protocol.
 */
final class Http2Layer {

  private Http2Layer() {}

  /**
   * The bytes of one TLS connection: {@code http1} (TLS sessions in and out) when the client
   * speaks HTTP/1.1, HTTP/2 streams answered by {@code handler} when it speaks {@code h2}.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Flow<ByteString, ByteString, NotUsed> alpn(ActorSystem<?> system, ApiTls tls, java.net.InetSocketAddress remote,
      Flow<TLSProtocol.SslTlsInbound, TLSProtocol.SslTlsOutbound, NotUsed> http1,
      Function<HttpRequest, CompletionStage<HttpResponse>> handler) {
    var classic = system.classicSystem();
    // Pekko's javadsl settings are its scaladsl ones underneath.
    ServerSettings settings = (ServerSettings) org.apache.pekko.http.javadsl.settings.ServerSettings.create(classic);
    // Shutting the server down is the connections' kill switch's business, not this terminator's.
    ServerTerminator none = (deadline, executor) -> scala.concurrent.Future$.MODULE$.failed(new UnsupportedOperationException("connections end by their kill switch"));
    scala.Function1<org.apache.pekko.http.scaladsl.model.HttpRequest, Future<org.apache.pekko.http.scaladsl.model.HttpResponse>> scalaHandler =
        request -> {
          try {
            return FutureConverters.asScala(handler.apply(request)
                .thenApply(response -> (org.apache.pekko.http.scaladsl.model.HttpResponse) response));
          } catch (Exception e) {
            return scala.concurrent.Future$.MODULE$.failed(e);
          }
        };
    var http2 = Http2Blueprint.handleWithStreamIdHeader(settings.http2Settings().maxConcurrentStreams(), scalaHandler, classic.dispatcher())
        .joinMat(Http2Blueprint.serverStackTls(settings, classic.log(), TelemetrySpi.create(classic),
            ((org.apache.pekko.http.scaladsl.HttpExt) org.apache.pekko.http.scaladsl.Http.get(classic)).dateHeaderRendering()), Keep.right())
        // Each request's remote-address attribute (the per-client limits' key) comes from here, as Pekko's bind sets it.
        .addAttributes(org.apache.pekko.http.impl.engine.server.HttpAttributes$.MODULE$.remoteAddress(remote));
    var first = http1.mapMaterializedValue(notUsed -> none).asScala();
    var bytes = Http2.get(classic).httpsWithAlpn(ConnectionContext.httpsServer(tls::engine),
        (org.apache.pekko.stream.scaladsl.Flow) first, (org.apache.pekko.stream.scaladsl.Flow) http2);
    return bytes.asJava().mapMaterializedValue(terminator -> NotUsed.getInstance());
  }
}
