package io.dirigent.scheduler.plugins;

import static io.dirigent.scheduler.Fixtures.info;
import static io.dirigent.scheduler.Fixtures.node;
import static io.dirigent.scheduler.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.dirigent.scheduler.NodeInfo;
import io.dirigent.scheduler.PodClaim;
import io.dirigent.scheduler.PodInfo;
import io.dirigent.scheduler.Status;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The VolumeBinding filter: where a pod with PersistentVolumeClaims may go. */
class VolumeBindingTest {

  private static final StorageClass LOCAL_PATH = new StorageClassBuilder().withNewMetadata().withName("local-path").endMetadata()
      .withProvisioner("dirigent.io/local-path").withVolumeBindingMode("WaitForFirstConsumer").build();

  private static PersistentVolume pinned(String node) {
    return new PersistentVolumeBuilder().withNewMetadata().withName("pvc-1").endMetadata().withNewSpec()
        .withNewLocal().withPath("/v/pvc-1").endLocal()
        .withNewNodeAffinity().withNewRequired().addNewNodeSelectorTerm().addNewMatchExpression()
        .withKey("kubernetes.io/hostname").withOperator("In").withValues(node).endMatchExpression().endNodeSelectorTerm().endRequired().endNodeAffinity()
        .endSpec().build();
  }

  private static PodInfo with(PodClaim... claims) {
    return info(pod("web-0", null, null)).withClaims(List.of(claims));
  }

  private static NodeInfo named(String name, boolean volumes) {
    var node = node(name, 4, 8).editMetadata().addToLabels("kubernetes.io/hostname", name);
    if (volumes) {
      node = node.addToAnnotations("dirigent.io/volumes-dir", "/var/lib/dirigent/volumes");
    }
    return info(node.endMetadata());
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        arguments("a pod without claims fits", with(), named("w1", false), List.of(), Status.Code.SUCCESS),
        arguments("a claim bound to a volume on the node fits", with(new PodClaim("data", PodClaim.State.BOUND, pinned("w1"), LOCAL_PATH)),
            named("w1", true), List.of(), Status.Code.SUCCESS),
        arguments("a claim bound to a volume on another node does not fit", with(new PodClaim("data", PodClaim.State.BOUND, pinned("w2"), LOCAL_PATH)),
            named("w1", true), List.of("node(s) had volume node affinity conflict"), Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE),
        arguments("a claim that does not exist fits nowhere", with(new PodClaim("data", PodClaim.State.MISSING, null, null)),
            named("w1", true), List.of("persistentvolumeclaim \"data\" not found"), Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE),
        arguments("an unbound claim of an Immediate class fits nowhere yet", with(new PodClaim("data", PodClaim.State.UNBOUND_IMMEDIATE, null, null)),
            named("w1", true), List.of("pod has unbound immediate PersistentVolumeClaims"), Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE),
        arguments("an unbound WaitForFirstConsumer claim fits a node that takes local volumes",
            with(new PodClaim("data", PodClaim.State.UNBOUND_DELAYED, null, LOCAL_PATH)), named("w1", true), List.of(), Status.Code.SUCCESS),
        arguments("an unbound local-path claim does not fit a node that takes no local volumes",
            with(new PodClaim("data", PodClaim.State.UNBOUND_DELAYED, null, LOCAL_PATH)), named("sim-1", false),
            List.of("node(s) did not take local volumes"), Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE),
        arguments("a claim bound to a volume that is gone fits nowhere", with(new PodClaim("data", PodClaim.State.VOLUME_MISSING, null, null)),
            named("w1", true), List.of("pvc(s) bound to non-existent pv(s)"), Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE),
        arguments("every claim's reason is given", with(new PodClaim("a", PodClaim.State.MISSING, null, null),
                new PodClaim("b", PodClaim.State.DELETING, null, null), new PodClaim("c", PodClaim.State.BOUND, pinned("w2"), null)),
            named("w1", true), List.of("persistentvolumeclaim \"a\" not found", "persistentvolumeclaim \"b\" is being deleted",
                "node(s) had volume node affinity conflict"), Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void filters(String behaviour, PodInfo pod, NodeInfo node, List<String> reasons, Status.Code code) {
    Status status = new VolumeBinding().filter(pod, node);
    assertThat(status.reasons()).isEqualTo(reasons);
    assertThat(status.code()).isEqualTo(code);
  }
}
