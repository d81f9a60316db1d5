package io.dirigent.core.store;

import static io.dirigent.core.testing.Await.error;
import static io.dirigent.core.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.testing.TestNodes;
import io.dirigent.core.testing.WatchRecorder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ComponentStatus;
import io.fabric8.kubernetes.api.model.ComponentStatusBuilder;
import java.util.List;
import java.util.Map;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.Test;

/**
 * The store contract on the in-memory journal, plus failures only it can inject. Every message
 * between actors here is serialized and read back before it is delivered
 * ({@code pekko.actor.serialize-messages}), as it would be between members: a message of the
 * store's protocol that could not cross (no serializer, a field that does not survive the trip)
 * fails these tests. Messages an actor sends itself ({@code LocalOnly}) are exempt. (Every test
 * member runs so: {@code TestNodes.testSettings}.)
 */
class MemoryStoreTest extends StoreContract {

  @Override
  protected ClusterNode startNode() {
    return TestNodes.memory();
  }

  /**
   * Makes the next persist of ConfigMap {@code namespace/name}'s entity fail — that entity's only:
   * the member's other journals (indexes, objects written in the background) go on persisting.
   */
  private void failNextPersistOf(String namespace, String name) {
    ObjectKey key = new ObjectKey("configmaps", namespace, name);
    PersistenceTestKit.create(node.system())
        .failNextPersisted(org.apache.pekko.persistence.typed.PersistenceId.of(ObjectEntity.TYPE_KEY.name(), key.entityId()).id());
  }

  @Test
  void aFailedPersistGivesTheCallerAClearErrorAndTheObjectRecovers() {
    String ns = namespace();
    ConfigMap created = result(store.create(configMap(ns, "a", Map.of(), "1")));
    try (WatchRecorder watch = new WatchRecorder(store.watch(ConfigMap.class,
        WatchOptions.from(ObjectFilter.inNamespace(ns), created.getMetadata().getResourceVersion())), node.system())) {
      failNextPersistOf(ns, "a");

      StoreError failed = error(store.update(new ConfigMapBuilder(created).withData(Map.of("value", "lost")).build()));
      assertThat(failed.reason()).isEqualTo(StoreError.Reason.TIMEOUT);
      assertThat(failed.message()).contains("did not answer").contains("may or may not have happened");

      // The entity restarted with back-off; the version it had been given was never persisted.
      ConfigMap current = result(store.get(ConfigMap.class, ns, "a"));
      assertThat(current).isEqualTo(created);
      ConfigMap updated = result(store.update(new ConfigMapBuilder(current).withData(Map.of("value", "2")).build()));

      List<WatchEvent> events = watch.awaitCount(1);
      assertThat(events).hasSize(1);
      assertThat(events.get(0).resourceVersion()).isEqualTo(rv(updated));
      assertThat(result(store.history(ConfigMap.class, ns, "a"))).extracting(HistoryEntry::operation)
          .containsExactly(Operation.CREATE, Operation.UPDATE);
    }
  }

  @Test
  void writesWaitingBehindAFailedPersistGoThroughAfterTheRestart() {
    String ns = namespace();
    ConfigMap created = result(store.create(configMap(ns, "a", Map.of(), "1")));
    failNextPersistOf(ns, "a");

    var failing = store.update(new ConfigMapBuilder(created).withData(Map.of("value", "lost")).build());
    var waiting = store.update(new ConfigMapBuilder(created).withData(Map.of("value", "kept")).build());

    assertThat(error(failing).reason()).isEqualTo(StoreError.Reason.TIMEOUT);
    ConfigMap kept = result(waiting);
    assertThat(kept.getData()).containsEntry("value", "kept");
    assertThat(result(store.get(ConfigMap.class, ns, "a"))).isEqualTo(kept);
  }

  @Test
  void aKindTheStoreDoesNotServeIsABadRequestNotAnException() {
    ComponentStatus limits = new ComponentStatusBuilder().withNewMetadata().withName("c").endMetadata().build();
    StoreError error = error(store.create(limits));
    assertThat(error.reason()).isEqualTo(StoreError.Reason.BAD_REQUEST);
    assertThat(error.message()).contains("not a served resource");
    assertThat(error(store.get(ComponentStatus.class, "default", "c")).reason()).isEqualTo(StoreError.Reason.BAD_REQUEST);
    assertThat(error(store.list(ComponentStatus.class, ListOptions.of(ObjectFilter.ALL))).reason()).isEqualTo(StoreError.Reason.BAD_REQUEST);
  }

  @Test
  void anObjectWithoutMetadataIsInvalidNotAnException() {
    StoreError error = error(store.update(new ConfigMap()));
    assertThat(error.reason()).isEqualTo(StoreError.Reason.INVALID);
    assertThat(error.message()).contains("metadata.name");
  }
}
