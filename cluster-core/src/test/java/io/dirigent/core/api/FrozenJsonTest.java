package io.dirigent.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class FrozenJsonTest {

  private static ObjectNode pod() {
    try {
      return (ObjectNode) KubeJson.MAPPER.readTree("""
          {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","labels":{"app":"web"},"finalizers":["a"]},
           "spec":{"containers":[{"name":"c","image":"busybox","args":["sleep","1"]}]}}
          """);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  static Stream<Arguments> mutations() {
    return Stream.of(
        Arguments.of("a field is set on the object", (Consumer<ObjectNode>) o -> o.put("kind", "Service")),
        Arguments.of("a field is removed from the object", (Consumer<ObjectNode>) o -> o.remove("spec")),
        Arguments.of("a label is added deep inside", (Consumer<ObjectNode>) o -> ((ObjectNode) o.path("metadata").path("labels")).put("x", "y")),
        Arguments.of("the resourceVersion is stamped in place", (Consumer<ObjectNode>) o -> KubeJson.metadata(o).put("resourceVersion", "7")),
        Arguments.of("an element is added to an array", (Consumer<ObjectNode>) o -> ((ArrayNode) o.path("metadata").path("finalizers")).add("b")),
        Arguments.of("an array element is replaced", (Consumer<ObjectNode>) o -> ((ArrayNode) o.at("/spec/containers/0/args")).set(0, "echo")),
        Arguments.of("a field is removed through an iterator", (Consumer<ObjectNode>) o -> {
          var fields = o.properties().iterator();
          fields.next();
          fields.remove();
        }),
        Arguments.of("an object is created on a missing path", (Consumer<ObjectNode>) o -> o.withObject("/status")));
  }

  @ParameterizedTest(name = "{0}: refused")
  @MethodSource("mutations")
  void aFrozenTreeRefusesEveryChange(String name, Consumer<ObjectNode> mutation) {
    ObjectNode frozen = FrozenJson.freeze(pod());

    assertThatThrownBy(() -> mutation.accept(frozen)).isInstanceOf(UnsupportedOperationException.class);
    assertThat(frozen).isEqualTo(pod());
  }

  @ParameterizedTest(name = "{0}: allowed on a copy, and the frozen tree stays as it was")
  @MethodSource("mutations")
  void aDeepCopyOfAFrozenTreeMayBeChanged(String name, Consumer<ObjectNode> mutation) {
    ObjectNode frozen = FrozenJson.freeze(pod());
    ObjectNode copy = frozen.deepCopy();

    mutation.accept(copy);

    assertThat(copy).isNotEqualTo(pod());
    assertThat(frozen).isEqualTo(pod());
    assertThat(FrozenJson.isFrozen(copy)).isFalse();
  }

  @Test
  void freezingCopiesTheTreeOnceAndIsThenTheIdentity() {
    ObjectNode original = pod();
    ObjectNode frozen = FrozenJson.freeze(original);

    original.put("kind", "Changed");

    assertThat(frozen.path("kind").asText()).isEqualTo("Pod");
    assertThat(FrozenJson.freeze(frozen)).isSameAs(frozen);
    assertThat(FrozenJson.isFrozen(frozen.path("spec").path("containers"))).isTrue();
    assertThat(FrozenJson.freeze(null)).isNull();
  }

  @Test
  void aFrozenTreeWritesAndReadsAsTheSameJson() throws Exception {
    ObjectNode frozen = FrozenJson.freeze(pod());

    String json = KubeJson.MAPPER.writeValueAsString(frozen);
    JsonNode read = KubeJson.MAPPER.readTree(json);

    assertThat(read).isEqualTo(pod());
    assertThat(json).isEqualTo(KubeJson.MAPPER.writeValueAsString(pod()));
    assertThat(KubeJson.toTyped(frozen, io.fabric8.kubernetes.api.model.Pod.class).getSpec().getContainers().get(0).getArgs())
        .containsExactly("sleep", "1");
  }
}
