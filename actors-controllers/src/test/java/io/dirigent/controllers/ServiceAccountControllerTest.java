package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.pki.ClusterPki;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.testing.Await;
import io.dirigent.core.testing.TestNodes;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Every namespace gets its default ServiceAccount and the cluster's authority, and gets them back when they are deleted. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceAccountControllerTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private ClusterNode member;
  private ClusterPki pki;

  @BeforeAll
  void start() throws Exception {
    Path pkiDir = Files.createTempDirectory("sa-controller-pki-");
    pki = ClusterPki.loadOrCreate(pkiDir, "dirigent", Clock.systemUTC());
    member = TestNodes.start(ConfigFactory.parseMap(Map.of("dirigent.store.plugin", "memory",
        "dirigent.api.tls.enabled", true, "dirigent.api.tls.pki-dir", pkiDir.toString())));
    ControllerManager.init(member.system(), member.store());
  }

  @AfterAll
  void stop() {
    member.close();
  }

  private boolean exists(Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> kind, String namespace, String name) {
    try {
      Await.result(member.store().get(kind, namespace, name));
      return true;
    } catch (RuntimeException | AssertionError notThere) {
      return false;
    }
  }

  @Test
  void aNewNamespaceGetsItsDefaultAccountAndTheAuthorityAndGetsThemBackAfterADelete() {
    Await.result(member.store().create(new NamespaceBuilder().withNewMetadata().withName("sa-controller").endMetadata().build()));
    Await.until("the default ServiceAccount", WAIT, () -> exists(ServiceAccount.class, "sa-controller", "default"));
    Await.until("kube-root-ca.crt", WAIT, () -> exists(ConfigMap.class, "sa-controller", "kube-root-ca.crt"));
    ConfigMap ca = Await.result(member.store().get(ConfigMap.class, "sa-controller", "kube-root-ca.crt"));
    assertThat(ca.getData()).containsEntry("ca.crt", pki.caPem());
    assertThat(exists(ServiceAccount.class, "kube-system", "default")).isTrue();

    Await.result(member.store().delete(ServiceAccount.class, "sa-controller", "default", DeleteOptions.defaults()));
    Await.until("the default ServiceAccount again", WAIT, () -> exists(ServiceAccount.class, "sa-controller", "default"));
  }
}
