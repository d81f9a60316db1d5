package io.dirigent.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.compat.Tables;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.auth.UserInfo;
import io.dirigent.core.security.PodSecurityAdmission;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ListResult;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import io.dirigent.core.store.WriteOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.Query;

/**
 * The verbs on a collection and on an object (and its status): get, list, watch, create, update,
 * and patch (server-side apply included); {@link DeleteApi} has the deletes. Each is a {@link
 * ResourceRoutes.Verb}, which the routing table names for its methods. Everything is
 * asynchronous: a request waits for the store without holding a thread.
 */
final class ResourceApi {

  private final Store store;
  private final RequestBodies bodies;
  private final WatchApi watches;
  private final PodSecurityAdmission podSecurity;
  private final Authorizer authorizer;

  ResourceApi(Store store, RequestBodies bodies, Duration maxWatch, ApiMetrics metrics, ClientLimits limits, PodSecurityAdmission podSecurity,
      Authorizer authorizer) {
    this.store = store;
    this.bodies = bodies;
    this.watches = new WatchApi(store, maxWatch, metrics, limits);
    this.podSecurity = podSecurity;
    this.authorizer = authorizer;
  }

  /** GET on a collection: a watch when the query asks for one, else a list (or a Table of it). */
  CompletionStage<HttpResponse> listOrWatch(HttpRequest request, ResourceCall call) {
    return QueryParams.flag(call.query(), "watch") ? watches.watch(request, call.path(), call.query()) : list(request, call.path(), call.query());
  }

  /** GET on an object or its status: a watch of it when the query asks for one, else the object (or a Table of it). */
  CompletionStage<HttpResponse> getOrWatch(HttpRequest request, ResourceCall call) {
    ApiPath path = call.path();
    if (QueryParams.flag(call.query(), "watch")) {
      return watches.watch(request, path, call.query());
    }
    Optional<Tables.Version> table = QueryParams.table(request);
    Tables.IncludeObject include = table.isPresent() ? QueryParams.includeObject(call.query()) : Tables.IncludeObject.METADATA;
    return store.get(path.type(), path.namespace(), path.name())
        .thenApply(object -> table.isEmpty() ? Responses.json(200, object)
            : Responses.json(200, Tables.table(path.type(), table.get(), List.of(object), include, Instant.now(),
                null, null, 0), table.get().contentType()));
  }

  /** POST on a collection. */
  CompletionStage<HttpResponse> create(HttpRequest request, ResourceCall call) {
    ApiPath path = call.path();
    FieldValidation.Mode validation = FieldValidation.mode(call.query());
    return bodies.required(request).thenCompose(body -> {
      List<String> warnings = FieldValidation.check(validation, path.type(), body);
      authorizer.checkGrant(call.user(), path, body);
      return store.create(path.type(), path.namespace(), body, call.options())
          .thenCompose(created -> withPodSecurity(path, created, warnings)
              .thenApply(all -> FieldValidation.withWarnings(Responses.json(201, created), all)));
    });
  }

  /** PUT on an object. */
  CompletionStage<HttpResponse> update(HttpRequest request, ResourceCall call) {
    return put(request, call, false);
  }

  /** PUT on an object's status. */
  CompletionStage<HttpResponse> updateStatus(HttpRequest request, ResourceCall call) {
    return put(request, call, true);
  }

  /** PATCH on an object: a JSON, merge or strategic merge patch, or a server-side apply. */
  CompletionStage<HttpResponse> patch(HttpRequest request, ResourceCall call) {
    return patch(request, call, false);
  }

  /** PATCH on an object's status. */
  CompletionStage<HttpResponse> patchStatus(HttpRequest request, ResourceCall call) {
    return patch(request, call, true);
  }

  private CompletionStage<HttpResponse> put(HttpRequest request, ResourceCall call, boolean status) {
    ApiPath path = call.path();
    FieldValidation.Mode validation = FieldValidation.mode(call.query());
    return bodies.required(request).thenCompose(body -> {
      List<String> warnings = FieldValidation.check(validation, path.type(), body);
      String bodyName = KubeJson.name(body);
      if (!bodyName.isEmpty() && !bodyName.equals(path.name())) {
        throw StoreError.of(StoreError.Reason.BAD_REQUEST,
            "the name of the object (%s) does not match the name on the URL (%s)".formatted(bodyName, path.name())).toException();
      }
      KubeJson.metadata(body).put("name", path.name());
      if (!status) {
        authorizer.checkGrant(call.user(), path, body);
      }
      return status
          ? store.updateStatus(path.type(), path.namespace(), body, call.options())
              .thenApply(updated -> FieldValidation.withWarnings(Responses.json(200, updated), warnings))
          : store.update(path.type(), path.namespace(), body, call.options())
              .thenCompose(updated -> withPodSecurity(path, updated, warnings)
                  .thenApply(all -> FieldValidation.withWarnings(Responses.json(200, updated), all)));
    });
  }

  private CompletionStage<HttpResponse> patch(HttpRequest request, ResourceCall call, boolean status) {
    ApiPath path = call.path();
    FieldValidation.Mode validation = FieldValidation.mode(call.query());
    List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
    Consumer<ObjectNode> check = patched -> {
      warnings.clear();
      warnings.addAll(FieldValidation.check(validation, path.type(), patched));
      if (!status) {
        authorizer.checkGrant(call.user(), path, patched);
      }
    };
    String fieldManager = call.query().get("fieldManager").orElse("");
    return bodies.patch(request).thenCompose(patch -> {
      if (patch.type() == RequestBodies.Patch.Type.APPLY && fieldManager.isEmpty()) {
        // As Kubernetes: an apply names who owns the fields it sets.
        throw StoreError.of(StoreError.Reason.BAD_REQUEST, "PATCH %s: fieldManager is required for apply requests"
            .formatted(request.getUri().path())).toException();
      }
      return patch.type() == RequestBodies.Patch.Type.APPLY && !status
        ? serverSideApply(path, patch, call.options(), check, call.user()).thenApply(applied -> FieldValidation.withWarnings(applied, warnings))
        : patch(path, patch, status, call.options(), Patches.ATTEMPTS, check)
            .thenCompose(patched -> (status ? CompletableFuture.completedFuture(List.copyOf(warnings)) : withPodSecurity(path, patched, warnings))
                .thenApply(all -> FieldValidation.withWarnings(Responses.json(200, patched), all)));
    });
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

  /** A Kubernetes list of {@code result}'s items, e.g. a ConfigMapList. */
  static ObjectNode listObject(ApiPath path, ListResult result) {
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

  /** {@code warnings} and the Pod Security warnings the written object earns. */
  private CompletionStage<List<String>> withPodSecurity(ApiPath path, ObjectNode written, List<String> warnings) {
    return podSecurity.warnings(path.type(), written).thenApply(security -> {
      List<String> all = new java.util.ArrayList<>(warnings);
      all.addAll(security);
      return all;
    });
  }
}
