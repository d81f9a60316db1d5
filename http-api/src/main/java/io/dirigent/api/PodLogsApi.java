package io.dirigent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.core.node.PodLogs;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.Query;

/**
 * {@code GET .../pods/{name}/log}: the API server reads the pod, picks the container, finds the
 * agent of the pod's node wherever it runs in the cluster, and streams what the agent sends
 * straight to the client, chunk by chunk, for as long as it follows.
 */
final class PodLogsApi {

  private final Store store;
  private final ActorSystem<?> system;
  private final Duration askTimeout;

  PodLogsApi(Store store, Duration askTimeout) {
    this.store = store;
    this.system = store.system();
    this.askTimeout = askTimeout;
  }

  CompletionStage<HttpResponse> logs(HttpRequest request, ApiPath path, Query query) {
    PodLogs.Options parsed = options(query, null);
    return store.get(path.type(), path.namespace(), path.name()).thenCompose(pod -> {
      String container = container(pod, parsed.container());
      PodLogs.Options options = options(query, container);
      String node = pod.path("spec").path("nodeName").asText("");
      if (node.isEmpty()) {
        throw StoreError.of(StoreError.Reason.BAD_REQUEST, "pod %s does not have a host assigned".formatted(path.name())).toException();
      }
      return AgentLookup.find(system, PodLogs.serviceKey(node), node, "serve its container logs", askTimeout).thenCompose(agent -> AskPattern.<PodLogs.Request, PodLogs.Reply>ask(agent,
              replyTo -> new PodLogs.Request(path.namespace(), path.name(), pod.path("metadata").path("uid").asText(), options, replyTo),
              askTimeout, system.scheduler()))
          .thenApply(reply -> {
            if (reply instanceof PodLogs.Streaming streaming) {
              return HttpResponse.create().withStatus(200)
                  .withEntity(HttpEntities.createChunked(ContentTypes.TEXT_PLAIN_UTF8,
                      ConnectionGuard.untilClientGone(request, streaming.source().getSource())));
            }
            PodLogs.Failed failed = (PodLogs.Failed) reply;
            return Responses.status(ApiStatus.failure(failed.code(), ApiStatus.reason(failed.code()), failed.message()));
          });
    });
  }

  /** The container meant: the one named, or the pod's only one. */
  static String container(JsonNode pod, String named) {
    List<String> names = new ArrayList<>();
    pod.path("spec").path("containers").forEach(c -> names.add(c.path("name").asText()));
    List<String> all = new ArrayList<>(names);
    pod.path("spec").path("initContainers").forEach(c -> all.add(c.path("name").asText()));
    String podName = pod.path("metadata").path("name").asText();
    if (named == null || named.isEmpty()) {
      if (names.size() == 1) {
        return names.get(0);
      }
      throw StoreError.of(StoreError.Reason.BAD_REQUEST,
          "a container name must be specified for pod %s, choose one of: %s".formatted(podName, names)).toException();
    }
    if (!all.contains(named)) {
      throw StoreError.of(StoreError.Reason.BAD_REQUEST, "container %s is not valid for pod %s".formatted(named, podName)).toException();
    }
    return named;
  }

  private static PodLogs.Options options(Query query, String container) {
    return new PodLogs.Options(container != null ? container : query.get("container").orElse(null),
        QueryParams.flag(query, "follow"), integer(query, "tailLines").map(Long::intValue).orElse(null),
        integer(query, "sinceSeconds").orElse(null), QueryParams.flag(query, "timestamps"), QueryParams.flag(query, "previous"),
        integer(query, "limitBytes").orElse(null));
  }

  private static Optional<Long> integer(Query query, String name) {
    Optional<String> value = query.get(name).filter(v -> !v.isEmpty());
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      long parsed = Long.parseLong(value.get());
      if (parsed < 0) {
        throw new NumberFormatException();
      }
      return Optional.of(parsed);
    } catch (NumberFormatException e) {
      throw StoreError.of(StoreError.Reason.BAD_REQUEST, "%s must be a non-negative integer: %s".formatted(name, value.get())).toException();
    }
  }
}
