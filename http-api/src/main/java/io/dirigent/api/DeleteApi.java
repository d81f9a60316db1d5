package io.dirigent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.auth.UserInfo;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.store.DeleteResult;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ListResult;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import io.dirigent.core.store.WriteOptions;
import io.dirigent.core.validation.TypeCheck;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.Query;

/**
 * DELETE on an object and on a collection, with Kubernetes' DeleteOptions (preconditions, grace
 * period, propagation, dryRun) from the body or the query. Each is a {@link ResourceRoutes.Verb}.
 */
final class DeleteApi {

  private final Store store;
  private final RequestBodies bodies;

  DeleteApi(Store store, RequestBodies bodies) {
    this.store = store;
    this.bodies = bodies;
  }

  /** DELETE on an object, with DeleteOptions from the body or the query. */
  CompletionStage<HttpResponse> delete(HttpRequest request, ResourceCall call) {
    ApiPath path = call.path();
    Query query = call.query();
    return bodies.optional(request)
        .thenCompose(body -> store.delete(path.type(), path.namespace(), path.name(), deleteOptions(query, body),
            deleteWriteOptions(query, body, call.user())))
        .thenApply(DeleteApi::deleted);
  }

  /** Kubernetes' DeleteOptions, from the body if there is one, else from the query. */
  private static DeleteOptions deleteOptions(Query query, Optional<ObjectNode> body) {
    return deleteOptions(query, body.map(b -> (JsonNode) b).orElse(KubeJson.MAPPER.createObjectNode()));
  }

  /** Kubernetes' DeleteOptions as another object carries them (an Eviction's {@code deleteOptions}). */
  static DeleteOptions deleteOptions(JsonNode options) {
    return deleteOptions(Query.EMPTY, options);
  }

  private static DeleteOptions deleteOptions(Query query, JsonNode options) {
    TypeCheck.problem(io.fabric8.kubernetes.api.model.DeleteOptions.class, options).ifPresent(problem -> {
      throw StoreError.of(StoreError.Reason.BAD_REQUEST, "DeleteOptions in version \"v1\" cannot be handled as a DeleteOptions: " + problem).toException();
    });
    DeleteOptions delete = DeleteOptions.defaults();
    JsonNode preconditions = options.path("preconditions");
    if (preconditions.isObject()) {
      delete = delete.withPreconditions(textOrNull(preconditions.path("uid")), textOrNull(preconditions.path("resourceVersion")));
    }
    Long grace = options.hasNonNull("gracePeriodSeconds") ? Long.valueOf(options.path("gracePeriodSeconds").asLong())
        : query.get("gracePeriodSeconds").map(QueryParams::parseLong).orElse(null);
    if (grace != null) {
      if (grace < 0) {
        throw StoreError.of(StoreError.Reason.BAD_REQUEST, "gracePeriodSeconds must not be negative").toException();
      }
      delete = delete.withGracePeriod(grace);
    }
    String policy = options.hasNonNull("propagationPolicy") ? options.path("propagationPolicy").asText()
        : query.get("propagationPolicy").orElse(null);
    if (policy != null) {
      delete = delete.withPropagation(switch (policy) {
        case "Background" -> DeleteOptions.Propagation.BACKGROUND;
        case "Foreground" -> DeleteOptions.Propagation.FOREGROUND;
        case "Orphan" -> DeleteOptions.Propagation.ORPHAN;
        default -> throw StoreError.of(StoreError.Reason.BAD_REQUEST,
            "unsupported propagationPolicy \"%s\": Background, Foreground or Orphan".formatted(policy)).toException();
      });
    }
    return delete;
  }

  private static WriteOptions deleteWriteOptions(Query query, Optional<ObjectNode> body, UserInfo user) {
    List<String> values = new java.util.ArrayList<>(query.getAll("dryRun"));
    body.ifPresent(b -> b.path("dryRun").forEach(v -> values.add(v.asText())));
    return ResourceCall.writeOptions(values, user);
  }

  /**
   * Deletes every object the selectors match, each as a single delete would, and answers with
   * the list of them as they were deleted (or marked for deletion). One already gone is skipped.
   */
  CompletionStage<HttpResponse> deleteCollection(HttpRequest request, ResourceCall call) {
    ApiPath path = call.path();
    Query query = call.query();
    UserInfo user = call.user();
    ObjectFilter filter = QueryParams.filter(path, query);
    return bodies.optional(request).thenCompose(body -> {
          DeleteOptions options = deleteOptions(query, body);
          WriteOptions write = deleteWriteOptions(query, body, user);
          return store.list(path.type(), ListOptions.of(filter)).thenCompose(listed -> {
            List<CompletableFuture<Optional<ObjectNode>>> deletes = listed.items().stream()
                .map(item -> store.delete(path.type(), KubeJson.namespace(item), KubeJson.name(item), options, write)
                    .thenApply(result -> Optional.of(result.object()))
                    .exceptionally(failure -> {
                      Throwable cause = StoreException.cause(failure);
                      if (cause instanceof StoreException e && e.reason() == StoreError.Reason.NOT_FOUND) {
                        return Optional.empty();
                      }
                      throw new java.util.concurrent.CompletionException(cause);
                    })
                    .toCompletableFuture())
                .toList();
            return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new)).thenApply(done -> {
              List<ObjectNode> deleted = deletes.stream().map(CompletableFuture::join).flatMap(Optional::stream).toList();
              return Responses.json(200, ResourceApi.listObject(path, new ListResult(deleted, listed.resourceVersion(), null, 0)));
            });
          });
        });
  }

  /** 200 with the object when it is gone; 202 with it while finalizers or a grace period hold it. */
  private static HttpResponse deleted(DeleteResult result) {
    return Responses.json(result.deleted() ? 200 : 202, result.object());
  }

  private static String textOrNull(JsonNode node) {
    return node.isMissingNode() || node.isNull() ? null : node.asText();
  }
}
