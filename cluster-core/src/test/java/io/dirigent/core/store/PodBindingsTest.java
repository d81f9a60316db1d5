package io.dirigent.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.FrozenJson;
import io.dirigent.core.api.KubeJson;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PodBindingsTest {

  private static ObjectNode pod(String json) {
    try {
      return FrozenJson.freeze((ObjectNode) KubeJson.MAPPER.readTree(json));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static final ObjectNode UNBOUND = pod("""
      {"metadata":{"name":"web","namespace":"default","uid":"u1"},"spec":{"containers":[{"name":"c","image":"i"}]}}""");

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of("a pod already on a node", pod("""
            {"metadata":{"name":"web","uid":"u1"},"spec":{"nodeName":"n2"}}"""), "",
            "pod web is already assigned to node \"n2\""),
        Arguments.of("a pod being deleted", pod("""
            {"metadata":{"name":"web","uid":"u1","deletionTimestamp":"2026-01-01T00:00:00Z"},"spec":{}}"""), "",
            "pod web is being deleted, cannot be assigned to a host"),
        Arguments.of("a pod created again under the name the binder saw", UNBOUND, "u0",
            "Operation cannot be fulfilled on pods/binding \"web\": Precondition failed: UID in precondition: u0, UID in object meta: u1"));
  }

  @ParameterizedTest(name = "{0} is a conflict")
  @MethodSource("refusals")
  void aBindThatCannotHoldIsAConflict(String name, ObjectNode pod, String uid, String message) {
    assertThatThrownBy(() -> PodBindings.bindable(pod, "web", uid, "n1"))
        .isInstanceOfSatisfying(StoreException.class, e -> {
          assertThat(e.reason()).isEqualTo(StoreError.Reason.CONFLICT);
          assertThat(e.getMessage()).contains(message);
        });
  }

  static Stream<Arguments> binds() {
    return Stream.of(
        Arguments.of("without a uid precondition", ""),
        Arguments.of("with the pod's own uid", "u1"));
  }

  @ParameterizedTest(name = "an unbound pod is bound {0}, on a copy")
  @MethodSource("binds")
  void anUnboundPodGetsTheNode(String name, String uid) {
    ObjectNode bound = PodBindings.bindable(UNBOUND, "web", uid, "n1");
    assertThat(bound.path("spec").path("nodeName").asText()).isEqualTo("n1");
    assertThat(bound.path("spec").path("containers")).isEqualTo(UNBOUND.path("spec").path("containers"));
    assertThat(UNBOUND.path("spec").has("nodeName")).isFalse();
  }
}
