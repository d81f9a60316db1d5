package io.dirigent.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import java.util.List;
import org.junit.jupiter.api.Test;

class RbacPolicyTest {

  private static final UserInfo ALICE = UserInfo.authenticated("alice", "", List.of("team-a"));
  private static final UserInfo BOB = UserInfo.authenticated("bob", "", List.of());

  static ObjectNode object(String json) {
    try {
      return (ObjectNode) KubeJson.MAPPER.readTree(json.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static final ObjectNode POD_READER = object("{'metadata':{'name':'pod-reader'},'rules':[{'apiGroups':[''],'resources':['pods'],'verbs':['get','list']}]}");
  static final ObjectNode LOCAL_SECRETS = object("{'metadata':{'name':'secrets','namespace':'team'},'rules':[{'apiGroups':[''],'resources':['secrets'],'verbs':['get']}]}");

  private static AccessRequest get(UserInfo user, String resource, String namespace) {
    return AccessRequest.resource(user, "get", "", resource, "", namespace, "x");
  }

  @Test
  void aRoleBindingGrantsItsClusterRoleInItsNamespaceOnly() {
    RbacPolicy policy = RbacPolicy.of(List.of(POD_READER), List.of(), List.of(), List.of(object(
        "{'metadata':{'name':'read','namespace':'team'},'roleRef':{'apiGroup':'rbac.authorization.k8s.io','kind':'ClusterRole','name':'pod-reader'},"
            + "'subjects':[{'kind':'User','name':'alice','apiGroup':'rbac.authorization.k8s.io'}]}")));
    RbacPolicy.Decision allowed = policy.authorize(get(ALICE, "pods", "team"));
    assertThat(allowed.allowed()).isTrue();
    assertThat(allowed.reason()).contains("RoleBinding \"read\"").contains("ClusterRole \"pod-reader\"");
    assertThat(policy.authorize(get(ALICE, "pods", "other")).allowed()).isFalse();
    assertThat(policy.authorize(get(ALICE, "pods", "")).allowed()).isFalse();
    assertThat(policy.authorize(get(BOB, "pods", "team")).allowed()).isFalse();
    assertThat(policy.authorize(get(ALICE, "secrets", "team")).allowed()).isFalse();
  }

  @Test
  void aClusterRoleBindingGrantsEverywhereAndGroupsAndServiceAccountsAreSubjects() {
    RbacPolicy policy = RbacPolicy.of(List.of(POD_READER), List.of(LOCAL_SECRETS), List.of(object(
        "{'metadata':{'name':'readers'},'roleRef':{'apiGroup':'rbac.authorization.k8s.io','kind':'ClusterRole','name':'pod-reader'},"
            + "'subjects':[{'kind':'Group','name':'team-a','apiGroup':'rbac.authorization.k8s.io'}]}")), List.of(object(
        "{'metadata':{'name':'robot','namespace':'team'},'roleRef':{'apiGroup':'rbac.authorization.k8s.io','kind':'Role','name':'secrets'},"
            + "'subjects':[{'kind':'ServiceAccount','name':'robot'}]}")));
    assertThat(policy.authorize(get(ALICE, "pods", "anywhere")).allowed()).isTrue();
    assertThat(policy.authorize(get(ALICE, "pods", "")).allowed()).isTrue();
    assertThat(policy.authorize(get(BOB, "pods", "anywhere")).allowed()).isFalse();
    UserInfo robot = UserInfo.serviceAccount("team", "robot", "u1");
    UserInfo otherRobot = UserInfo.serviceAccount("other", "robot", "u2");
    assertThat(policy.authorize(get(robot, "secrets", "team")).allowed()).isTrue();
    assertThat(policy.authorize(get(otherRobot, "secrets", "team")).allowed()).isFalse();
    assertThat(policy.authorize(get(robot, "secrets", "other")).allowed()).isFalse();
  }

  @Test
  void aBindingToARoleThatDoesNotExistGrantsNothingAndUnreadableObjectsAreLeftOut() {
    RbacPolicy policy = RbacPolicy.of(List.of(object("{'metadata':{'name':'broken'},'rules':'not a list'}")), List.of(), List.of(
        object("{'metadata':{'name':'dangling'},'roleRef':{'kind':'ClusterRole','name':'missing'},'subjects':[{'kind':'User','name':'alice'}]}"),
        object("{'metadata':{'name':'to-broken'},'roleRef':{'kind':'ClusterRole','name':'broken'},'subjects':[{'kind':'User','name':'alice'}]}")),
        List.of());
    assertThat(policy.authorize(get(ALICE, "pods", "team")).allowed()).isFalse();
    assertThat(policy.rules(ALICE, "team")).isEmpty();
  }

  @Test
  void theMastersGroupMayDoAnythingWithoutAnyBinding() {
    UserInfo admin = UserInfo.authenticated("admin", "", List.of(UserInfo.MASTERS));
    assertThat(RbacPolicy.EMPTY.authorize(AccessRequest.resource(admin, "delete", "", "nodes", "", "", "n1")).allowed()).isTrue();
    assertThat(RbacPolicy.EMPTY.authorize(AccessRequest.nonResource(admin, "get", "/metrics")).allowed()).isTrue();
    assertThat(RbacPolicy.EMPTY.authorize(AccessRequest.nonResource(ALICE, "get", "/metrics")).allowed()).isFalse();
  }

  @Test
  void refusalsAreWordedAsKubernetesWordsThem() {
    assertThat(AccessRequest.resource(ALICE, "list", "", "pods", "", "default", "").refusal())
        .isEqualTo("User \"alice\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"");
    assertThat(AccessRequest.resource(ALICE, "create", "", "pods", "exec", "default", "web").refusal())
        .isEqualTo("User \"alice\" cannot create resource \"pods/exec\" in API group \"\" in the namespace \"default\"");
    assertThat(AccessRequest.resource(ALICE, "list", "apps", "deployments", "", "", "").refusal())
        .isEqualTo("User \"alice\" cannot list resource \"deployments\" in API group \"apps\" at the cluster scope");
    assertThat(AccessRequest.nonResource(ALICE, "get", "/metrics").refusal()).isEqualTo("User \"alice\" cannot get path \"/metrics\"");
  }
}
