package io.dirigent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.compat.Tables;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.auth.ServiceAccountTokens;
import io.dirigent.core.auth.UserInfo;
import io.dirigent.core.security.PodSecurityAdmission;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.Query;

/**
 * The verbs on one resource path: get, list, watch, create, update, status update, delete and
 * history. Everything is asynchronous: a request waits for the store without holding a thread.
 */
final class ResourceApi {


  private final Store store;
  private final Subresources subresources;
  private final PodLogsApi logs;
  private final PodStreamsApi streams;
  private final RequestBodies bodies;
  private final WatchApi watches;
  private final PodSecurityAdmission podSecurity;
  private final ApiMetrics metrics;
  private final Authorizer authorizer;
  private final TokenRequests tokens;

  ResourceApi(Store store, RequestBodies bodies, Duration maxWatch, ApiMetrics metrics, ClientLimits limits, PodSecurityAdmission podSecurity,
      Authorizer authorizer, ServiceAccountTokens serviceAccountTokens) {
    this.podSecurity = podSecurity;
    this.authorizer = authorizer;
    this.tokens = new TokenRequests(store, serviceAccountTokens);
    this.store = store;
    this.subresources = new Subresources(store);
    Duration askTimeout = store.system().settings().config().getDuration("dirigent.store.ask-timeout");
    this.logs = new PodLogsApi(store, askTimeout);
    this.streams = new PodStreamsApi(store, askTimeout);
    this.bodies = bodies;
    this.watches = new WatchApi(store, maxWatch, metrics, limits);
    this.metrics = metrics;
  }

  /**
   * Answers one request on {@code path}. Whatever fails, synchronously or later, is answered with
   * the Status for that failure.
   */
  CompletionStage<HttpResponse> handle(HttpRequest request, ApiPath path, UserInfo user) {
    CompletionStage<HttpResponse> response;
    try {
      response = dispatch(request, path, user);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(Responses.failure(e, path));
    }
    return response.exceptionally(failure -> Responses.failure(failure, path));
  }

  private CompletionStage<HttpResponse> dispatch(HttpRequest request, ApiPath path, UserInfo user) {
    HttpMethod method = request.method();
    Query query = request.getUri().query();
    // dryRun means nothing to a read (a bad value is refused on writes only).
    WriteOptions options = method.equals(HttpMethods.GET) ? WriteOptions.by(user.name()) : writeOptions(query, user);
    String sub = path.subresource();
    if (sub != null && !served(path)) {
      return fail(ApiStatus.failure(404, "NotFound",
          "the server could not find the requested resource (%s %s/%s)".formatted(path.type().resource(), path.name(), sub)));
    }
    if ("scale".equals(sub)) {
      return scale(request, path, options);
    }
    if ("token".equals(sub)) {
      if (!method.equals(HttpMethods.POST)) {
        return methodNotAllowed(method, path);
      }
      return body(request).thenCompose(body -> tokens.create(path, body)).thenApply(review -> Responses.json(201, review));
    }
    if ("binding".equals(sub)) {
      if (!method.equals(HttpMethods.POST)) {
        return methodNotAllowed(method, path);
      }
      return body(request).thenCompose(binding -> subresources.bind(path, binding, options))
          .thenApply(status -> Responses.json(201, status));
    }
    if ("log".equals(sub)) {
      if (!method.equals(HttpMethods.GET)) {
        return methodNotAllowed(method, path);
      }
      return logs.logs(request, path, query);
    }
    if ("exec".equals(sub) || "portforward".equals(sub)) {
      // GET carries the WebSocket upgrade; POST is how clients ask for a SPDY upgrade.
      if (!method.equals(HttpMethods.GET) && !method.equals(HttpMethods.POST)) {
        return methodNotAllowed(method, path);
      }
      return "exec".equals(sub) ? streams.exec(request, path, query) : streams.portForward(request, path, query);
    }
    if (path.collection()) {
      if (method.equals(HttpMethods.GET)) {
        return QueryParams.flag(query, "watch") ? watches.watch(request, path, query) : list(request, path, query);
      }
      if (method.equals(HttpMethods.POST)) {
        if (path.type().namespaced() && path.namespace() == null) {
          // As Kubernetes: a namespaced object is created in its namespace's collection only.
          return methodNotAllowed(method, path);
        }
        FieldValidation.Mode validation = FieldValidation.mode(query);
        return body(request).thenCompose(body -> {
          List<String> warnings = FieldValidation.check(validation, path.type(), body);
          authorizer.checkGrant(user, path, body);
          return store.create(path.type(), path.namespace(), body, options)
              .thenCompose(created -> withPodSecurity(path, created, warnings)
                  .thenApply(all -> FieldValidation.withWarnings(Responses.json(201, created), all)));
        });
      }
      if (method.equals(HttpMethods.DELETE)) {
        return deleteCollection(request, path, query, user);
      }
      return methodNotAllowed(method, path);
    }
    if (method.equals(HttpMethods.GET)) {
      if ("history".equals(sub)) {
        return store.history(path.type(), path.namespace(), path.name())
            .thenApply(entries -> Responses.json(200, Histories.list(path, entries)));
      }
      if (QueryParams.flag(query, "watch")) {
        return watches.watch(request, path, query);
      }
      Optional<Tables.Version> table = QueryParams.table(request);
      Tables.IncludeObject include = table.isPresent() ? QueryParams.includeObject(query) : Tables.IncludeObject.METADATA;
      return store.get(path.type(), path.namespace(), path.name())
          .thenApply(object -> table.isEmpty() ? Responses.json(200, object)
              : Responses.json(200, Tables.table(path.type(), table.get(), List.of(object), include, Instant.now(),
                  null, null, 0), table.get().contentType()));
    }
    if ("history".equals(sub)) {
      return methodNotAllowed(method, path);
    }
    if (method.equals(HttpMethods.PUT)) {
      boolean status = "status".equals(sub);
      FieldValidation.Mode validation = FieldValidation.mode(query);
      return body(request).thenCompose(body -> {
            List<String> warnings = FieldValidation.check(validation, path.type(), body);
            String bodyName = KubeJson.name(body);
            if (!bodyName.isEmpty() && !bodyName.equals(path.name())) {
              throw StoreError.of(StoreError.Reason.BAD_REQUEST,
                  "the name of the object (%s) does not match the name on the URL (%s)".formatted(bodyName, path.name())).toException();
            }
            KubeJson.metadata(body).put("name", path.name());
            if (!status) {
              authorizer.checkGrant(user, path, body);
            }
            return status
                ? store.updateStatus(path.type(), path.namespace(), body, options)
                    .thenApply(updated -> FieldValidation.withWarnings(Responses.json(200, updated), warnings))
                : store.update(path.type(), path.namespace(), body, options)
                    .thenCompose(updated -> withPodSecurity(path, updated, warnings)
                        .thenApply(all -> FieldValidation.withWarnings(Responses.json(200, updated), all)));
          });
    }
    if (method.equals(HttpMethods.PATCH)) {
      boolean status = "status".equals(sub);
      FieldValidation.Mode validation = FieldValidation.mode(query);
      List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
      Consumer<ObjectNode> check = patched -> {
        warnings.clear();
        warnings.addAll(FieldValidation.check(validation, path.type(), patched));
        if (!status) {
          authorizer.checkGrant(user, path, patched);
        }
      };
      String fieldManager = query.get("fieldManager").orElse("");
      return bodies.patch(request).thenCompose(patch -> {
        if (patch.type() == RequestBodies.Patch.Type.APPLY && fieldManager.isEmpty()) {
          // As Kubernetes: an apply names who owns the fields it sets.
          throw StoreError.of(StoreError.Reason.BAD_REQUEST, "PATCH %s: fieldManager is required for apply requests"
              .formatted(request.getUri().path())).toException();
        }
        return patch.type() == RequestBodies.Patch.Type.APPLY && !status
          ? serverSideApply(path, patch, options, check, user).thenApply(applied -> FieldValidation.withWarnings(applied, warnings))
          : patch(path, patch, status, options, Patches.ATTEMPTS, check)
              .thenCompose(patched -> (status ? CompletableFuture.completedFuture(List.copyOf(warnings)) : withPodSecurity(path, patched, warnings))
                  .thenApply(all -> FieldValidation.withWarnings(Responses.json(200, patched), all)));
      });
    }
    if (method.equals(HttpMethods.DELETE) && sub == null) {
      return bodies.optional(request)
          .thenCompose(body -> store.delete(path.type(), path.namespace(), path.name(), deleteOptions(query, body), deleteWriteOptions(query, body, user)))
          .thenApply(ResourceApi::deleted);
    }
    return methodNotAllowed(method, path);
  }

  /** Whether the path's subresource exists for its resource. */
  private static boolean served(ApiPath path) {
    boolean pods = path.type().resource().equals("pods");
    return switch (path.subresource()) {
      case "status" -> path.type().hasStatus();
      case "scale" -> path.type().hasScale();
      case "binding", "log", "exec", "portforward" -> pods;
      case "token" -> path.type().resource().equals("serviceaccounts");
      case "history" -> true;
      default -> false;
    };
  }

  private CompletionStage<HttpResponse> scale(HttpRequest request, ApiPath path, WriteOptions options) {
    HttpMethod method = request.method();
    CompletionStage<ObjectNode> scale;
    if (method.equals(HttpMethods.GET)) {
      scale = subresources.getScale(path);
    } else if (method.equals(HttpMethods.PUT)) {
      scale = body(request).thenCompose(body -> subresources.putScale(path, body, options));
    } else if (method.equals(HttpMethods.PATCH)) {
      scale = bodies.patch(request)
          .thenCompose(patch -> subresources.patchScale(path, current -> Patches.apply(patch, current, bodies.maxBytes()), options));
    } else {
      return methodNotAllowed(method, path);
    }
    return scale.thenApply(object -> Responses.json(200, object));
  }

  // ---- list and watch ----

  private CompletionStage<HttpResponse> list(HttpRequest request, ApiPath path, Query query) {
    QueryParams.listVersion(query);
    ListOptions options = ListOptions.of(QueryParams.filter(path, query)).page(QueryParams.intParam(query, "limit"), query.get("continue").orElse(null));
    Optional<Tables.Version> table = QueryParams.table(request);
    Tables.IncludeObject include = table.isPresent() ? QueryParams.includeObject(query) : Tables.IncludeObject.METADATA;
    return store.list(path.type(), options)
        .thenApply(result -> table.isEmpty() ? Responses.json(200, listObject(path, result))
            : Responses.json(200, Tables.table(path.type(), table.get(), result.items(), include, Instant.now(),
                result.resourceVersion(), result.continueToken(), result.remaining()), table.get().contentType()));
  }

  private static ObjectNode listObject(ApiPath path, ListResult result) {
    ObjectNode list = KubeJson.MAPPER.createObjectNode();
    list.put("kind", path.type().kind() + "List");
    list.put("apiVersion", path.type().apiVersion());
    ObjectNode metadata = list.putObject("metadata");
    metadata.put("resourceVersion", result.resourceVersion());
    if (result.continueToken() != null && !result.continueToken().isEmpty()) {
      metadata.put("continue", result.continueToken());
      if (result.remaining() >= 0) {
        metadata.put("remainingItemCount", result.remaining());
      }
    }
    list.putArray("items").addAll(result.items());
    return list;
  }

  // ---- writes ----

  /**
   * Applies {@code patch} to the current object and writes the result, as Kubernetes does: unless
   * the patch names a resourceVersion itself, a concurrent change is not a conflict for the
   * client: the patch is applied again to the newer object. {@code check} sees each patched
   * object before it is written, and may refuse it by throwing.
   */
  private CompletionStage<ObjectNode> patch(
      ApiPath path, RequestBodies.Patch patch, boolean status, WriteOptions options, int attemptsLeft, Consumer<ObjectNode> check) {
    return store.get(path.type(), path.namespace(), path.name()).thenCompose(current -> {
      ObjectNode patched = Patches.apply(patch, current, bodies.maxBytes());
      check.accept(patched);
      if (!KubeJson.name(patched).equals(KubeJson.name(current)) || !KubeJson.namespace(patched).equals(KubeJson.namespace(current))) {
        throw StoreError.of(StoreError.Reason.BAD_REQUEST, "a patch may not change the object's name or namespace").toException();
      }
      boolean pinned = Patches.pinsVersion(current, patched);
      if (!pinned) {
        KubeJson.metadata(patched).put("resourceVersion", KubeJson.meta(current, "resourceVersion"));
      }
      CompletionStage<ObjectNode> written = status
          ? store.updateStatus(path.type(), path.namespace(), patched, options)
          : store.update(path.type(), path.namespace(), patched, options);
      return written.handle((object, failure) -> {
        if (failure == null) {
          return CompletableFuture.completedFuture(object);
        }
        Throwable cause = StoreException.cause(failure);
        if (!pinned && attemptsLeft > 1 && cause instanceof StoreException e && e.reason() == StoreError.Reason.CONFLICT) {
          return patch(path, patch, status, options, attemptsLeft - 1, check);
        }
        return CompletableFuture.<ObjectNode>failedFuture(cause);
      }).thenCompose(stage -> stage);
    });
  }

  /**
   * Server-side apply: the configuration is merged into the object (as a strategic merge patch),
   * or creates it (201) when there is none yet. Which manager set which field is not tracked.
   */
  private CompletionStage<HttpResponse> serverSideApply(ApiPath path, RequestBodies.Patch patch, WriteOptions options, Consumer<ObjectNode> check,
      UserInfo user) {
    ObjectNode applied = (ObjectNode) patch.body();
    String name = KubeJson.name(applied);
    if (!name.isEmpty() && !name.equals(path.name())) {
      throw StoreError.of(StoreError.Reason.BAD_REQUEST,
          "the name of the object (%s) does not match the name on the URL (%s)".formatted(name, path.name())).toException();
    }
    return store.get(path.type(), path.namespace(), path.name()).handle((current, failure) -> {
      if (failure == null) {
        return patch(path, patch, false, options, Patches.ATTEMPTS, check).thenApply(patched -> Responses.json(200, patched));
      }
      Throwable cause = StoreException.cause(failure);
      if (!(cause instanceof StoreException e && e.reason() == StoreError.Reason.NOT_FOUND)) {
        return CompletableFuture.<HttpResponse>failedFuture(cause);
      }
      ObjectNode created = applied.deepCopy();
      KubeJson.metadata(created).put("name", path.name());
      check.accept(created);
      // An apply that creates is a create, as Kubernetes authorizes it: patch alone does not make objects.
      var create = io.dirigent.core.auth.AccessRequest.resource(user, "create", path.type().group(), path.type().plural(), "",
          path.namespace(), path.name());
      return authorizer.decide(create).thenCompose(decision -> {
        if (!decision.allowed()) {
          return CompletableFuture.completedFuture(Responses.status(Authorizer.forbidden(create)));
        }
        return store.create(path.type(), path.namespace(), created, options).thenApply(object -> Responses.json(201, object));
      });
    }).thenCompose(stage -> stage);
  }

  private CompletionStage<ObjectNode> body(HttpRequest request) {
    return bodies.optional(request).thenApply(body -> body.orElseThrow(
        () -> StoreError.of(StoreError.Reason.BAD_REQUEST, "the request has no body; send the object as JSON or YAML").toException()));
  }

  /** {@code warnings} and the Pod Security warnings the written object earns. */
  private CompletionStage<List<String>> withPodSecurity(ApiPath path, ObjectNode written, List<String> warnings) {
    return podSecurity.warnings(path.type(), written).thenApply(security -> {
      List<String> all = new java.util.ArrayList<>(warnings);
      all.addAll(security);
      return all;
    });
  }

  /** The request's writes, recorded in each object's history as the user's. */
  private static WriteOptions writeOptions(Query query, UserInfo user) {
    return writeOptions(query.getAll("dryRun"), user);
  }

  private static WriteOptions writeOptions(List<String> dryRunValues, UserInfo user) {
    WriteOptions options = WriteOptions.by(user.name());
    return dryRun(dryRunValues) ? options.asDryRun() : options;
  }

  private static boolean dryRun(List<String> values) {
    for (String value : values) {
      if (value.equals("All")) {
        return true;
      }
      if (!value.isEmpty()) {
        throw StoreError.of(StoreError.Reason.BAD_REQUEST, "unsupported dryRun value \"%s\": only All is supported".formatted(value)).toException();
      }
    }
    return false;
  }

  /** Kubernetes' DeleteOptions, from the body if there is one, else from the query. */
  private static DeleteOptions deleteOptions(Query query, Optional<ObjectNode> body) {
    JsonNode options = body.map(b -> (JsonNode) b).orElse(KubeJson.MAPPER.createObjectNode());
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
    return writeOptions(values, user);
  }

  /**
   * Deletes every object the selectors match, each as a single delete would, and answers with
   * the list of them as they were deleted (or marked for deletion). One already gone is skipped.
   */
  private CompletionStage<HttpResponse> deleteCollection(HttpRequest request, ApiPath path, Query query, UserInfo user) {
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
              return Responses.json(200, listObject(path, new ListResult(deleted, listed.resourceVersion(), null, 0)));
            });
          });
        });
  }

  /** 200 with the object when it is gone; 202 with it while finalizers or a grace period hold it. */
  private static HttpResponse deleted(DeleteResult result) {
    return Responses.json(result.deleted() ? 200 : 202, result.object());
  }

  // ---- small things ----







  private static String textOrNull(JsonNode node) {
    return node.isMissingNode() || node.isNull() ? null : node.asText();
  }

  private static CompletionStage<HttpResponse> fail(ObjectNode status) {
    return CompletableFuture.completedFuture(Responses.json(status.path("code").asInt(), status));
  }

  private static CompletionStage<HttpResponse> methodNotAllowed(HttpMethod method, ApiPath path) {
    return fail(ApiStatus.failure(405, "MethodNotAllowed",
        "the server does not allow this method on the requested resource (%s %s)".formatted(method.value(), path.type().resource())));
  }
}
