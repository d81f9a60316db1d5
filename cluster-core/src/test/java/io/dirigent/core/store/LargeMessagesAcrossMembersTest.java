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
 * What is larger than Artery's ordinary 256 KiB frame crosses members: objects near Kubernetes'
 * 1.5 MiB limit, written and read through either of two control-plane members (each hosts half of
 * the objects), and lists of megabytes from whichever member does not host the index.
 */
class LargeMessagesAcrossMembersTest {

  private static ClusterNode first;
  private static ClusterNode second;

  @BeforeAll
  static void start() throws Exception {
    first = TestNodes.start(ConfigFactory.parseMap(Map.of("dirigent.store.plugin", "memory", "dirigent.cluster.roles", List.of("control-plane"))));
    var seed = Cluster.get(first.system()).selfMember().address();
    second = ClusterNode.start(first.system().name(), ConfigFactory.parseMap(Map.of(
            "dirigent.store.plugin", "memory",
            "dirigent.cluster.roles", List.of("control-plane"),
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

  @Test
  void objectsOfAMegabyteAndAHalfAreWrittenAndReadThroughEitherMember() {
    String ns = namespace("large");
    String value = "x".repeat(1_400_000);
    for (int i = 0; i < 8; i++) {
      ClusterNode writer = i % 2 == 0 ? first : second;
      ClusterNode reader = i % 2 == 0 ? second : first;
      String name = "big-" + i;
      Await.result(writer.store().create(new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
          .withData(Map.of("v", value)).build()));
      ConfigMap read = Await.result(reader.store().get(ConfigMap.class, ns, name));
      assertThat(read.getData().get("v")).as(name).hasSize(value.length());
    }
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
        .withData(Map.of("v", "z".repeat(1_400_000))).build()));
    Await.until("both watches saw the object", Duration.ofSeconds(20), () -> events.stream()
        .filter(event -> event.type() == WatchEvent.Type.ADDED).count() >= 2);
  }
}
