package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.testing.Await;
import io.dirigent.core.testing.TestNodes;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The disruption controller in the controller manager on the in-memory store: budgets' status
 * follows their pods' readiness and their workloads' scale. No node runs the pods; the test marks
 * them Ready itself, as a node would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DisruptionControllerTest {

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

  @Test
  void aBudgetOverBarePodsCountsTheReadyOnes() {
    String ns = namespace("pdb-bare");
    for (String name : new String[] {"a", "b", "c"}) {
      Await.result(member.store().create(new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).addToLabels("app", "db")
          .endMetadata().withNewSpec().addNewContainer().withName("c").withImage("dirigent/busybox:1").endContainer().endSpec().build()));
    }
    Await.result(member.store().create(budget(ns, new IntOrString(2), null)));
    Await.until("the budget counts three pods, none healthy", WAIT, () -> status(ns, "expectedPods") == 3 && status(ns, "currentHealthy") == 0);
    assertThat(status(ns, "disruptionsAllowed")).isZero();
    assertThat(condition(ns)).isEqualTo("False/InsufficientPods");

    ready(ns, "a");
    ready(ns, "b");
    ready(ns, "c");
    Await.until("three healthy, one may go", WAIT, () -> status(ns, "currentHealthy") == 3 && status(ns, "disruptionsAllowed") == 1);
    assertThat(status(ns, "desiredHealthy")).isEqualTo(2);
    assertThat(condition(ns)).isEqualTo("True/SufficientPods");
  }

  @Test
  void maxUnavailableCountsFromTheDeploymentsScale() {
    String ns = namespace("pdb-deploy");
    Await.result(member.store().create(new DeploymentBuilder().withNewMetadata().withName("web").withNamespace(ns).endMetadata()
        .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", "db").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "db").endMetadata()
        .withNewSpec().addNewContainer().withName("c").withImage("dirigent/busybox:1").endContainer().endSpec().endTemplate()
        .endSpec().build()));
    Await.result(member.store().create(budget(ns, null, new IntOrString(1))));
    Await.until("the Deployment's two pods", WAIT, () -> pods(ns) == 2);
    Await.until("two expected by the scale", WAIT, () -> status(ns, "expectedPods") == 2 && status(ns, "desiredHealthy") == 1);
    assertThat(status(ns, "disruptionsAllowed")).isZero();
    Await.result(member.store().list(Pod.class, ListOptions.of(ObjectFilter.inNamespace(ns)))).items()
        .forEach(pod -> ready(ns, pod.path("metadata").path("name").asText()));
    Await.until("both healthy: one may go", WAIT, () -> status(ns, "currentHealthy") == 2 && status(ns, "disruptionsAllowed") == 1);
  }

  private String namespace(String name) {
    Await.result(member.store().create(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()));
    return name;
  }

  private static PodDisruptionBudget budget(String ns, IntOrString minAvailable, IntOrString maxUnavailable) {
    return new PodDisruptionBudgetBuilder().withNewMetadata().withName("budget").withNamespace(ns).endMetadata()
        .withNewSpec().withMinAvailable(minAvailable).withMaxUnavailable(maxUnavailable)
        .withNewSelector().addToMatchLabels("app", "db").endSelector().endSpec().build();
  }

  private int pods(String ns) {
    return Await.result(member.store().list(Pod.class, ListOptions.of(ObjectFilter.inNamespace(ns)))).items().size();
  }

  private void ready(String ns, String name) {
    Pod pod = Await.result(member.store().get(Pod.class, ns, name));
    pod.getMetadata().setResourceVersion(null);
    pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Running").addNewCondition().withType("Ready")
        .withStatus("True").withLastTransitionTime(Instant.now().toString()).endCondition().build());
    Await.result(member.store().updateStatus(pod));
  }

  private int status(String ns, String field) {
    PodDisruptionBudget budget = Await.result(member.store().get(PodDisruptionBudget.class, ns, "budget"));
    return budget.getStatus() == null ? -1 : switch (field) {
      case "expectedPods" -> budget.getStatus().getExpectedPods();
      case "currentHealthy" -> budget.getStatus().getCurrentHealthy();
      case "desiredHealthy" -> budget.getStatus().getDesiredHealthy();
      default -> budget.getStatus().getDisruptionsAllowed();
    };
  }

  private String condition(String ns) {
    PodDisruptionBudget budget = Await.result(member.store().get(PodDisruptionBudget.class, ns, "budget"));
    return budget.getStatus().getConditions().stream().filter(c -> c.getType().equals("DisruptionAllowed"))
        .map(c -> c.getStatus() + "/" + c.getReason()).findFirst().orElse("none");
  }
}
