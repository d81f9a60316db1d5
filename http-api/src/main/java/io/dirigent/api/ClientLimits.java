package io.dirigent.api;

import com.typesafe.config.Config;
import java.util.concurrent.ConcurrentHashMap;
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

  private final int requestsPerClient;
  private final int watchesPerClient;
  private final java.time.Duration unreadWatch;
  private final ConcurrentHashMap<String, Held> clients = new ConcurrentHashMap<>();

  /** What one client holds; a client that holds nothing has no entry. Changed only inside the map's compute. */
  private record Held(int requests, int watches) {
    static final Held NOTHING = new Held(0, 0);

    /** This with the deltas added; null (no entry) when it then holds nothing. */
    Held plus(int moreRequests, int moreWatches) {
      Held sum = new Held(requests + moreRequests, watches + moreWatches);
      return sum.equals(NOTHING) ? null : sum;
    }
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
      Held counts = held == null ? Held.NOTHING : held;
      started[0] = counts.requests() < requestsPerClient;
      return started[0] ? counts.plus(1, 0) : held;
    });
    return started[0];
  }

  void endRequest(String client) {
    adjust(client, -1, 0);
  }

  /** Whether {@code client} may open another watch now. */
  boolean mayWatch(String client) {
    Held held = clients.get(client);
    return held == null || held.watches() < watchesPerClient;
  }

  void watchStarted(String client) {
    adjust(client, 0, 1);
  }

  void watchEnded(String client) {
    adjust(client, 0, -1);
  }

  private void adjust(String client, int requests, int watches) {
    clients.compute(client, (key, held) -> (held == null ? Held.NOTHING : held).plus(requests, watches));
  }

  /** Kubernetes' answer when a client is over a bound. */
  static HttpResponse tooMany(String what) {
    return Responses.status(ApiStatus.tooManyRequests(what)).addHeader(RetryAfter.create(ApiStatus.RETRY_AFTER_SECONDS));
  }
}
