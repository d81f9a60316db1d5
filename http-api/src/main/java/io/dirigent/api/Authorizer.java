package io.dirigent.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.auth.AccessRequest;
import io.dirigent.core.auth.EscalationCheck;
import io.dirigent.core.auth.RbacPolicy;
import io.dirigent.core.auth.RbacWatcher;
import io.dirigent.core.auth.UserInfo;
import io.dirigent.core.store.StoreError;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * RBAC for the API server: every request is checked against the roles and bindings this member
 * follows ({@link RbacWatcher}); a refused one is answered 403 in Kubernetes' words. Until the
 * RBAC objects have been listed, requests wait (only {@code system:masters} goes ahead).
 */
final class Authorizer {

  private final RbacWatcher rbac;

  Authorizer(RbacWatcher rbac) {
    this.rbac = rbac;
  }

  CompletionStage<RbacPolicy.Decision> decide(AccessRequest request) {
    if (request.user().inGroup(UserInfo.MASTERS) || rbac.isSynced()) {
      return CompletableFuture.completedFuture(rbac.policy().authorize(request));
    }
    return rbac.synced().thenApply(synced -> rbac.policy().authorize(request));
  }

  /** The policy as it stands, once listed. */
  CompletionStage<RbacPolicy> policy() {
    return rbac.synced().thenApply(synced -> rbac.policy());
  }

  /**
   * Refuses (with a 403 StoreException) a write of an RBAC object that would grant more than its
   * writer holds; does nothing for other resources.
   */
  void checkGrant(UserInfo user, ApiPath path, ObjectNode object) {
    if (!path.type().group().equals("rbac.authorization.k8s.io")) {
      return;
    }
    String namespace = path.namespace() == null ? "" : path.namespace();
    EscalationCheck.refusal(rbac.policy(), user, path.type().plural(), namespace, object).ifPresent(refusal -> {
      String name = io.dirigent.core.api.KubeJson.name(object);
      throw StoreError.of(StoreError.Reason.FORBIDDEN, "%s \"%s\" is forbidden: %s".formatted(path.type().resource(), name, refusal)).toException();
    });
  }

  /** Kubernetes' 403 for a refused request, naming the user, the verb and the resource (or path). */
  static ObjectNode forbidden(AccessRequest request) {
    if (!request.resourceRequest()) {
      return ApiStatus.failure(403, "Forbidden", "forbidden: " + request.refusal());
    }
    String resource = request.apiGroup().isEmpty() ? request.resource() : request.resource() + "." + request.apiGroup();
    String subject = request.name().isEmpty() ? resource : "%s \"%s\"".formatted(resource, request.name());
    ObjectNode status = ApiStatus.failure(403, "Forbidden", subject + " is forbidden: " + request.refusal());
    ObjectNode details = status.putObject("details");
    if (!request.name().isEmpty()) {
      details.put("name", request.name());
    }
    if (!request.apiGroup().isEmpty()) {
      details.put("group", request.apiGroup());
    }
    details.put("kind", request.resource());
    return status;
  }
}
