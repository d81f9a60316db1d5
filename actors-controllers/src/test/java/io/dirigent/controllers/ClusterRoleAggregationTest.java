package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.testing.Await;
import io.dirigent.core.testing.TestNodes;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The default roles admin, edit and view are filled from the roles labelled to join them, and follow their changes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterRoleAggregationTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private ClusterNode member;

  @BeforeAll
  void start() {
    member = TestNodes.start(ConfigFactory.parseMap(Map.of("dirigent.store.plugin", "memory")));
    ControllerManager.init(member.system(), member.store());
  }

  @AfterAll
  void stop() {
    member.close();
  }

  private List<PolicyRule> rules(String role) {
    ClusterRole found = Await.result(member.store().get(ClusterRole.class, null, role));
    return found.getRules() == null ? List.of() : found.getRules();
  }

  private static boolean grants(List<PolicyRule> rules, String verb, String resource) {
    return rules.stream().anyMatch(rule -> rule.getVerbs().contains(verb) && rule.getResources().contains(resource));
  }

  @Test
  void viewEditAndAdminHoldWhatTheRolesLabelledForThemHoldEachIncludingTheOneBelow() {
    // Aggregation settles level by level: view, then edit (which holds view), then admin (which holds edit).
    Await.until("view, edit and admin aggregated", WAIT, () -> grants(rules("view"), "list", "pods")
        && grants(rules("edit"), "create", "pods") && grants(rules("edit"), "list", "pods")
        && grants(rules("admin"), "create", "rolebindings") && grants(rules("admin"), "create", "pods")
        && grants(rules("admin"), "list", "pods"));
    assertThat(grants(rules("view"), "get", "secrets")).as("view reads no secrets").isFalse();
    assertThat(grants(rules("edit"), "create", "rolebindings")).as("edit does not bind roles").isFalse();
  }

  @Test
  void aRoleLabelledToJoinViewIsAddedAndRemovedWithItsLabel() {
    Await.result(member.store().create(new ClusterRoleBuilder().withNewMetadata().withName("widgets-view")
        .addToLabels("rbac.authorization.k8s.io/aggregate-to-view", "true").endMetadata()
        .addNewRule().withApiGroups("example.com").withResources("widgets").withVerbs("get").endRule().build()));
    Await.until("view holds widgets", WAIT, () -> grants(rules("view"), "get", "widgets"));
    Await.until("edit and admin hold widgets", WAIT, () -> grants(rules("edit"), "get", "widgets") && grants(rules("admin"), "get", "widgets"));
    ClusterRole widgets = Await.result(member.store().get(ClusterRole.class, null, "widgets-view"));
    widgets.getMetadata().setLabels(Map.of());
    Await.result(member.store().update(widgets));
    Await.until("view no longer holds widgets", WAIT, () -> !grants(rules("view"), "get", "widgets"));
  }
}
