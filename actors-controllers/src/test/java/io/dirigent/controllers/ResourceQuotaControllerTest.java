package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.testing.Await;
import io.dirigent.core.testing.TestNodes;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The quota controller recounts what a namespace's objects use, as they come, end and go. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResourceQuotaControllerTest {

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
  void usedFollowsThePodsAndConfigMapsOfTheNamespace() {
    String ns = "quota-count";
    Await.result(member.store().create(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()));
    Await.result(member.store().create(new ResourceQuotaBuilder().withNewMetadata().withName("q").withNamespace(ns).endMetadata()
        .withNewSpec().addToHard("pods", new Quantity("3")).addToHard("requests.cpu", new Quantity("2"))
        .addToHard("count/configmaps", new Quantity("5")).endSpec().build()));
    Await.until("the quota counted: nothing used", WAIT, () -> "0 0 0".equals(used(ns)));
    assertThat(quota(ns).getStatus().getHard()).containsEntry("pods", new Quantity("3"));

    for (String name : new String[] {"a", "b"}) {
      Await.result(member.store().create(new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
          .withNewSpec().addNewContainer().withName("c").withImage("dirigent/busybox:1").withNewResources()
          .addToRequests("cpu", new Quantity("250m")).endResources().endContainer().endSpec().build()));
    }
    Await.result(member.store().create(new ConfigMapBuilder().withNewMetadata().withName("cm").withNamespace(ns).endMetadata().build()));
    Await.until("two pods, 500m and a ConfigMap used", WAIT, () -> "2 500m 1".equals(used(ns)));

    // A pod that ended uses no compute and no place; a deleted one nothing.
    Pod a = Await.result(member.store().get(Pod.class, ns, "a"));
    a.getMetadata().setResourceVersion(null);
    a.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Succeeded").build());
    Await.result(member.store().updateStatus(a));
    Await.until("the ended pod freed its place", WAIT, () -> "1 250m 1".equals(used(ns)));
    Await.result(member.store().delete(Pod.class, ns, "b", DeleteOptions.defaults().withGracePeriod(0L)));
    Await.until("the deleted pod freed its place", WAIT, () -> "0 0 1".equals(used(ns)));
  }

  private ResourceQuota quota(String ns) {
    return Await.result(member.store().get(ResourceQuota.class, ns, "q"));
  }

  private String used(String ns) {
    ResourceQuota quota = quota(ns);
    if (quota.getStatus() == null || quota.getStatus().getUsed() == null) {
      return "none";
    }
    Map<String, Quantity> used = quota.getStatus().getUsed();
    return used.get("pods") + " " + used.get("requests.cpu") + " " + used.get("count/configmaps");
  }
}
