package io.dirigent.api;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.japi.function.Function;

/**
 * What an HTTP/2 connection is doing: requests whose responses have not ended (a watch's lasts as
 * long as the watch), and when the last one ended. {@link ConnectionGuard} bounds an HTTP/1.1
 * connection that carries no request; this does the same for one that speaks HTTP/2, or has not
 * finished its TLS handshake: nothing in flight for longer than the request-arrival timeout, and
 * the connection is closed. Thread-safe: requests of one connection run concurrently.
 */
final class ConnectionActivity {

  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile long idleSince = System.nanoTime();

  /** {@code handler}, counting each request until its response (body included) has been sent or abandoned. */
  Function<HttpRequest, CompletionStage<HttpResponse>> counting(Function<HttpRequest, CompletionStage<HttpResponse>> handler) {
    return request -> {
      inFlight.incrementAndGet();
      CompletionStage<HttpResponse> answer;
      try {
        answer = handler.apply(request);
      } catch (Exception e) {
        ended();
        throw e;
      }
      return answer.handle((response, failure) -> {
        if (failure != null) {
          ended();
          throw failure instanceof java.util.concurrent.CompletionException c ? c : new java.util.concurrent.CompletionException(failure);
        }
        if (response.entity().isStrict()) {
          ended();
          return response;
        }
        // Streamed over HTTP/2 as DATA frames either way; only its end is needed here.
        return response.withEntity(HttpEntities.createChunked(response.entity().getContentType(), response.entity().getDataBytes()
            .watchTermination((notUsed, done) -> {
              done.whenComplete((Done finished, Throwable cancelled) -> ended());
              return notUsed;
            })));
      });
    };
  }

  private void ended() {
    idleSince = System.nanoTime();
    inFlight.decrementAndGet();
  }

  /** Whether nothing has been in flight for {@code timeout}. */
  boolean idleFor(Duration timeout) {
    return inFlight.get() == 0 && System.nanoTime() - idleSince >= timeout.toNanos();
  }
}
