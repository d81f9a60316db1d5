package io.dirigent.core.auth;

import java.util.List;
import java.util.Objects;

/**
 * Who sends a command to the store's entities and indexes, with the proof that the cluster named
 * it so: the components' counterpart of a request's credentials. Control-plane members hold the
 * key that makes proofs ({@link CallerKey}); a worker holds only the one credential issued to
 * it when it joined, so a worker cannot act as anyone else.
 *
 * @param user the component's user name, e.g. {@code system:node:worker-1}
 * @param groups its groups, e.g. {@code system:nodes}
 * @param proof the cluster's MAC over user and groups; empty when this member has none
 */
public record Caller(String user, List<String> groups, String proof) {

  /** The group of the store's own members: the API server (which has authorized its user), the index, the admissions. */
  public static final String MASTERS = UserInfo.MASTERS;
  /** Node agents' group, and the prefix of their user names (Kubernetes' node identities). */
  public static final String NODES = "system:nodes";
  public static final String NODE_PREFIX = "system:node:";
  /** What a control-plane member's own components call themselves. */
  public static final String CONTROL_PLANE = "system:control-plane";
  /** The scheduler and the controller manager, under identities of their own (Kubernetes' names). */
  public static final String SCHEDULER = "system:kube-scheduler";
  public static final String CONTROLLER_MANAGER = "system:kube-controller-manager";

  public Caller {
    Objects.requireNonNull(user, "user");
    groups = List.copyOf(groups);
    proof = proof == null ? "" : proof;
  }

  /** The user the authorizers see. */
  public UserInfo userInfo() {
    return UserInfo.authenticated(user, "", groups);
  }

  /** The node this caller is the agent of, or null when it is not a node. */
  public String nodeName() {
    return groups.contains(NODES) && user.startsWith(NODE_PREFIX) ? user.substring(NODE_PREFIX.length()) : null;
  }

  public boolean isMaster() {
    return groups.contains(MASTERS);
  }

  @Override
  public String toString() {
    // Never the proof: it is a credential.
    return "Caller[" + user + " " + groups + "]";
  }
}
