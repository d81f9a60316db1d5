package io.dirigent.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dirigent.node.ContainerSpecs.ConfigError;
import io.dirigent.node.runtime.ContainerSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every host path the agent builds from a pod's spec stays where it belongs: the exploits that
 * once chmod-ed or wrote host directories through volume names, subPaths and item paths.
 */
class PodVolumesTest {

  @TempDir Path pods;
  @TempDir Path outside;

  private Path base() {
    return pods.resolve("uid-1").resolve("volumes");
  }

  private static Pod pod(VolumeBuilder volume, String subPath) {
    return new PodBuilder().withNewMetadata().withName("p").withNamespace("default").withUid("uid-1").endMetadata()
        .withNewSpec().addToVolumes(volume.build())
        .addNewContainer().withName("c").withImage("i")
        .withVolumeMounts(new VolumeMountBuilder().withName(volume.build().getName()).withMountPath("/data").withSubPath(subPath).build())
        .endContainer().endSpec().build();
  }

  private List<ContainerSpec.Mount> mounts(Pod pod, Map<String, ConfigMap> configMaps) {
    return PodVolumes.mounts(base(), pod, pod.getSpec().getContainers().get(0), new PodVolumes.Sources(configMaps, Map.of(), Map.of(), "10.0.0.5", "127.0.0.1"));
  }

  @ParameterizedTest(name = "an emptyDir named {0} is refused")
  @ValueSource(strings = {"../../../../x", "/etc", "a/b", "..", "Data"})
  void aVolumeNameIsOnePathElement(String name) {
    Pod pod = pod(new VolumeBuilder().withName(name).withNewEmptyDir().endEmptyDir(), null);
    assertThatThrownBy(() -> mounts(pod, Map.of())).isInstanceOf(ConfigError.class).hasMessageContaining("is not a DNS label");
  }

  @ParameterizedTest(name = "subPath {0} is refused")
  @ValueSource(strings = {"../../../../etc", "/etc", "a/../../b", "."})
  void aSubPathStaysBelowItsVolume(String subPath) {
    Pod pod = pod(new VolumeBuilder().withName("data").withNewEmptyDir().endEmptyDir(), subPath);
    assertThatThrownBy(() -> mounts(pod, Map.of())).isInstanceOf(ConfigError.class);
    assertThat(outside).isEmptyDirectory();
  }

  @Test
  void aSubPathThroughALinkTheContainerPlantedIsRefused() throws Exception {
    Path volume = base().resolve("empty-dir").resolve("data");
    Files.createDirectories(volume);
    Files.createSymbolicLink(volume.resolve("escape"), outside);
    Pod pod = pod(new VolumeBuilder().withName("data").withNewEmptyDir().endEmptyDir(), "escape/x");

    assertThatThrownBy(() -> mounts(pod, Map.of())).isInstanceOf(ConfigError.class).hasMessageContaining("symbolic link");
    assertThat(outside).isEmptyDirectory();
  }

  @Test
  void anOrdinarySubPathIsMadeInsideTheVolume() {
    Pod pod = pod(new VolumeBuilder().withName("data").withNewEmptyDir().endEmptyDir(), "logs/app");
    List<ContainerSpec.Mount> mounts = mounts(pod, Map.of());
    Path expected = base().resolve("empty-dir").resolve("data").resolve("logs").resolve("app");
    assertThat(mounts).containsExactly(new ContainerSpec.Mount(expected.toString(), "/data", false));
    assertThat(expected).isDirectory();
  }

  @ParameterizedTest(name = "item path {0} is refused")
  @ValueSource(strings = {"../../../../../tmp/x", "/etc/cron.d/x", ".", "a/../.."})
  void aConfigMapItemsPathStaysInItsVolume(String path) {
    ConfigMap map = new ConfigMapBuilder().withNewMetadata().withName("cm").endMetadata().withData(Map.of("k", "v")).build();
    Pod pod = pod(new VolumeBuilder().withName("config").withNewConfigMap().withName("cm")
        .addNewItem().withKey("k").withPath(path).endItem().endConfigMap(), null);
    assertThatThrownBy(() -> mounts(pod, Map.of("cm", map))).isInstanceOf(ConfigError.class);
  }

  @Test
  void aHostPathWithBackstepsIsRefused() {
    Pod pod = pod(new VolumeBuilder().withName("host").withNewHostPath().withPath("/var/../etc").endHostPath(), null);
    assertThatThrownBy(() -> mounts(pod, Map.of())).isInstanceOf(ConfigError.class).hasMessageContaining("without '..'");
  }

  @Test
  void aProjectedVolumeHoldsTheTokenTheAuthorityAndTheNamespaceReadOnly() throws Exception {
    Pod pod = pod(new VolumeBuilder().withName("kube-api-access-x").withNewProjected().withDefaultMode(0644)
        .addNewSource().withNewServiceAccountToken().withPath("token").withExpirationSeconds(3607L).endServiceAccountToken().endSource()
        .addNewSource().withNewConfigMap().withName("kube-root-ca.crt").addNewItem().withKey("ca.crt").withPath("ca.crt").endItem().endConfigMap().endSource()
        .addNewSource().withNewDownwardAPI().addNewItem().withPath("namespace").withNewFieldRef().withFieldPath("metadata.namespace").endFieldRef().endItem()
        .endDownwardAPI().endSource().endProjected(), null);
    ConfigMap ca = new ConfigMapBuilder().withNewMetadata().withName("kube-root-ca.crt").endMetadata().addToData("ca.crt", "PEM").build();
    List<ContainerSpec.Mount> mounts = PodVolumes.mounts(base(), pod, pod.getSpec().getContainers().get(0),
        new PodVolumes.Sources(Map.of("kube-root-ca.crt", ca), Map.of(), Map.of("kube-api-access-x/token", "the.jwt.token"), "10.0.0.5", "127.0.0.1"));
    assertThat(mounts).singleElement().satisfies(mount -> assertThat(mount.readOnly()).isTrue());
    Path dir = Path.of(mounts.get(0).hostPath());
    assertThat(Files.readString(dir.resolve("token"))).isEqualTo("the.jwt.token");
    assertThat(Files.readString(dir.resolve("ca.crt"))).isEqualTo("PEM");
    assertThat(Files.readString(dir.resolve("namespace"))).isEqualTo("default");
    // Without the token (no issuer answered), or with a path leaving the volume, nothing is mounted.
    assertThatThrownBy(() -> PodVolumes.mounts(base(), pod, pod.getSpec().getContainers().get(0),
        new PodVolumes.Sources(Map.of("kube-root-ca.crt", ca), Map.of(), Map.of(), null, "127.0.0.1")))
        .isInstanceOf(ConfigError.class).hasMessageContaining("no ServiceAccount token");
    Pod escaping = pod(new VolumeBuilder().withName("p").withNewProjected().addNewSource().withNewDownwardAPI().addNewItem().withPath("../../x")
        .withNewFieldRef().withFieldPath("metadata.name").endFieldRef().endItem().endDownwardAPI().endSource().endProjected(), null);
    assertThatThrownBy(() -> mounts(escaping, Map.of())).isInstanceOf(ConfigError.class);
    assertThat(outside).isEmptyDirectory();
  }
}
