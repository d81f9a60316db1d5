package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which volume a claim binds to, after Kubernetes' findBestMatchForClaim tests. */
class VolumeMatchingTest {

  private static PersistentVolumeBuilder pv(String name, String size, String className, String... modes) {
    return new PersistentVolumeBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withCapacity(Map.of("storage", new Quantity(size))).withAccessModes(modes).withStorageClassName(className)
        .withNewHostPath().withPath("/v/" + name).endHostPath().endSpec();
  }

  private static PersistentVolumeBuilder onNode(PersistentVolumeBuilder pv, String node) {
    return pv.editSpec().withNewNodeAffinity().withNewRequired().addNewNodeSelectorTerm().addNewMatchExpression()
        .withKey("kubernetes.io/hostname").withOperator("In").withValues(node).endMatchExpression().endNodeSelectorTerm().endRequired()
        .endNodeAffinity().endSpec();
  }

  private static PersistentVolumeClaimBuilder claim(String size, String className, String... modes) {
    return new PersistentVolumeClaimBuilder().withNewMetadata().withName("data").withNamespace("ns").withUid("claim-uid").endMetadata()
        .withNewSpec().withAccessModes(modes).withStorageClassName(className)
        .withNewResources().withRequests(Map.of("storage", new Quantity(size))).endResources().endSpec();
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        arguments("the smallest volume that is large enough is chosen", claim("1Gi", "", "ReadWriteOnce"),
            List.of(pv("big", "10Gi", "", "ReadWriteOnce"), pv("small", "500Mi", "", "ReadWriteOnce"), pv("fit", "2Gi", "", "ReadWriteOnce")), null, "fit"),
        arguments("a volume of another class is not chosen", claim("1Gi", "fast", "ReadWriteOnce"),
            List.of(pv("slow", "1Gi", "slow", "ReadWriteOnce")), null, null),
        arguments("a volume lacking an access mode the claim asks for is not chosen", claim("1Gi", "", "ReadWriteMany"),
            List.of(pv("rwo", "1Gi", "", "ReadWriteOnce")), null, null),
        arguments("a volume with more access modes than asked for is chosen", claim("1Gi", "", "ReadWriteOnce"),
            List.of(pv("both", "1Gi", "", "ReadWriteOnce", "ReadOnlyMany")), null, "both"),
        arguments("a volume bound to another claim is not chosen", claim("1Gi", "", "ReadWriteOnce"),
            List.of(pv("taken", "1Gi", "", "ReadWriteOnce").editSpec().withNewClaimRef().withNamespace("ns").withName("other").withUid("x").endClaimRef().endSpec()),
            null, null),
        arguments("a volume pre-bound to the claim wins over a better fit", claim("1Gi", "", "ReadWriteOnce"),
            List.of(pv("fit", "1Gi", "", "ReadWriteOnce"),
                pv("mine", "5Gi", "", "ReadWriteOnce").editSpec().withNewClaimRef().withNamespace("ns").withName("data").endClaimRef().endSpec()),
            null, "mine"),
        arguments("a volume being deleted is not chosen", claim("1Gi", "", "ReadWriteOnce"),
            List.of(pv("going", "1Gi", "", "ReadWriteOnce").editMetadata().withDeletionTimestamp("2026-12-07T00:00:00Z").endMetadata()), null, null),
        arguments("a volume pinned to another node is not chosen for a claim whose node was selected", claim("1Gi", "local", "ReadWriteOnce"),
            List.of(onNode(pv("far", "1Gi", "local", "ReadWriteOnce"), "w2"), onNode(pv("near", "2Gi", "local", "ReadWriteOnce"), "w1")),
            Map.of("kubernetes.io/hostname", "w1"), "near"),
        arguments("a claim whose selector the volume's labels miss does not bind to it",
            claim("1Gi", "", "ReadWriteOnce").editSpec().withNewSelector().addToMatchLabels("tier", "db").endSelector().endSpec(),
            List.of(pv("web", "1Gi", "", "ReadWriteOnce").editMetadata().addToLabels("tier", "web").endMetadata(),
                pv("db", "1Gi", "", "ReadWriteOnce").editMetadata().addToLabels("tier", "db").endMetadata()), null, "db"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theBestVolumeForAClaim(String behaviour, PersistentVolumeClaimBuilder claim, List<PersistentVolumeBuilder> volumes, Map<String, String> node,
      String expected) {
    PersistentVolumeClaim built = claim.build();
    List<PersistentVolume> all = volumes.stream().map(PersistentVolumeBuilder::build).toList();
    assertThat(VolumeMatching.best(built, all, node).map(pv -> pv.getMetadata().getName()).orElse(null)).isEqualTo(expected);
  }
}
