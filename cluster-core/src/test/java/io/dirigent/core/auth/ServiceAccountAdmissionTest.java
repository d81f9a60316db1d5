package io.dirigent.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.testing.Await;
import io.dirigent.core.testing.TestNodes;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** New pods run as an account and carry its token, as Kubernetes' ServiceAccount admission makes them. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceAccountAdmissionTest {

  private ClusterNode member;

  @BeforeAll
  void start() {
    member = TestNodes.start(ConfigFactory.parseMap(Map.of("dirigent.store.plugin", "memory", "dirigent.api.tls.enabled", true)));
    Await.result(member.store().create(new NamespaceBuilder().withNewMetadata().withName("sa-admission").endMetadata().build()));
    Await.result(member.store().create(new ServiceAccountBuilder().withNewMetadata().withName("default").withNamespace("sa-admission").endMetadata().build()));
    Await.result(member.store().create(new ServiceAccountBuilder().withNewMetadata().withName("quiet").withNamespace("sa-admission").endMetadata()
        .withAutomountServiceAccountToken(false).build()));
  }

  @AfterAll
  void stop() {
    member.close();
  }

  private Pod create(String name, String account, Boolean automount) {
    return Await.result(member.store().create(new PodBuilder().withNewMetadata().withName(name).withNamespace("sa-admission").endMetadata()
        .withNewSpec().withServiceAccountName(account).withAutomountServiceAccountToken(automount)
        .addNewInitContainer().withName("init").withImage("busybox").endInitContainer()
        .addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().build()));
  }

  private static Volume tokenVolume(Pod pod) {
    return pod.getSpec().getVolumes().stream().filter(volume -> volume.getName().startsWith("kube-api-access-")).findFirst().orElse(null);
  }

  @Test
  void aPodRunsAsDefaultAndEveryContainerMountsTheTokenTheAuthorityAndTheNamespace() {
    Pod pod = create("plain", null, null);
    assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("default");
    Volume volume = tokenVolume(pod);
    assertThat(volume).isNotNull();
    var sources = volume.getProjected().getSources();
    assertThat(sources.get(0).getServiceAccountToken().getExpirationSeconds()).isEqualTo(3607L);
    assertThat(sources.get(1).getConfigMap().getName()).isEqualTo("kube-root-ca.crt");
    assertThat(sources.get(2).getDownwardAPI().getItems().get(0).getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
    for (var container : java.util.List.of(pod.getSpec().getContainers().get(0), pod.getSpec().getInitContainers().get(0))) {
      assertThat(container.getVolumeMounts()).anySatisfy(mount -> {
        assertThat(mount.getName()).isEqualTo(volume.getName());
        assertThat(mount.getMountPath()).isEqualTo(ServiceAccountAdmission.MOUNT_PATH);
        assertThat(mount.getReadOnly()).isTrue();
      });
    }
  }

  @Test
  void thePodsSayWinsOverItsAccountsAndAMissingAccountMeansNoToken() {
    assertThat(tokenVolume(create("off", null, false))).isNull();
    assertThat(tokenVolume(create("quiet", "quiet", null))).isNull();
    assertThat(tokenVolume(create("quiet-but-asked", "quiet", true))).isNotNull();
    Pod missing = create("missing", "nobody", null);
    assertThat(missing.getSpec().getServiceAccountName()).isEqualTo("nobody");
    assertThat(tokenVolume(missing)).isNull();
  }
}
