package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.store.Admission;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import io.dirigent.core.testing.Await;
import io.dirigent.core.testing.TestNodes;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One create of five refused by the store, with the controller's cache behind: no loop runs — the
 * test calls {@code reconcile} itself and tells the controller of pods as an informer would, so
 * the cache lags exactly as long as the test says. The creates that were made are still expected,
 * so a reconcile before the cache has them makes nothing again (Kubernetes lowers the expectations
 * by one per failed create); once it has them, only the missing pod is made.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailedCreatesTest {

  private static final AtomicInteger NAMESPACES = new AtomicInteger();
  private ClusterNode member;
  private Store store;
  /** Namespaces in which the next pod create is refused, once each. */
  private final Set<String> refuseOne = ConcurrentHashMap.newKeySet();

  @BeforeAll
  void start() {
    member = TestNodes.memory();
    store = member.store();
    // This test's own member: its pod admission is replaced by one that refuses a create when told to.
    store.admit(store.registry().of(Pod.class), new Admission() {
      @Override
      public CompletionStage<Admitted> create(ObjectNode object) {
        if (refuseOne.remove(KubeJson.namespace(object))) {
          return CompletableFuture.failedFuture(new StoreException(StoreError.of(StoreError.Reason.FORBIDDEN, "refused by the test")));
        }
        return CompletableFuture.completedFuture(Admitted.of(object));
      }

      @Override
      public CompletionStage<Admitted> update(ObjectNode current, ObjectNode object) {
        return CompletableFuture.completedFuture(Admitted.of(object));
      }

      @Override
      public void deleted(ObjectNode object) {
        // Nothing was reserved.
      }
    });
  }

  @AfterAll
  void stop() {
    member.close();
  }

  private String namespace() {
    String name = "failed-creates-" + NAMESPACES.incrementAndGet();
    Await.result(store.create(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()));
    return name;
  }

  private static PodTemplateSpec template() {
    return new PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", "web").endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("dirigent/busybox:1").endContainer().endSpec().build();
  }

  private List<Pod> pods(String ns) {
    return Await.result(store.list(Pod.class, ListOptions.of(ObjectFilter.inNamespace(ns)))).items(Pod.class);
  }

  /** What an informer does with pods the store now has: the cache holds them, then the controller hears of each. */
  private static void observe(Controller controller, Cache cache, List<Pod> pods) {
    Controller.Watch podWatch = controller.watches().stream().filter(watch -> watch.kind() == Pod.class).findFirst().orElseThrow();
    for (Pod pod : pods) {
      ObjectNode tree = KubeJson.toTree(pod);
      cache.put(Pod.class, tree);
      podWatch.keys().keys(new Controller.Change(tree, null, false), cache);
    }
  }

  @Test
  void aReplicaSetWhoseCreateFailedOnceOfFiveDoesNotMakeTheOtherFourAgainBeforeItsCacheHasThem() {
    String ns = namespace();
    ReplicaSet rs = Await.result(store.create(new ReplicaSetBuilder().withNewMetadata().withNamespace(ns).withName("web").endMetadata()
        .withNewSpec().withReplicas(5).withNewSelector().addToMatchLabels("app", "web").endSelector().withTemplate(template()).endSpec()
        .build()));
    ReplicaSetController<ReplicaSet> controller = ReplicaSetController.forReplicaSets(store, null, Clock.systemUTC());
    Cache cache = new Cache();
    cache.put(ReplicaSet.class, KubeJson.toTree(rs));
    String key = ns + "/web";

    refuseOne.add(ns);
    assertThatThrownBy(() -> Await.result(controller.reconcile(key, cache))).as("the reconcile reports the refused create").hasRootCauseInstanceOf(StoreException.class);
    assertThat(pods(ns)).hasSize(4);

    // Retried (as the loop retries a failed reconcile) while the cache has none of the four yet.
    Await.result(controller.reconcile(key, cache));
    assertThat(pods(ns)).as("the four made are still expected: none is made again").hasSize(4);

    observe(controller, cache, pods(ns));
    Await.result(controller.reconcile(key, cache));
    assertThat(pods(ns)).as("once the cache has the four, only the missing one is made").hasSize(5);
  }

  @Test
  void aDaemonSetWhoseCreateFailedOnceOfFiveDoesNotMakeTheOtherFourAgainBeforeItsCacheHasThem() {
    String ns = namespace();
    DaemonSet ds = Await.result(store.create(new DaemonSetBuilder().withNewMetadata().withNamespace(ns).withName("agent").endMetadata()
        .withNewSpec().withNewSelector().addToMatchLabels("app", "web").endSelector().withTemplate(template()).endSpec().build()));
    DaemonSetController controller = new DaemonSetController(store, null, Clock.systemUTC());
    Cache cache = new Cache();
    cache.put(DaemonSet.class, KubeJson.toTree(ds));
    for (int i = 1; i <= 5; i++) {
      Node node = new NodeBuilder().withNewMetadata().withName(ns + "-node-" + i).endMetadata().build();
      cache.put(Node.class, KubeJson.toTree(node));
    }
    String key = ns + "/agent";

    refuseOne.add(ns);
    assertThatThrownBy(() -> Await.result(controller.reconcile(key, cache))).as("the reconcile reports the refused create").hasRootCauseInstanceOf(StoreException.class);
    assertThat(pods(ns)).hasSize(4);

    Await.result(controller.reconcile(key, cache));
    assertThat(pods(ns)).as("the four made are still expected: none is made again").hasSize(4);

    observe(controller, cache, pods(ns));
    Await.result(controller.reconcile(key, cache));
    List<Pod> pods = pods(ns);
    assertThat(pods).as("once the cache has the four, only the missing node's pod is made").hasSize(5);
    assertThat(pods.stream().map(DaemonSetController::targetNode).distinct()).hasSize(5);
  }
}
