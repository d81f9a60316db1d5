package io.dirigent.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.dirigent.core.api.KubeJson;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The relay between an index and one watcher, with probes on both sides. */
class WatchRelayTest {

  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final Duration START_TIMEOUT = Duration.ofMillis(300);

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  @Test
  void aWatchTheIndexNeverAcceptsEndsWithATimeoutError() {
    TestProbe<WatchEvent> watcher = KIT.createTestProbe();
    ActorRef<WatchRelay.Command> relay = KIT.spawn(WatchRelay.create(watcher.getRef(), START_TIMEOUT));

    WatchEvent event = watcher.expectMessageClass(WatchEvent.class, Duration.ofSeconds(5));
    assertThat(event.type()).isEqualTo(WatchEvent.Type.ERROR);
    assertThat(event.object().path("code").asInt()).isEqualTo(504);
    assertThat(event.object().path("reason").asText()).isEqualTo("Timeout");
    watcher.expectTerminated(relay, Duration.ofSeconds(5));
  }

  @Test
  void anAcceptedWatchKeepsDeliveringPastTheStartTimeout() {
    TestProbe<WatchEvent> watcher = KIT.createTestProbe();
    TestProbe<ResourceIndex.Command> index = KIT.createTestProbe();
    ActorRef<WatchRelay.Command> relay = KIT.spawn(WatchRelay.create(watcher.getRef(), START_TIMEOUT));
    relay.tell(new WatchRelay.Started(index.getRef()));

    watcher.expectNoMessage(START_TIMEOUT.multipliedBy(2));
    WatchEvent added = new WatchEvent(WatchEvent.Type.ADDED,
        KubeJson.toTree(new ConfigMapBuilder().withNewMetadata().withName("a").withResourceVersion("7").endMetadata().build()));
    relay.tell(new WatchRelay.Deliver(added));
    assertThat(watcher.expectMessageClass(WatchEvent.class).resourceVersion()).isEqualTo(7);
  }

  @Test
  void theWatcherGetsGoneWhenTheIndexStops() {
    TestProbe<WatchEvent> watcher = KIT.createTestProbe();
    TestProbe<ResourceIndex.Command> index = KIT.createTestProbe();
    ActorRef<WatchRelay.Command> relay = KIT.spawn(WatchRelay.create(watcher.getRef(), START_TIMEOUT));
    relay.tell(new WatchRelay.Started(index.getRef()));

    index.stop();
    WatchEvent event = watcher.expectMessageClass(WatchEvent.class, Duration.ofSeconds(5));
    assertThat(event.type()).isEqualTo(WatchEvent.Type.ERROR);
    assertThat(event.object().path("code").asInt()).isEqualTo(410);
    watcher.expectTerminated(relay, Duration.ofSeconds(5));
  }
}
