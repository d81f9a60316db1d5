package io.dirigent.core.auth;

import java.util.List;
import java.util.Objects;

/**
 * Who sent a request, as Kubernetes' authenticators name a user: a name, an optional uid and the
 * groups it belongs to (including {@code system:authenticated} or {@code system:unauthenticated}).
 */
public record UserInfo(String name, String uid, List<String> groups) {

  /** Members of this group may do anything, whatever the RBAC objects say (Kubernetes' privileged group). */
  public static final String MASTERS = "system:masters";
  public static final String AUTHENTICATED = "system:authenticated";
  public static final String UNAUTHENTICATED = "system:unauthenticated";
  public static final String ANONYMOUS = "system:anonymous";
  /** The prefix of every ServiceAccount's user name: {@code system:serviceaccount:NAMESPACE:NAME}. */
  public static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

  public UserInfo {
    Objects.requireNonNull(name, "name");
    uid = uid == null ? "" : uid;
    groups = List.copyOf(groups);
  }

  /** An authenticated user: {@code groups} and {@code system:authenticated}. */
  public static UserInfo authenticated(String name, String uid, List<String> groups) {
    java.util.List<String> all = new java.util.ArrayList<>(groups);
    if (!all.contains(AUTHENTICATED)) {
      all.add(AUTHENTICATED);
    }
    return new UserInfo(name, uid, all);
  }

  /** The user of an unauthenticated request. */
  public static UserInfo anonymous() {
    return new UserInfo(ANONYMOUS, "", List.of(UNAUTHENTICATED));
  }

  /** The user a ServiceAccount's tokens name, with the groups Kubernetes gives it. */
  public static UserInfo serviceAccount(String namespace, String name, String uid) {
    return authenticated(SERVICE_ACCOUNT_PREFIX + namespace + ":" + name, uid,
        List.of("system:serviceaccounts", "system:serviceaccounts:" + namespace));
  }

  public boolean inGroup(String group) {
    return groups.contains(group);
  }
}
