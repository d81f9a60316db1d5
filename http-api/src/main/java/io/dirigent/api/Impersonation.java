package io.dirigent.api;

import io.dirigent.core.auth.AccessRequest;
import io.dirigent.core.auth.UserInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * Kubernetes' user impersonation ({@code kubectl --as alice --as-group team}): a request with
 * {@code Impersonate-User} (and optionally {@code Impersonate-Group}, {@code Impersonate-Uid})
 * headers is answered as that user, when its sender may {@code impersonate} each of them. Never
 * ignored: a request asking to be someone else is either that someone, or refused.
 */
final class Impersonation {

  private static final String USER = "Impersonate-User";
  private static final String GROUP = "Impersonate-Group";
  private static final String UID = "Impersonate-Uid";

  /** The user to answer as, or the Status that refuses the request. */
  record Outcome(Optional<UserInfo> user, Optional<com.fasterxml.jackson.databind.node.ObjectNode> refusal) {}

  private Impersonation() {}

  static boolean asked(HttpRequest request) {
    for (HttpHeader header : request.getHeaders()) {
      String name = header.name();
      if (name.equalsIgnoreCase(USER) || name.equalsIgnoreCase(GROUP) || name.equalsIgnoreCase(UID)
          || name.regionMatches(true, 0, "Impersonate-Extra-", 0, 18)) {
        return true;
      }
    }
    return false;
  }

  /** Who {@code requester} asks to be, if each part of it is allowed. */
  static CompletionStage<Outcome> resolve(HttpRequest request, UserInfo requester, Authorizer authorizer) {
    String user = "";
    String uid = "";
    List<String> groups = new ArrayList<>();
    for (HttpHeader header : request.getHeaders()) {
      if (header.name().equalsIgnoreCase(USER)) {
        user = header.value().strip();
      } else if (header.name().equalsIgnoreCase(GROUP)) {
        groups.add(header.value().strip());
      } else if (header.name().equalsIgnoreCase(UID)) {
        uid = header.value().strip();
      } else if (header.name().regionMatches(true, 0, "Impersonate-Extra-", 0, 18)) {
        return refused(ApiStatus.failure(400, "BadRequest", "impersonating extra fields is not supported by this server"));
      }
    }
    if (user.isEmpty()) {
      return refused(ApiStatus.failure(400, "BadRequest", "requested impersonation without Impersonate-User: groups and uid need a user"));
    }
    List<AccessRequest> checks = new ArrayList<>();
    String prefix = UserInfo.SERVICE_ACCOUNT_PREFIX;
    String[] account = user.startsWith(prefix) ? user.substring(prefix.length()).split(":", -1) : null;
    if (account != null && account.length == 2) {
      checks.add(AccessRequest.resource(requester, "impersonate", "", "serviceaccounts", "", account[0], account[1]));
    } else {
      checks.add(AccessRequest.resource(requester, "impersonate", "", "users", "", "", user));
    }
    groups.forEach(group -> checks.add(AccessRequest.resource(requester, "impersonate", "", "groups", "", "", group)));
    if (!uid.isEmpty()) {
      checks.add(AccessRequest.resource(requester, "impersonate", "authentication.k8s.io", "uids", "", "", uid));
    }
    List<String> all = new ArrayList<>(groups);
    if (account != null && account.length == 2) {
      all.add("system:serviceaccounts");
      all.add("system:serviceaccounts:" + account[0]);
    }
    UserInfo impersonated = user.equals(UserInfo.ANONYMOUS) ? new UserInfo(user, uid, all) : UserInfo.authenticated(user, uid, all);
    return check(checks, 0, authorizer, impersonated);
  }

  private static CompletionStage<Outcome> check(List<AccessRequest> checks, int next, Authorizer authorizer, UserInfo impersonated) {
    if (next == checks.size()) {
      return CompletableFuture.completedFuture(new Outcome(Optional.of(impersonated), Optional.empty()));
    }
    AccessRequest check = checks.get(next);
    return authorizer.decide(check).thenCompose(decision -> decision.allowed()
        ? check(checks, next + 1, authorizer, impersonated)
        : refused(Authorizer.forbidden(check)));
  }

  private static CompletionStage<Outcome> refused(com.fasterxml.jackson.databind.node.ObjectNode status) {
    return CompletableFuture.completedFuture(new Outcome(Optional.empty(), Optional.of(status)));
  }
}
