package io.dirigent.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceRegistry;
import io.dirigent.core.auth.Caller;
import io.dirigent.core.auth.CallerKey;
import io.dirigent.core.cluster.Quorum;
import io.dirigent.core.store.ResourceIndex.AcquireVersion;
import io.dirigent.core.store.ResourceIndex.Commit;
import io.dirigent.core.store.ResourceIndex.ListObjects;
import io.dirigent.core.store.ResourceIndex.ListReply;
import io.dirigent.core.store.ResourceIndex.Listed;
import io.dirigent.core.store.ResourceIndex.VersionGranted;
import io.dirigent.core.store.ResourceIndex.VersionReply;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One resource's index on its own (the testkit's journal, the test playing the entities): a list
 * holds every write acknowledged before it was asked for.
 */
class ResourceIndexTest {

  private static final Config CONFIG = ConfigFactory.parseString("""
          pekko.actor.serialization-bindings { "io.dirigent.core.CborSerializable" = jackson-cbor }
          """)
      .withFallback(EventSourcedBehaviorTestKit.config());
  private static final Duration QUIET = Duration.ofMillis(300);
  private static final CallerKey KEY = CallerKey.random();
  private static final Caller MASTER = KEY.sign(Caller.CONTROL_PLANE, java.util.List.of(Caller.MASTERS));
  /** Outstanding versions are not asked about during a test: no entity would answer. */
  private static final StoreSettings SETTINGS = new StoreSettings("control-plane", 100, 500, Duration.ofSeconds(5), Duration.ofMillis(50),
      Duration.ofMillis(200), 100, 100, Duration.ofMinutes(5), 1, Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMillis(100), 100,
      1_572_864, 4_194_304, Duration.ofSeconds(1), Duration.ofSeconds(5));

  private static ActorTestKit testKit;

  @BeforeAll
  static void startTestKit() {
    testKit = ActorTestKit.create(CONFIG);
  }

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  private ActorRef<ResourceIndex.Command> current;

  /** A fresh index of ConfigMaps, on an empty journal. */
  private ActorRef<ResourceIndex.Command> index() {
    TestProbe<ResourceIndex.Command> pods = testKit.createTestProbe(ResourceIndex.Command.class);
    StoreGuard guard = new StoreGuard(MASTER, KEY::verify, pods.ref(), Quorum.ALWAYS);
    current = testKit.spawn(ResourceIndex.create("configmaps", ResourceRegistry.builtin(), SETTINGS, guard));
    return current;
  }

  @AfterEach
  void stopIndex() {
    if (current != null) {
      testKit.stop(current);
    }
    PersistenceTestKit.create(testKit.system()).clearAll();
  }

  private static long grant(ActorRef<ResourceIndex.Command> index, String key) {
    TestProbe<VersionReply> writer = testKit.createTestProbe(VersionReply.class);
    index.tell(new AcquireVersion(key, 0, null, false, MASTER, writer.ref()));
    return writer.expectMessageClass(VersionGranted.class).resourceVersion();
  }

  private static ObjectNode configMap(String key, long resourceVersion) {
    ObjectNode object = JsonNodeFactory.instance.objectNode();
    object.put("apiVersion", "v1").put("kind", "ConfigMap");
    object.putObject("metadata")
        .put("namespace", key.substring(0, key.indexOf('/')))
        .put("name", key.substring(key.indexOf('/') + 1))
        .put("resourceVersion", Long.toString(resourceVersion));
    return object;
  }

  @Test
  void aListWaitsForTheWritesHandedOutBeforeItCameAndThenHoldsThemAll() {
    ActorRef<ResourceIndex.Command> index = index();
    long a = grant(index, "ns/a");
    long b = grant(index, "ns/b");
    // b is persisted (and acknowledged to its client); a, granted first, is still being written.
    index.tell(new Commit("ns/b", b, configMap("ns/b", b), false, MASTER));
    TestProbe<ListReply> lists = testKit.createTestProbe(ListReply.class);
    index.tell(new ListObjects(ObjectFilter.ALL, 0, null, MASTER, lists.ref()));
    lists.expectNoMessage(QUIET);

    index.tell(new Commit("ns/a", a, configMap("ns/a", a), false, MASTER));

    Listed listed = lists.expectMessageClass(Listed.class);
    assertThat(listed.items()).extracting(KubeJson::name).containsExactly("a", "b");
    assertThat(listed.resourceVersion()).isEqualTo(b);
  }

  @Test
  void aListAfterSettledWritesIsAnsweredAtOnce() {
    ActorRef<ResourceIndex.Command> index = index();
    long a = grant(index, "ns/a");
    index.tell(new Commit("ns/a", a, configMap("ns/a", a), false, MASTER));
    TestProbe<ListReply> lists = testKit.createTestProbe(ListReply.class);
    index.tell(new ListObjects(ObjectFilter.ALL, 0, null, MASTER, lists.ref()));

    assertThat(lists.expectMessageClass(Listed.class, Duration.ofMillis(500)).items()).extracting(KubeJson::name).containsExactly("a");
  }

  @Test
  void aListWaitsAFewSecondsAtMostForAWriterThatNeverCommits() {
    ActorRef<ResourceIndex.Command> index = index();
    long a = grant(index, "ns/a");
    grant(index, "ns/b");
    index.tell(new Commit("ns/a", a, configMap("ns/a", a), false, MASTER));
    TestProbe<ListReply> lists = testKit.createTestProbe(ListReply.class);
    long asked = System.nanoTime();
    index.tell(new ListObjects(ObjectFilter.ALL, 0, null, MASTER, lists.ref()));

    Listed listed = lists.expectMessageClass(Listed.class, Duration.ofSeconds(10));
    assertThat(Duration.ofNanos(System.nanoTime() - asked)).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(5));
    assertThat(listed.items()).extracting(KubeJson::name).containsExactly("a");
  }
}
