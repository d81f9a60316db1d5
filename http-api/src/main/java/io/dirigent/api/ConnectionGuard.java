package io.dirigent.api;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.AttributeKey;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;

/**
 * Watches one connection's requests, between Pekko HTTP's parser and the API's handler:
 * <ul>
 *   <li>It closes a connection on which no request arrives for {@code timeout}, counted from when
 *       the connection opened, or from when its last response was handed over, until the next
 *       request's headers are complete. One bound covers a client that sends its headers a byte
 *       at a time (slowloris: Pekko HTTP has no header timeout) and a kept-alive connection nobody
 *       uses (Go's ReadHeaderTimeout and IdleTimeout, which Kubernetes sets), while a watch,
 *       however quiet, runs to its own end: the connection closes after a response, not during it.
 *   <li>It hands each request the signal that its client has gone (its side of the connection
 *       ended), so that what still streams to it can end, as Go cancels a request's context: a
 *       quiet watch whose client closed its socket would otherwise stay open until its next event
 *       failed to write, or for the whole watch timeout.
 * </ul>
 *
 * <p>One instance per connection: the API server's handler flow is materialized per connection.
 */
final class ConnectionGuard extends GraphStage<FlowShape<HttpRequest, HttpRequest>> {

  /** Completes when the request's client has closed its side of the connection. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static final AttributeKey<CompletionStage<Done>> CLIENT_GONE = (AttributeKey) AttributeKey.create("dirigent-client-gone", CompletionStage.class);
  private static final String TIMER = "request-arrival";

  private final Duration timeout;
  private final CompletableFuture<Done> clientGone;
  private final Inlet<HttpRequest> in = Inlet.create("ConnectionGuard.in");
  private final Outlet<HttpRequest> out = Outlet.create("ConnectionGuard.out");
  private final FlowShape<HttpRequest, HttpRequest> shape = FlowShape.of(in, out);

  /** {@code clientGone} completes when the client's side of the connection ends (see {@link ApiConnections}). */
  ConnectionGuard(Duration timeout, CompletableFuture<Done> clientGone) {
    this.timeout = timeout;
    this.clientGone = clientGone;
  }

  /** {@code stream}, ended early when the client of {@code request} goes away. */
  static <T> Source<T, NotUsed> untilClientGone(HttpRequest request, Source<T, NotUsed> stream) {
    return request.getAttribute(CLIENT_GONE)
        .map(gone -> stream.viaMat(KillSwitches.single(), Keep.right())
            .mapMaterializedValue(kill -> {
              gone.thenRun(kill::shutdown);
              return NotUsed.getInstance();
            }))
        .orElse(stream);
  }

  @Override
  public FlowShape<HttpRequest, HttpRequest> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new TimerGraphStageLogic(shape) {
      {
        setHandler(in, new AbstractInHandler() {
          @Override
          public void onPush() {
            cancelTimer(TIMER);
            HttpRequest request = grab(in);
            // After a WebSocket upgrade no HTTP request follows; the socket's own protocol takes over.
            upgraded = upgraded || request.getAttribute(AttributeKeys.webSocketUpgrade).isPresent();
            push(out, request.addAttribute(CLIENT_GONE, clientGone));
          }
        });
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            // Pulled: the last request has its response, and the connection waits for the next.
            if (!upgraded) {
              scheduleOnce(TIMER, timeout);
            }
            pull(in);
          }
        });
      }

      private boolean upgraded;

      @Override
      public void onTimer(Object key) {
        // Completing ends the request stream: Pekko HTTP finishes any response still being sent, then closes.
        completeStage();
      }
    };
  }
}
