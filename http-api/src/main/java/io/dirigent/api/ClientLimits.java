package io.dirigent.api;

import com.typesafe.config.Config;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;

/**
 * What one client may hold at once: requests in flight and open watches, each bounded (the idea of
 * Kubernetes' max-requests-inflight, per client as API Priority and Fairness divides it). A client
 * is its remote address until requests carry identities. Beyond a bound the request is answered
 * 429 TooManyRequests with Retry-After, as Kubernetes answers it, and clients back off and retry.
 *
 * <p>A watch counts from the moment its stream starts to its end, however it ends; the check
 * before it starts lets at most the watches starting at that moment past the bound.
 */
final class ClientLimits {

  private static final long RETRY_AFTER_SECONDS = 1;

  private final int requestsPerClient;
  private final int watchesPerClient;
  private final java.time.Duration unreadWatch;
  private final ConcurrentHashMap<String, Held> clients = new ConcurrentHashMap<>();

  /** What one client holds; dropped when it holds nothing. */
  private static final class Held {
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger watches = new AtomicInteger();
  }

  ClientLimits(int requestsPerClient, int watchesPerClient, java.time.Duration unreadWatch) {
    this.requestsPerClient = requestsPerClient;
    this.watchesPerClient = watchesPerClient;
    this.unreadWatch = unreadWatch;
  }

  /** From {@code dirigent.api.limits}. */
  static ClientLimits from(Config api) {
    return new ClientLimits(api.getInt("limits.requests-in-flight-per-client"), api.getInt("limits.watches-per-client"),
        api.getDuration("limits.unread-watch-timeout"));
  }

  /**
   * How long a watch may wait for its client to read the last event before it is ended: the
   * events after it would otherwise pile up for a client that does not read (up to
   * {@code dirigent.store.watch-buffer} of them), as Kubernetes ends a watcher that falls behind.
   */
  java.time.Duration unreadWatchTimeout() {
    return unreadWatch;
  }

  /** Who sent {@code request}: its remote address, or "unknown" when the connection has none. */
  static String client(HttpRequest request) {
    return request.getAttribute(AttributeKeys.remoteAddress)
        .flatMap(address -> address.getAddress())
        .map(java.net.InetAddress::getHostAddress)
        .orElse("unknown");
  }

  /** Takes a slot for a request of {@code client}; false (and nothing taken) when it has its bound in flight. */
  boolean startRequest(String client) {
    boolean[] started = {false};
    clients.compute(client, (key, held) -> {
      Held counts = held == null ? new Held() : held;
      if (counts.requests.get() < requestsPerClient) {
        counts.requests.incrementAndGet();
        started[0] = true;
      }
      return counts;
    });
    if (!started[0]) {
      release(client);
    }
    return started[0];
  }

  void endRequest(String client) {
    clients.computeIfPresent(client, (key, held) -> {
      held.requests.decrementAndGet();
      return held.requests.get() == 0 && held.watches.get() == 0 ? null : held;
    });
  }

  /** Whether {@code client} may open another watch now. */
  boolean mayWatch(String client) {
    Held held = clients.get(client);
    return held == null || held.watches.get() < watchesPerClient;
  }

  void watchStarted(String client) {
    clients.compute(client, (key, held) -> {
      Held counts = held == null ? new Held() : held;
      counts.watches.incrementAndGet();
      return counts;
    });
  }

  void watchEnded(String client) {
    clients.computeIfPresent(client, (key, held) -> {
      held.watches.decrementAndGet();
      return held.requests.get() == 0 && held.watches.get() == 0 ? null : held;
    });
  }

  /** The watches {@code client} has open (for tests and metrics). */
  int watches(String client) {
    Held held = clients.get(client);
    return held == null ? 0 : held.watches.get();
  }

  /** Drops an entry that holds nothing (left by a refused start). */
  private void release(String client) {
    clients.computeIfPresent(client, (key, held) -> held.requests.get() == 0 && held.watches.get() == 0 ? null : held);
  }

  /** Kubernetes' answer when a client is over a bound. */
  static HttpResponse tooMany(String what) {
    var status = ApiStatus.failure(429, "TooManyRequests", "Too many requests, please try again later (" + what + ").");
    status.putObject("details").put("retryAfterSeconds", RETRY_AFTER_SECONDS);
    return Responses.status(status).addHeader(RetryAfter.create(RETRY_AFTER_SECONDS));
  }
}
