package io.dirigent.core.informer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceRegistry;
import io.dirigent.core.api.ResourceType;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * One shared informer and its subscribers, with the list and watch played by the test: what the
 * informer hears reaches the store first and then every subscriber; late subscribers, relists
 * and subscribers that stop.
 */
class SharedInformerTest {

  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final ResourceType PODS = ResourceRegistry.builtin().of(Pod.class);

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  private static ObjectNode pod(String name, int version) {
    return KubeJson.toTree(new PodBuilder().withNewMetadata().withName(name).withNamespace("ns").withResourceVersion(Integer.toString(version))
        .endMetadata().withNewSpec().addNewContainer().withName("c").withImage("i").endContainer().endSpec().build());
  }

  /** A shared informer whose list and watch is the test: events sent to {@link #heard} are what it hears. */
  private static final class Fixture {
    final InformerStore store = new InformerStore(Index.STANDARD);
    final ActorRef<SharedInformer.Command> informer;
    final ActorRef<Informer.Event> heard;

    Fixture() {
      TestProbe<ActorRef<Informer.Event>> adapter = KIT.createTestProbe();
      informer = KIT.spawn(SharedInformer.create(PODS, store, heard -> {
        adapter.getRef().tell(heard);
        return Behaviors.<Informer.Command>ignore();
      }));
      heard = adapter.receiveMessage();
    }

    TestProbe<SharedInformer.Event> subscriber() {
      TestProbe<SharedInformer.Event> probe = KIT.createTestProbe();
      informer.tell(new SharedInformer.Subscribe(probe.getRef()));
      return probe;
    }

    SharedInformer.Description describe() {
      TestProbe<SharedInformer.Description> reply = KIT.createTestProbe();
      informer.tell(new SharedInformer.Describe(reply.getRef()));
      return reply.receiveMessage();
    }
  }

  /** A subscriber that checks, as each event arrives, that the store already holds its change. */
  private static Behavior<SharedInformer.Event> checking(InformerStore store, ActorRef<String> seen) {
    return Behaviors.receive(SharedInformer.Event.class).onAnyMessage(event -> {
      if (event instanceof SharedInformer.Changed changed) {
        boolean held = store.get(InformerStore.key(changed.object())).map(item -> item.tree() == changed.object()).orElse(false);
        seen.tell("changed " + KubeJson.name(changed.object()) + (held ? " held" : " NOT held"));
      } else if (event instanceof SharedInformer.Deleted deleted) {
        seen.tell("deleted " + KubeJson.name(deleted.object()) + (store.get(InformerStore.key(deleted.object())).isEmpty() ? " gone" : " STILL held"));
      } else {
        seen.tell("synced");
      }
      return Behaviors.same();
    }).build();
  }

  @Test
  void everySubscriberHearsOfAChangeOnlyOnceTheStoreHoldsIt() {
    Fixture fixture = new Fixture();
    TestProbe<String> first = KIT.createTestProbe();
    TestProbe<String> second = KIT.createTestProbe();
    fixture.informer.tell(new SharedInformer.Subscribe(KIT.spawn(checking(fixture.store, first.getRef()))));
    fixture.informer.tell(new SharedInformer.Subscribe(KIT.spawn(checking(fixture.store, second.getRef()))));

    ObjectNode a = pod("a", 1);

    // One at a time: each subscriber looks at the store before the next change can reach it.
    fixture.heard.tell(new Informer.Upserted(a));
    first.expectMessage("changed a held");
    second.expectMessage("changed a held");
    fixture.heard.tell(new Informer.Synced(List.of(a)));
    first.expectMessage("synced");
    second.expectMessage("synced");
    fixture.heard.tell(new Informer.Deleted(a));
    first.expectMessage("deleted a gone");
    second.expectMessage("deleted a gone");
  }

  @Test
  void aChangeCarriesTheVersionTheStoreHeldBefore() {
    Fixture fixture = new Fixture();
    TestProbe<SharedInformer.Event> subscriber = fixture.subscriber();
    ObjectNode v1 = pod("a", 1);
    ObjectNode v2 = pod("a", 2);

    fixture.heard.tell(new Informer.Upserted(v1));
    fixture.heard.tell(new Informer.Upserted(v2));

    assertThat(subscriber.expectMessageClass(SharedInformer.Changed.class).previous()).isNull();
    SharedInformer.Changed second = subscriber.expectMessageClass(SharedInformer.Changed.class);
    assertThat(second.object()).isSameAs(v2);
    assertThat(second.previous()).isSameAs(v1);
  }

  @Test
  void aSubscriberAfterTheListGetsSyncedAtOnceAndNothingBeforeTheList() {
    Fixture fixture = new Fixture();
    TestProbe<SharedInformer.Event> early = fixture.subscriber();

    fixture.heard.tell(new Informer.Upserted(pod("a", 1)));
    fixture.heard.tell(new Informer.Synced(List.of(pod("a", 1))));
    // Its first message is the list's first object: no Synced came before the list.
    early.expectMessageClass(SharedInformer.Changed.class);
    early.expectMessageClass(SharedInformer.Synced.class);

    TestProbe<SharedInformer.Event> late = fixture.subscriber();
    late.expectMessageClass(SharedInformer.Synced.class);
    assertThat(fixture.store.keys()).containsExactly("ns/a");
    fixture.heard.tell(new Informer.Upserted(pod("b", 2)));
    assertThat(late.expectMessageClass(SharedInformer.Changed.class).object().path("metadata").path("name").asText()).isEqualTo("b");
  }

  @Test
  void aRelistsVanishedObjectReachesEverySubscriberAsDeleted() {
    Fixture fixture = new Fixture();
    TestProbe<SharedInformer.Event> first = fixture.subscriber();
    TestProbe<SharedInformer.Event> second = fixture.subscriber();
    ObjectNode a = pod("a", 1);
    fixture.heard.tell(new Informer.Upserted(a));
    fixture.heard.tell(new Informer.Synced(List.of(a)));
    // The watch ended; the informer listed again and found a gone: that is what it says.
    fixture.heard.tell(new Informer.Deleted(a));
    fixture.heard.tell(new Informer.Synced(List.of()));

    for (TestProbe<SharedInformer.Event> subscriber : List.of(first, second)) {
      subscriber.expectMessageClass(SharedInformer.Changed.class);
      subscriber.expectMessageClass(SharedInformer.Synced.class);
      assertThat(subscriber.expectMessageClass(SharedInformer.Deleted.class).object()).isSameAs(a);
      subscriber.expectMessageClass(SharedInformer.Synced.class);
    }
    assertThat(fixture.store.size()).isZero();
  }

  @Test
  void aSubscriberThatStopsIsForgottenAndOneThatSubscribesTwiceCountsOnce() {
    Fixture fixture = new Fixture();
    TestProbe<SharedInformer.Event> staying = fixture.subscriber();
    fixture.informer.tell(new SharedInformer.Subscribe(staying.getRef()));
    TestProbe<SharedInformer.Event> leaving = fixture.subscriber();
    assertThat(fixture.describe().subscribers()).isEqualTo(2);

    leaving.stop();
    TestProbe<SharedInformer.Description> reply = KIT.createTestProbe();
    reply.awaitAssert(Duration.ofSeconds(10), () -> {
      fixture.informer.tell(new SharedInformer.Describe(reply.getRef()));
      assertThat(reply.receiveMessage().subscribers()).isEqualTo(1);
      return null;
    });
  }

  @Test
  void anInformerWhoseListAndWatchStopsStopsToo() {
    ActorRef<SharedInformer.Command> informer = KIT.spawn(SharedInformer.create(PODS, new InformerStore(Index.STANDARD),
        heard -> Behaviors.<Informer.Command>stopped()));
    TestProbe<Object> watcher = KIT.createTestProbe();

    watcher.expectTerminated(informer, Duration.ofSeconds(10));
  }
}
