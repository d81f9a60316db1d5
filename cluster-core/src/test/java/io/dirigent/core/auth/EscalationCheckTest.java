package io.dirigent.core.auth;

import static io.dirigent.core.auth.RbacPolicyTest.object;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EscalationCheckTest {

  private static final UserInfo ALICE = UserInfo.authenticated("alice", "", List.of());
  private static final UserInfo ADMIN = UserInfo.authenticated("admin", "", List.of(UserInfo.MASTERS));

  /** alice may write roles and bindings in "team" and read pods there: a namespace admin without secrets. */
  private static final RbacPolicy POLICY = RbacPolicy.of(
      List.of(object("{'metadata':{'name':'team-admin'},'rules':[{'apiGroups':['rbac.authorization.k8s.io'],'resources':['roles','rolebindings'],'verbs':['create','delete','get','list','patch','update','watch']},"
          + "{'apiGroups':[''],'resources':['pods'],'verbs':['get','list']}]}"),
          object("{'metadata':{'name':'secret-reader'},'rules':[{'apiGroups':[''],'resources':['secrets'],'verbs':['get']}]}"),
          object("{'metadata':{'name':'binder'},'rules':[{'apiGroups':['rbac.authorization.k8s.io'],'resources':['clusterroles'],'verbs':['bind'],'resourceNames':['secret-reader']}]}")),
      List.of(),
      List.of(),
      List.of(object("{'metadata':{'name':'alice','namespace':'team'},'roleRef':{'kind':'ClusterRole','name':'team-admin'},'subjects':[{'kind':'User','name':'alice'}]}")));

  @Test
  void aRoleWithRulesItsWriterHoldsMayBeWrittenOneWithMoreMayNot() {
    var podRole = object("{'metadata':{'name':'pods','namespace':'team'},'rules':[{'apiGroups':[''],'resources':['pods'],'verbs':['get']}]}");
    assertThat(EscalationCheck.refusal(POLICY, ALICE, "roles", "team", podRole)).isEmpty();
    var secretRole = object("{'metadata':{'name':'secrets','namespace':'team'},'rules':[{'apiGroups':[''],'resources':['secrets'],'verbs':['get','list']}]}");
    assertThat(EscalationCheck.refusal(POLICY, ALICE, "roles", "team", secretRole)).hasValueSatisfying(refusal -> assertThat(refusal)
        .contains("is attempting to grant RBAC permissions not currently held")
        .contains("{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\"]}")
        .contains("{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"list\"]}"));
    // What alice holds in team she does not hold in another namespace.
    assertThat(EscalationCheck.refusal(POLICY, ALICE, "roles", "other", podRole)).isPresent();
    assertThat(EscalationCheck.refusal(POLICY, ADMIN, "roles", "team", secretRole)).isEmpty();
  }

  @Test
  void bindingARoleNeedsAllItGrantsOrTheBindVerbOnIt() {
    var bindAdmin = object("{'metadata':{'name':'me','namespace':'team'},'roleRef':{'kind':'ClusterRole','name':'cluster-admin'},'subjects':[{'kind':'User','name':'alice'}]}");
    RbacPolicy withClusterAdmin = RbacPolicy.of(List.of(object("{'metadata':{'name':'cluster-admin'},'rules':[{'apiGroups':['*'],'resources':['*'],'verbs':['*']}]}")),
        List.of(), List.of(), List.of(object("{'metadata':{'name':'alice','namespace':'team'},'roleRef':{'kind':'ClusterRole','name':'team-admin'},'subjects':[{'kind':'User','name':'alice'}]}")));
    assertThat(EscalationCheck.refusal(withClusterAdmin, ALICE, "rolebindings", "team", bindAdmin)).isPresent();
    var bindSecrets = object("{'metadata':{'name':'me','namespace':'team'},'roleRef':{'kind':'ClusterRole','name':'secret-reader'},'subjects':[{'kind':'User','name':'bob'}]}");
    assertThat(EscalationCheck.refusal(POLICY, ALICE, "rolebindings", "team", bindSecrets)).isPresent();
    RbacPolicy withBind = RbacPolicy.of(List.of(object("{'metadata':{'name':'secret-reader'},'rules':[{'apiGroups':[''],'resources':['secrets'],'verbs':['get']}]}"),
            object("{'metadata':{'name':'binder'},'rules':[{'apiGroups':['rbac.authorization.k8s.io'],'resources':['clusterroles'],'verbs':['bind'],'resourceNames':['secret-reader']}]}")),
        List.of(), List.of(object("{'metadata':{'name':'alice-binds'},'roleRef':{'kind':'ClusterRole','name':'binder'},'subjects':[{'kind':'User','name':'alice'}]}")), List.of());
    assertThat(EscalationCheck.refusal(withBind, ALICE, "rolebindings", "team", bindSecrets)).isEmpty();
    var toAbsent = object("{'metadata':{'name':'a','namespace':'team'},'roleRef':{'kind':'Role','name':'not-yet'},'subjects':[{'kind':'User','name':'bob'}]}");
    assertThat(EscalationCheck.refusal(POLICY, ALICE, "rolebindings", "team", toAbsent)).hasValueSatisfying(refusal -> assertThat(refusal).contains("does not exist"));
    var podsBinding = object("{'metadata':{'name':'p','namespace':'team'},'roleRef':{'kind':'ClusterRole','name':'team-admin'},'subjects':[{'kind':'User','name':'bob'}]}");
    assertThat(EscalationCheck.refusal(POLICY, ALICE, "rolebindings", "team", podsBinding)).isEmpty();
  }

  @Test
  void anAggregatedClusterRoleNeedsEscalate() {
    var aggregated = object("{'metadata':{'name':'agg'},'aggregationRule':{'clusterRoleSelectors':[{'matchLabels':{'a':'b'}}]}}");
    assertThat(EscalationCheck.refusal(POLICY, ALICE, "clusterroles", "", aggregated)).hasValueSatisfying(refusal -> assertThat(refusal).contains("aggregated"));
    assertThat(EscalationCheck.refusal(POLICY, ADMIN, "clusterroles", "", aggregated)).isEmpty();
  }
}
