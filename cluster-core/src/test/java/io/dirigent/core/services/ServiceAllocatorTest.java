package io.dirigent.core.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.dirigent.core.auth.Caller;
import io.dirigent.core.auth.CallerKey;
import io.dirigent.core.cluster.DirigentConfig;
import io.dirigent.core.cluster.Quorum;
import io.dirigent.core.services.ServiceAllocator.Allocate;
import io.dirigent.core.services.ServiceAllocator.Allocated;
import io.dirigent.core.services.ServiceAllocator.Command;
import io.dirigent.core.services.ServiceAllocator.Done;
import io.dirigent.core.services.ServiceAllocator.Holding;
import io.dirigent.core.services.ServiceAllocator.InUse;
import io.dirigent.core.services.ServiceAllocator.RepairTick;
import io.dirigent.core.services.ServiceAllocator.Reply;
import io.dirigent.core.services.ServiceAllocator.State;
import io.dirigent.core.services.ServiceAllocator.ValuesReleased;
import io.dirigent.core.store.ResourceIndex;
import io.dirigent.core.store.StoreGuard;
import io.dirigent.core.store.StoreSettings;
import io.dirigent.core.testing.ManualClock;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The allocator's repair on a manual clock: a value no Service uses is freed only once it has been
 * held for longer than a repair interval — by the allocator's clock, both when the value is
 * stamped and when the repair looks; and the repair's decision in a table.
 */
class ServiceAllocatorTest {

  /** The repair interval: long enough that the allocator's own timer does not repair during a test (it starts each one itself). */
  private static final Duration REPAIR = Duration.ofHours(1);
  private static final Instant START = Instant.parse("2024-05-01T12:00:00Z");
  private static final Config SETTINGS = DirigentConfig.load(ConfigFactory.parseMap(Map.of("dirigent.store.plugin", "memory")));
  private static final CallerKey KEY = CallerKey.random();
  private static final Caller MASTER = KEY.sign(Caller.CONTROL_PLANE, List.of(Caller.MASTERS));

  private static ActorTestKit testKit;

  private final ManualClock clock = new ManualClock(START);
  /** What the repair pass is told Services use; a test changes it. */
  private volatile InUse inUse = new InUse(Set.of(), Set.of());
  private TestProbe<Reply> replies;
  private ActorRef<Command> allocator;

  @BeforeAll
  static void startTestKit() {
    testKit = ActorTestKit.create(EventSourcedBehaviorTestKit.config());
  }

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void spawnAllocator() {
    // One entity id for the whole cluster: each test starts from an empty journal.
    PersistenceTestKit.create(testKit.system()).clearAll();
    replies = testKit.createTestProbe(Reply.class);
    TestProbe<ResourceIndex.Command> pods = testKit.createTestProbe(ResourceIndex.Command.class);
    allocator = testKit.spawn(ServiceAllocator.create(AddressRanges.from(SETTINGS), StoreSettings.from(SETTINGS),
        () -> CompletableFuture.completedFuture(inUse), REPAIR, new StoreGuard(MASTER, KEY::verify, pods.ref(), Quorum.ALWAYS), clock));
  }

  @AfterEach
  void stopAllocator() {
    testKit.stop(allocator);
  }

  private Reply allocate(String owner, String ip) {
    allocator.tell(new Allocate(owner, true, ip, List.of(), MASTER, replies.ref()));
    return replies.receiveMessage();
  }

  private void repair() {
    allocator.tell(new RepairTick(replies.ref()));
    replies.expectMessage(new Done());
  }

  @Test
  void aValueNoServiceUsesIsFreedOnlyOnceHeldForLongerThanARepairInterval() {
    assertThat(allocate("ns/failed", "10.96.7.7")).isEqualTo(new Allocated("10.96.7.7", List.of()));

    clock.advance(REPAIR.multipliedBy(2));
    repair();
    assertThat(allocate("ns/other", "10.96.7.7")).as("held for two intervals, unused: freed").isEqualTo(new Allocated("10.96.7.7", List.of()));
  }

  @Test
  void aValueHeldForLessThanARepairIntervalIsKeptThoughNoServiceUsesItYet() {
    allocate("ns/new", "10.96.7.8");

    clock.advance(REPAIR.dividedBy(2));
    repair();

    assertThat(allocate("ns/other", "10.96.7.8")).as("held for half the interval").isInstanceOf(ServiceAllocator.Refused.class);
  }

  @Test
  void aValueAServiceUsesIsKeptHoweverLongItIsHeld() {
    allocate("ns/web", "10.96.7.9");
    inUse = InUse.of(List.of(service("10.96.7.9", null)));

    clock.advance(Duration.ofDays(30));
    repair();

    assertThat(allocate("ns/other", "10.96.7.9")).isInstanceOf(ServiceAllocator.Refused.class);
  }

  private static Service service(String clusterIp, Integer nodePort) {
    ServiceBuilder service = new ServiceBuilder().withNewMetadata().withNamespace("ns").withName("web").endMetadata()
        .withNewSpec().withClusterIP(clusterIp).endSpec();
    if (nodePort != null) {
      service.editSpec().addNewPort().withPort(80).withNodePort(nodePort).endPort().endSpec();
    }
    return service.build();
  }

  static Stream<Arguments> repairs() {
    Holding old = new Holding("ns/old", START.minusSeconds(1));
    Holding justNow = new Holding("ns/new", START);
    return Stream.of(
        arguments("nothing held: nothing freed", new State(Map.of(), Map.of()), new InUse(Set.of(), Set.of()), List.of(), List.of()),
        arguments("an old ClusterIP and NodePort no Service uses are freed",
            new State(Map.of("10.96.0.5", old), Map.of(30001, old)), new InUse(Set.of(), Set.of()), List.of("10.96.0.5"), List.of(30001)),
        arguments("what a Service uses is kept, however old",
            new State(Map.of("10.96.0.5", old), Map.of(30001, old)), InUse.of(List.of(service("10.96.0.5", 30001))), List.of(), List.of()),
        arguments("a value allocated exactly at the limit is kept: it must be held for longer",
            new State(Map.of("10.96.0.6", justNow), Map.of(30002, justNow)), new InUse(Set.of(), Set.of()), List.of(), List.of()),
        arguments("of two unused values only the old one is freed",
            new State(Map.of("10.96.0.5", old, "10.96.0.6", justNow), Map.of()), new InUse(Set.of(), Set.of()), List.of("10.96.0.5"), List.of()),
        arguments("a NodePort in use keeps only itself: its Service's other values are looked at on their own",
            new State(Map.of("10.96.0.5", old), Map.of(30001, old, 30003, old)), InUse.of(List.of(service(null, 30001))),
            List.of("10.96.0.5"), List.of(30003)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("repairs")
  void aRepairFrees(String why, State state, InUse used, List<String> ips, List<Integer> ports) {
    assertThat(state.unused(used, START)).isEqualTo(new ValuesReleased(ips, ports));
  }
}
