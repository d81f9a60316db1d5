package io.dirigent.api;

import io.dirigent.core.auth.ServiceAccountTokens;
import io.dirigent.core.store.Store;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * The verbs on subresources other than status: an object's scale and history, a service
 * account's token, and a pod's binding, eviction, log, exec, attach and port-forward. Each is a {@link
 * ResourceRoutes.Verb}; the routes decide which resource has which.
 */
final class SubresourceApi {

  private final Store store;
  private final RequestBodies bodies;
  private final Subresources subresources;
  private final TokenRequests tokens;
  private final PodLogsApi logs;
  private final PodStreamsApi streams;
  private final Evictions evictions;

  SubresourceApi(Store store, RequestBodies bodies, ServiceAccountTokens serviceAccountTokens) {
    this.store = store;
    this.bodies = bodies;
    this.subresources = new Subresources(store);
    this.tokens = new TokenRequests(store, serviceAccountTokens);
    Duration askTimeout = store.system().settings().config().getDuration("dirigent.store.ask-timeout");
    this.logs = new PodLogsApi(store, askTimeout);
    this.streams = new PodStreamsApi(store, askTimeout);
    this.evictions = new Evictions(store, java.time.Clock.systemUTC());
  }

  CompletionStage<HttpResponse> getScale(HttpRequest request, ResourceCall call) {
    return subresources.getScale(call.path()).thenApply(scale -> Responses.json(200, scale));
  }

  CompletionStage<HttpResponse> putScale(HttpRequest request, ResourceCall call) {
    return bodies.required(request).thenCompose(body -> subresources.putScale(call.path(), body, call.options()))
        .thenApply(scale -> Responses.json(200, scale));
  }

  CompletionStage<HttpResponse> patchScale(HttpRequest request, ResourceCall call) {
    return bodies.patch(request)
        .thenCompose(patch -> subresources.patchScale(call.path(), current -> Patches.apply(patch, current, bodies.maxBytes()), call.options()))
        .thenApply(scale -> Responses.json(200, scale));
  }

  /** Dirigent's history of an object: its past versions, who wrote each, and when. */
  CompletionStage<HttpResponse> history(HttpRequest request, ResourceCall call) {
    ApiPath path = call.path();
    return store.history(path.type(), path.namespace(), path.name()).thenApply(entries -> Responses.json(200, Histories.list(path, entries)));
  }

  CompletionStage<HttpResponse> createToken(HttpRequest request, ResourceCall call) {
    return bodies.required(request).thenCompose(body -> tokens.create(call.path(), body)).thenApply(review -> Responses.json(201, review));
  }

  CompletionStage<HttpResponse> bind(HttpRequest request, ResourceCall call) {
    return bodies.required(request).thenCompose(binding -> subresources.bind(call.path(), binding, call.options()))
        .thenApply(status -> Responses.json(201, status));
  }

  /** A policy/v1 Eviction: the pod goes if its disruption budget allows (429 if not). */
  CompletionStage<HttpResponse> evict(HttpRequest request, ResourceCall call) {
    return bodies.required(request).thenCompose(eviction -> evictions.evict(call.path(), eviction, call.options()));
  }

  CompletionStage<HttpResponse> log(HttpRequest request, ResourceCall call) {
    return logs.logs(request, call.path(), call.query());
  }

  CompletionStage<HttpResponse> exec(HttpRequest request, ResourceCall call) {
    return streams.exec(request, call.path(), call.query());
  }

  CompletionStage<HttpResponse> attach(HttpRequest request, ResourceCall call) {
    return streams.attach(request, call.path(), call.query());
  }

  CompletionStage<HttpResponse> portForward(HttpRequest request, ResourceCall call) {
    return streams.portForward(request, call.path(), call.query());
  }
}
