package io.dirigent.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dirigent.node.ContainerSpecs.ConfigError;
import io.dirigent.node.runtime.ContainerSpec;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
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
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A claim's volume on the host: its directory is made below the node's volumes directory and
 * nowhere else, whatever path its PersistentVolume names; and on Delete reclaim the node removes
 * it without following links out.
 */
class ClaimedVolumesTest {

  @TempDir Path pods;
  @TempDir Path volumes;
  @TempDir Path outside;

  private static Pod pod(String subPath) {
    return new PodBuilder().withNewMetadata().withName("web-0").withNamespace("default").withUid("uid-1").endMetadata()
        .withNewSpec().addToVolumes(new VolumeBuilder().withName("data").withNewPersistentVolumeClaim("data-web-0", false).build())
        .addNewContainer().withName("c").withImage("i")
        .withVolumeMounts(new VolumeMountBuilder().withName("data").withMountPath("/data").withSubPath(subPath).build())
        .endContainer().endSpec().build();
  }

  private List<ContainerSpec.Mount> mounts(Pod pod, String path) {
    return PodVolumes.mounts(pods.resolve("uid-1"), pod, pod.getSpec().getContainers().get(0),
        new PodVolumes.Sources(Map.of(), Map.of(), Map.of(), "10.0.0.5", "127.0.0.1", Map.of("data", path), volumes));
  }

  @Test
  void aClaimsDirectoryIsMadeBelowTheVolumesDirectoryWritableByAnyone() throws Exception {
    String path = volumes.resolve("pvc-1_default_data-web-0").toString();
    List<ContainerSpec.Mount> mounts = mounts(pod(null), path);
    assertThat(mounts).extracting(ContainerSpec.Mount::hostPath).containsExactly(path);
    assertThat(Path.of(path)).isDirectory();
    assertThat(Files.getPosixFilePermissions(Path.of(path))).isEqualTo(PodVolumes.permissions(0777));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a path outside the volumes directory is refused | OUTSIDE/pv | outside this node's volumes directory",
      "the volumes directory itself is refused | ROOT | outside this node's volumes directory",
      "a path that climbs out with '..' is refused | ROOT/../escaped | without '..'",
      "a relative path is refused | relative/pv | it must be absolute",
      "a sibling whose name starts like the root is refused | ROOT-evil/pv | outside this node's volumes directory",
  })
  void aVolumePathThatLeavesTheVolumesDirectoryIsRefused(String behaviour, String path, String message) {
    String text = path.replace("OUTSIDE", outside.toString()).replace("ROOT", volumes.toString());
    assertThatThrownBy(() -> mounts(pod(null), text)).isInstanceOf(ConfigError.class).hasMessageContaining(message);
    assertThat(outside).isEmptyDirectory();
  }

  @Test
  void aVolumePathThroughASymbolicLinkIsRefused() throws Exception {
    Files.createSymbolicLink(volumes.resolve("link"), outside);
    assertThatThrownBy(() -> mounts(pod(null), volumes.resolve("link/pv").toString()))
        .isInstanceOf(ConfigError.class).hasMessageContaining("symbolic link");
    assertThat(outside).isEmptyDirectory();
  }

  @ParameterizedTest(name = "subPath {0} is refused")
  @ValueSource(strings = {"../../x", "/etc", "a/../../b"})
  void aSubPathStaysBelowTheClaimsVolume(String subPath) {
    assertThatThrownBy(() -> mounts(pod(subPath), volumes.resolve("pv").toString())).isInstanceOf(ConfigError.class);
    assertThat(outside).isEmptyDirectory();
  }

  @Test
  void aVolumePinnedToAnotherNodeIsNotMounted() {
    PersistentVolume pv = new PersistentVolumeBuilder().withNewMetadata().withName("pvc-1").endMetadata()
        .withNewSpec().withNewLocal().withPath("/v/pvc-1").endLocal()
        .withNewNodeAffinity().withNewRequired().addNewNodeSelectorTerm().addNewMatchExpression()
        .withKey("kubernetes.io/hostname").withOperator("In").withValues("w2").endMatchExpression().endNodeSelectorTerm().endRequired().endNodeAffinity()
        .endSpec().build();
    assertThat(ClaimedVolumes.pathOn("w2", "default/data", pv)).isEqualTo("/v/pvc-1");
    assertThatThrownBy(() -> ClaimedVolumes.pathOn("w1", "default/data", pv)).isInstanceOf(ConfigError.class)
        .hasMessageContaining("is not on node \"w1\"");
  }

  @Test
  void reclaimingRemovesTheDirectoryAndWhatIsInItButNotWhatALinkInItPointsTo() throws Exception {
    Path dir = Files.createDirectories(volumes.resolve("pvc-1_default_data/sub"));
    Files.writeString(dir.resolve("file"), "data");
    Files.writeString(outside.resolve("precious"), "keep");
    Files.createSymbolicLink(dir.resolve("escape"), outside);
    LocalVolumeReclaimer.removeBelow(volumes, volumes.resolve("pvc-1_default_data").toString());
    assertThat(volumes.resolve("pvc-1_default_data")).doesNotExist();
    assertThat(outside.resolve("precious")).hasContent("keep");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a path outside the volumes directory is left alone | OUTSIDE",
      "the volumes directory itself is left alone | ROOT",
      "a path that climbs out is left alone | ROOT/../OUTSIDE_NAME",
      "a path through a link is left alone | ROOT/link",
  })
  void reclaimingLeavesEverythingOutsideTheVolumesDirectory(String behaviour, String path) throws Exception {
    Files.writeString(outside.resolve("precious"), "keep");
    Files.createSymbolicLink(volumes.resolve("link"), outside);
    String text = path.replace("OUTSIDE_NAME", outside.getFileName().toString()).replace("OUTSIDE", outside.toString())
        .replace("ROOT", volumes.toString());
    LocalVolumeReclaimer.removeBelow(volumes, text.equals(volumes.resolve("link").toString()) ? text + "/x" : text);
    assertThat(outside.resolve("precious")).hasContent("keep");
    assertThat(volumes).exists();
  }
}
