package io.dirigent.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.testing.Await;
import io.dirigent.core.testing.TestNodes;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What is larger than Pekko's default frame (256 KiB) crosses members: objects near Kubernetes'
 * 1.5 MiB limit, written, read and watched through either of two control-plane members (each
 * hosts half of the objects), and lists of megabytes, more than one frame holds, from whichever
 * member does not host the index. The objects are random text, which compression barely shrinks:
 * repeated characters would fit a frame compressed and prove nothing.
 */
class LargeMessagesAcrossMembersTest {

  private static ClusterNode first;
  private static ClusterNode second;

  @BeforeAll
  static void start() throws Exception {
    // Each member's in-memory journal is its own: a shard moved by a rebalance would find none of
    // its objects' events, so shards stay where they are first allocated.
    first = TestNodes.start(ConfigFactory.parseMap(Map.of("dirigent.store.plugin", "memory", "dirigent.cluster.roles", List.of("control-plane"),
        "pekko.cluster.sharding.rebalance-interval", "1h")));
    var seed = Cluster.get(first.system()).selfMember().address();
    second = ClusterNode.start(first.system().name(), ConfigFactory.parseMap(Map.of(
            "dirigent.store.plugin", "memory",
            "dirigent.cluster.roles", List.of("control-plane"),
            "pekko.cluster.sharding.rebalance-interval", "1h",
            "dirigent.cluster.seed-nodes", List.of(seed.host().get() + ":" + seed.port().get())))
        .withFallback(TestNodes.testSettings()));
    second.ready().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    second.close();
    first.close();
  }

  private static String namespace(String prefix) {
    String name = prefix + "-" + Long.toString(System.nanoTime() % 1_000_000, 36);
    Await.result(first.store().create(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()));
    return name;
  }

  /** Random base64 text of {@code bytes} random bytes (4/3 as many characters). */
  private static String random(int bytes, long seed) {
    byte[] raw = new byte[bytes];
    new java.util.Random(seed).nextBytes(raw);
    return java.util.Base64.getEncoder().encodeToString(raw);
  }

  @Test
  void objectsOfAMegabyteAndAHalfAreWrittenAndReadThroughEitherMember() {
    String ns = namespace("large");
    String value = random(1_000_000, 1);
    for (int i = 0; i < 8; i++) {
      ClusterNode writer = i % 2 == 0 ? first : second;
      ClusterNode reader = i % 2 == 0 ? second : first;
      String name = "big-" + i;
      Await.result(writer.store().create(new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
          .withData(Map.of("v", value)).build()));
      ConfigMap read = Await.result(reader.store().get(ConfigMap.class, ns, name));
      assertThat(read.getData().get("v").equals(value)).as(name + " read back whole").isTrue();
    }
    // Every change was released to the index: a list has them all.
    assertThat(Await.result(first.store().list(ConfigMap.class, ListOptions.of(ObjectFilter.inNamespace(ns)))).items()).hasSize(8);
  }

  @Test
  void aListOfMegabytesIsCompleteFromEitherMember() {
    String ns = namespace("many");
    String value = "y".repeat(8_000);
    IntStream.range(0, 400).parallel().forEach(i -> Await.result(first.store().create(new ConfigMapBuilder()
        .withNewMetadata().withName("cm-" + i).withNamespace(ns).endMetadata().withData(Map.of("v", value + i)).build())));
    for (ClusterNode member : List.of(first, second)) {
      ListResult listed = Await.result(member.store().list(ConfigMap.class, ListOptions.of(ObjectFilter.inNamespace(ns))));
      assertThat(listed.items()).as("3 MiB of ConfigMaps listed through " + Cluster.get(member.system()).selfMember().address()).hasSize(400);
    }
  }

  /**
   * A list far larger than one of Artery's frames (8 MiB, compressed): 40 ConfigMaps of 1 MiB of
   * random text each, which gzip cannot shrink below 30 MiB. The index answers the member that
   * does not host it in pages; that member puts the whole list together.
   */
  @Test
  void aListLargerThanAFrameIsCompleteFromEitherMember() {
    String ns = namespace("huge");
    java.util.Random random = new java.util.Random(17);
    Map<String, String> values = new java.util.TreeMap<>();
    for (int i = 0; i < 40; i++) {
      values.put("cm-%02d".formatted(i), random(768 * 1024, random.nextLong()));
    }
    // One at a time: 40 MiB of writes at once on two cores outlast the test members' 5 s store timeout.
    values.forEach((name, value) -> Await.result(first.store().create(new ConfigMapBuilder()
        .withNewMetadata().withName(name).withNamespace(ns).endMetadata().withData(Map.of("v", value)).build())));
    for (ClusterNode member : List.of(first, second)) {
      ListResult listed = Await.result(member.store().list(ConfigMap.class, ListOptions.of(ObjectFilter.inNamespace(ns))));
      String through = Cluster.get(member.system()).selfMember().address().toString();
      assertThat(listed.continueToken()).as(through).isNull();
      List<ConfigMap> items = listed.items(ConfigMap.class);
      assertThat(items).as("40 MiB of ConfigMaps listed through " + through).extracting(cm -> cm.getMetadata().getName())
          .containsExactlyElementsOf(values.keySet());
      assertThat(items).as("their data, whole").allMatch(cm -> cm.getData().get("v").equals(values.get(cm.getMetadata().getName())));
    }
  }

  @Test
  void aWatchOnAnotherMemberSeesALargeObject() {
    String ns = namespace("watched");
    var events = new java.util.concurrent.LinkedBlockingQueue<WatchEvent>();
    // Whichever member does not host the index watches through it, across the cluster.
    for (ClusterNode member : List.of(first, second)) {
      member.store().watch(ConfigMap.class, WatchOptions.from(ObjectFilter.inNamespace(ns), null))
          .runForeach(events::add, member.system());
    }
    Await.result(first.store().create(new ConfigMapBuilder().withNewMetadata().withName("big").withNamespace(ns).endMetadata()
        .withData(Map.of("v", random(1_000_000, 2))).build()));
    Await.until("both watches saw the object", Duration.ofSeconds(20), () -> events.stream()
        .filter(event -> event.type() == WatchEvent.Type.ADDED).count() >= 2);
  }
}
