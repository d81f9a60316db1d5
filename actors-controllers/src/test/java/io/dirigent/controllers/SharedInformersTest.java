package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.core.LocalOnly;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.informer.Index;
import io.dirigent.core.informer.SharedInformer;
import io.dirigent.core.informer.SharedInformers;
import io.dirigent.core.store.Store;
import io.dirigent.core.testing.Await;
import io.dirigent.core.testing.TestNodes;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Control loops on the controller manager's shared informers, against the in-memory store: loops
 * that follow the same kind share its one informer (one list and one watch), a loop that comes
 * after the informer synced still starts, and a loop its supervisor restarts subscribes again.
 */
class SharedInformersTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final AtomicInteger NAMESPACES = new AtomicInteger();
  private static ClusterNode member;
  private static ActorTestKit kit;

  @BeforeAll
  static void start() {
    member = TestNodes.memory();
    kit = ActorTestKit.create(member.system());
  }

  @AfterAll
  static void stop() {
    member.close();
  }

  /**
   * What the test asks of the actor that owns the informers and the loops, as the controller
   * manager does. Local: that actor and its informers are the member's own.
   */
  private sealed interface Host extends LocalOnly {}

  private record StartLoop(Controller controller) implements Host {}

  private record Started(ActorRef<Handles> replyTo) implements Host {}

  private record Handles(List<SharedInformer.Handle> handles) implements LocalOnly {}

  private static Behavior<Host> host(Store store) {
    return Behaviors.setup(context -> {
      SharedInformers informers = new SharedInformers(context, store, Duration.ofSeconds(1), Index.STANDARD);
      return Behaviors.receive(Host.class)
          .onMessage(StartLoop.class, start -> {
            List<SharedInformer.Handle> followed = start.controller().watches().stream().map(watch -> informers.of(watch.kind())).toList();
            context.spawn(Behaviors.supervise(ControllerLoop.create(store, start.controller(), followed, 2, Duration.ofMinutes(10),
                new ControllerSettings.Backoff(Duration.ofMillis(5), Duration.ofSeconds(30))))
                .onFailure(SupervisorStrategy.restart()), start.controller().name());
            return Behaviors.same();
          })
          .onMessage(Started.class, asked -> {
            asked.replyTo().tell(new Handles(informers.started()));
            return Behaviors.same();
          })
          .build();
    });
  }

  /** Reconciles the pods of one namespace by noting their keys; a change to a pod named in {@code failOnce} fails the loop, once. */
  private static final class Recording implements Controller {
    final String name;
    final String namespace;
    final Set<String> reconciled = ConcurrentHashMap.newKeySet();
    final Set<String> failOnce = ConcurrentHashMap.newKeySet();

    Recording(String name, String namespace) {
      this.name = name;
      this.namespace = namespace;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public List<Watch> watches() {
      return List.of(new Watch(Pod.class, (change, cache) -> {
        if (failOnce.remove(KubeJson.name(change.object()))) {
          throw new IllegalStateException("the test fails this loop once");
        }
        return namespace.equals(KubeJson.namespace(change.object())) ? List.of(Cache.key(change.object())) : List.of();
      }));
    }

    @Override
    public Collection<String> allKeys(Cache cache) {
      return cache.list(Pod.class, namespace).stream().map(Cache::key).toList();
    }

    @Override
    public CompletionStage<?> reconcile(String key, Cache cache) {
      cache.get(Pod.class, key).ifPresent(pod -> reconciled.add(key));
      return CompletableFuture.completedFuture(null);
    }
  }

  private static String namespace() {
    String name = "shared-" + NAMESPACES.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 100_000, 36);
    Await.result(member.store().create(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()));
    return name;
  }

  private static void pod(String namespace, String name) {
    Await.result(member.store().create(new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("dirigent/busybox:1").endContainer().endSpec().build()));
  }

  private static void awaitReconciled(Recording loop, String... keys) {
    Await.until(loop.name + " reconciles " + List.of(keys), WAIT, () -> loop.reconciled.containsAll(List.of(keys)));
  }

  private static List<SharedInformer.Handle> started(ActorRef<Host> host) {
    TestProbe<Handles> reply = kit.createTestProbe();
    host.tell(new Started(reply.getRef()));
    return reply.receiveMessage().handles();
  }

  private static SharedInformer.Description describe(SharedInformer.Handle handle) {
    TestProbe<SharedInformer.Description> reply = kit.createTestProbe();
    handle.informer().tell(new SharedInformer.Describe(reply.getRef()));
    return reply.receiveMessage();
  }

  @Test
  void twoLoopsFollowingPodsShareOneInformerAndBothWork() {
    String ns = namespace();
    pod(ns, "p1");
    ActorRef<Host> host = kit.spawn(host(member.store()));
    Recording first = new Recording("first", ns);
    Recording second = new Recording("second", ns);

    host.tell(new StartLoop(first));
    host.tell(new StartLoop(second));
    awaitReconciled(first, ns + "/p1");
    awaitReconciled(second, ns + "/p1");
    pod(ns, "p2");
    awaitReconciled(first, ns + "/p2");
    awaitReconciled(second, ns + "/p2");

    // One informer on pods — one list and one watch against the store — whose one store both read.
    List<SharedInformer.Handle> informers = started(host);
    assertThat(informers).extracting(handle -> handle.type().resource()).containsExactly("pods");
    SharedInformer.Description pods = describe(informers.get(0));
    assertThat(pods.subscribers()).isEqualTo(2);
    assertThat(pods.synced()).isTrue();
    assertThat(informers.get(0).store().get(ns + "/p2")).isPresent();
  }

  @Test
  void aLoopThatSubscribesAfterTheInformerSyncedStillStarts() {
    String ns = namespace();
    pod(ns, "p1");
    ActorRef<Host> host = kit.spawn(host(member.store()));
    Recording early = new Recording("early", ns);
    host.tell(new StartLoop(early));
    awaitReconciled(early, ns + "/p1");
    Await.until("the pods informer synced", WAIT, () -> describe(started(host).get(0)).synced());

    Recording late = new Recording("late", ns);
    host.tell(new StartLoop(late));

    awaitReconciled(late, ns + "/p1");
    assertThat(started(host)).hasSize(1);
  }

  @Test
  void aLoopRestartedByItsSupervisorSubscribesAgainAndWorks() {
    String ns = namespace();
    pod(ns, "p1");
    ActorRef<Host> host = kit.spawn(host(member.store()));
    Recording loop = new Recording("restarting", ns);
    loop.failOnce.add("boom");
    host.tell(new StartLoop(loop));
    awaitReconciled(loop, ns + "/p1");

    pod(ns, "boom");
    Await.until("the loop failed on boom", WAIT, loop.failOnce::isEmpty);
    pod(ns, "after");

    // Its relay of before the restart is gone and the new one subscribed: the keys come again.
    awaitReconciled(loop, ns + "/boom", ns + "/after");
    SharedInformer.Handle pods = started(host).get(0);
    Await.until("the informer has one subscriber again", WAIT, () -> describe(pods).subscribers() == 1);
  }
}
