package io.dirigent.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.compat.Tables;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.WatchEvent;
import io.dirigent.core.store.WatchOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.Query;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * {@code ?watch=true}: the store's watch as Kubernetes streams it — one JSON event per chunk of a
 * chunked response, or, when the request asks to upgrade (as fabric8's client does), one event per
 * WebSocket text message. With a Table asked for, each object arrives as a Table of one row.
 */
final class WatchApi {

  private static final ByteString NEWLINE = ByteString.fromString("\n");

  private final Store store;
  private final Duration maxWatch;
  private final ApiMetrics metrics;
  private final ClientLimits limits;

  WatchApi(Store store, Duration maxWatch, ApiMetrics metrics, ClientLimits limits) {
    this.store = store;
    this.maxWatch = maxWatch;
    this.metrics = metrics;
    this.limits = limits;
  }

  /** Why a watch was ended: its client read nothing for the timeout. One line in the log, no stack. */
  static final class Unread extends RuntimeException {
    Unread(Duration timeout) {
      super("the client read nothing of its watch for %d s; the watch is ended and its connection aborted".formatted(timeout.toSeconds()), null, false, false);
    }
  }

  CompletionStage<HttpResponse> watch(HttpRequest request, ApiPath path, Query query) {
    // Bad parameters are answered before the stream starts, with a Status of their own.
    ObjectFilter filter = QueryParams.filter(path, query);
    filter.compile(path.type());
    String version = query.get("resourceVersion").orElse("");
    if (!version.isEmpty()) {
      QueryParams.parseLong(version);
    }
    WatchOptions options = new WatchOptions(filter, version, QueryParams.flag(query, "allowWatchBookmarks"));
    Optional<Tables.Version> table = QueryParams.table(request);
    Tables.IncludeObject include = table.isPresent() ? QueryParams.includeObject(query) : Tables.IncludeObject.METADATA;
    int seconds = QueryParams.intParam(query, "timeoutSeconds");
    Duration timeout = seconds > 0 && Duration.ofSeconds(seconds).compareTo(maxWatch) < 0 ? Duration.ofSeconds(seconds) : maxWatch;
    String client = ClientLimits.client(request);
    if (!limits.mayWatch(client)) {
      return CompletableFuture.completedFuture(ClientLimits.tooMany("open watches"));
    }
    Source<ByteString, NotUsed> events = ConnectionGuard.untilClientGone(request, store.watch(path.type(), options))
        .takeWithin(timeout)
        .map(event -> {
          boolean anObject = event.type() != WatchEvent.Type.ERROR && event.type() != WatchEvent.Type.BOOKMARK;
          if (table.isPresent() && anObject) {
            ObjectNode line = KubeJson.MAPPER.createObjectNode().put("type", event.type().name());
            line.set("object", Tables.table(path.type(), table.get(), List.of(event.object()), include, Instant.now(),
                event.object().path("metadata").path("resourceVersion").asText(null), null, 0));
            return ByteString.fromArray(KubeJson.MAPPER.writeValueAsBytes(line)).concat(NEWLINE);
          }
          // The event's line is shared by every watcher of the change.
          return ByteString.fromArrayUnsafe(event.json());
        })
        // A client that stops reading is let go, not buffered for: its connection is aborted.
        .backpressureTimeout(limits.unreadWatchTimeout())
        .mapError(org.apache.pekko.stream.BackpressureTimeoutException.class, unread -> new Unread(limits.unreadWatchTimeout()))
        .watchTermination((notUsed, done) -> {
          metrics.watchOpened();
          limits.watchStarted(client);
          done.whenComplete((ended, failure) -> {
            metrics.watchClosed();
            limits.watchEnded(client);
          });
          return notUsed;
        });
    Optional<WebSocketUpgrade> upgrade = request.getAttribute(AttributeKeys.webSocketUpgrade);
    if (upgrade.isPresent()) {
      // A message is the line without its newline.
      Source<Message, NotUsed> messages = events.map(line -> TextMessage.create(line.dropRight(1).utf8String()));
      return CompletableFuture.completedFuture(upgrade.get().handleMessagesWith(Sink.ignore(), messages));
    }
    // Each event is one JSON object on its own line, sent as its own chunk.
    return CompletableFuture.completedFuture(HttpResponse.create()
        .withStatus(200)
        .withEntity(HttpEntities.createChunked(
            table.map(t -> ContentTypes.parse(t.contentType())).orElse(ContentTypes.APPLICATION_JSON),
            events)));
  }
}
