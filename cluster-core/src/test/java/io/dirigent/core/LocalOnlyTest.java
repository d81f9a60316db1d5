package io.dirigent.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.testing.TestNodes;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** An actor's messages to itself can neither leave a member nor arrive from another. */
class LocalOnlyTest {

  /** Shaped alike: what another member could send, and the local message it would pose as. */
  public record Sendable(String value) implements CborSerializable {}

  public record Internal(String value) implements LocalOnly {}

  private static ClusterNode member;
  private static Serialization serialization;

  @BeforeAll
  static void start() {
    member = TestNodes.memory();
    serialization = SerializationExtension.get(Adapter.toClassic(member.system()));
  }

  @AfterAll
  static void stop() {
    member.close();
  }

  static Stream<String> storeInternals() {
    return Stream.of("io.dirigent.core.store.ObjectEntity$VersionAnswer", "io.dirigent.core.store.ObjectEntity$Referenced",
        "io.dirigent.core.store.ObjectEntity$Resume", "io.dirigent.core.store.ObjectEntity$IndexGone",
        "io.dirigent.core.store.ResourceIndex$Rebuilt", "io.dirigent.core.store.ResourceIndex$Recovered",
        "io.dirigent.core.store.ResourceIndex$Flush", "io.dirigent.core.services.ServiceAllocator$Repair");
  }

  @ParameterizedTest(name = "{0} is bound to the refusing serializer")
  @MethodSource("storeInternals")
  void theStoresMessagesToItselfAreLocalOnly(String className) throws Exception {
    assertThat(serialization.serializerFor(Class.forName(className))).isInstanceOf(LocalOnlySerializer.class);
  }

  @Test
  void aLocalMessageIsNotSerialized() {
    assertThat(serialization.serialize(new Internal("x")).isFailure()).isTrue();
  }

  @Test
  void jacksonBytesNamingALocalMessageAreRefused() {
    var jackson = serialization.findSerializerFor(new Sendable("x"));
    byte[] bytes = serialization.serialize(new Sendable("x")).get();

    assertThat(serialization.deserialize(bytes, jackson.identifier(), Sendable.class.getName()).isSuccess()).as("the sendable one arrives").isTrue();
    assertThat(serialization.deserialize(bytes, jackson.identifier(), Internal.class.getName()).isFailure()).isTrue();
    assertThat(serialization.deserialize(bytes, jackson.identifier(), "io.dirigent.core.store.ObjectEntity$VersionAnswer").isFailure()).isTrue();
  }
}
