package io.dirigent.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A pod's phase read from what the API writes, and whether it is final. */
class PodPhaseTest {

  static Stream<Arguments> phases() {
    return Stream.of(
        arguments("a pod without a phase yet is pending", null, PodPhase.PENDING, false),
        arguments("an empty phase is pending", "", PodPhase.PENDING, false),
        arguments("a running pod may still change", "Running", PodPhase.RUNNING, false),
        arguments("a pod whose containers all succeeded is done", "Succeeded", PodPhase.SUCCEEDED, true),
        arguments("a failed pod is done", "Failed", PodPhase.FAILED, true),
        arguments("a phase this server does not know is unknown, and not final", "Evicted", PodPhase.UNKNOWN, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("phases")
  void readsThePhaseAsTheApiWritesIt(String why, String written, PodPhase phase, boolean terminal) {
    Pod pod = new PodBuilder().withNewMetadata().withName("web").endMetadata().withNewStatus().withPhase(written).endStatus().build();
    assertThat(PodPhase.of(written)).isEqualTo(phase);
    assertThat(PodPhase.of(pod)).as("a typed pod").isEqualTo(phase);
    assertThat(PodPhase.of(KubeJson.toTree(pod))).as("the store's JSON").isEqualTo(phase);
    assertThat(phase.terminal()).isEqualTo(terminal);
    if (phase != PodPhase.UNKNOWN && written != null && !written.isEmpty()) {
      assertThat(phase.value()).isEqualTo(written);
    }
  }

  @Test
  void aPodWithoutAStatusIsPending() {
    assertThat(PodPhase.of(new PodBuilder().withNewMetadata().withName("web").endMetadata().build())).isEqualTo(PodPhase.PENDING);
  }
}
