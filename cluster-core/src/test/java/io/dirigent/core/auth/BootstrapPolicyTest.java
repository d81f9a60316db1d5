package io.dirigent.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.store.WriteOptions;
import io.dirigent.core.testing.Await;
import io.dirigent.core.testing.TestNodes;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A control-plane member starts with Kubernetes' default roles, and keeps them without rewriting them on every start. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BootstrapPolicyTest {

  private ClusterNode member;
  private ResourceType clusterRoles;
  private ResourceType clusterRoleBindings;

  @BeforeAll
  void start() {
    member = TestNodes.start(ConfigFactory.parseMap(Map.of("dirigent.store.plugin", "memory")));
    clusterRoles = member.registry().byResource("clusterroles.rbac.authorization.k8s.io").orElseThrow();
    clusterRoleBindings = member.registry().byResource("clusterrolebindings.rbac.authorization.k8s.io").orElseThrow();
  }

  @AfterAll
  void stop() {
    member.close();
  }

  /** The role as stored, as a copy the test may change (the store's own version is frozen). */
  private ObjectNode role(String name) {
    return Await.result(member.store().get(clusterRoles, null, name)).deepCopy();
  }

  @Test
  void theDefaultRolesAndBindingsAreThereOnceTheMemberIsReady() {
    for (String name : new String[] {"cluster-admin", "admin", "edit", "view", "system:discovery", "system:basic-user",
        "system:public-info-viewer", "system:node", "system:kube-scheduler", "system:kube-controller-manager"}) {
      assertThat(KubeJson.meta(role(name), "name")).isEqualTo(name);
    }
    ObjectNode binding = Await.result(member.store().get(clusterRoleBindings, null, "cluster-admin"));
    assertThat(binding.path("subjects").get(0).path("name").asText()).isEqualTo(UserInfo.MASTERS);
    assertThat(role("view").path("metadata").path("annotations").path(BootstrapPolicy.AUTOUPDATE).asText()).isEqualTo("true");
  }

  @Test
  void ensuringAgainWritesNothingWhenNothingChanged() {
    int before = Await.result(member.store().history(clusterRoles, null, "system:basic-user")).size();
    Await.result(BootstrapPolicy.ensure(member.store()));
    Await.result(BootstrapPolicy.ensure(member.store()));
    assertThat(Await.result(member.store().history(clusterRoles, null, "system:basic-user"))).hasSize(before);
  }

  @Test
  void aChangedDefaultIsSetBackUnlessItsAutoupdateIsOff() {
    ObjectNode changed = role("system:public-info-viewer");
    changed.putArray("rules").addObject().put("x", 1).putArray("verbs").add("get");
    ((ObjectNode) changed.path("rules").get(0)).remove("x");
    ((ObjectNode) changed.path("rules").get(0)).putArray("nonResourceURLs").add("/metrics");
    Await.result(member.store().update(clusterRoles, null, changed, WriteOptions.by("operator")));
    Await.result(BootstrapPolicy.ensure(member.store()));
    assertThat(role("system:public-info-viewer").path("rules").toString()).doesNotContain("/metrics").contains("/healthz");

    ObjectNode kept = role("system:monitoring");
    ((ObjectNode) kept.path("metadata").path("annotations")).put(BootstrapPolicy.AUTOUPDATE, "false");
    ((ObjectNode) kept.path("rules").get(0)).putArray("nonResourceURLs").add("/metrics");
    Await.result(member.store().update(clusterRoles, null, kept, WriteOptions.by("operator")));
    Await.result(BootstrapPolicy.ensure(member.store()));
    assertThat(role("system:monitoring").path("rules").get(0).path("nonResourceURLs")).hasSize(1);
  }
}
