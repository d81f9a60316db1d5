package io.dirigent.core.store;

import static io.dirigent.core.testing.Await.error;
import static io.dirigent.core.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.testing.WatchRecorder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.dirigent.core.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The contract plus what only a durable journal can promise: nothing is lost across restarts. */
public abstract class DurableStoreContract extends StoreContract {

  /** Stops the member and starts a new one on the same data. */
  protected void restart() throws Exception {
    node.close();
    node = startNode();
    store = node.store();
  }

  @Test
  void encryptedSecretsAndTheirHistoryReadBackAfterARestart() throws Exception {
    String ns = namespace();
    io.fabric8.kubernetes.api.model.Secret secret = result(store.create(new io.fabric8.kubernetes.api.model.SecretBuilder()
        .withNewMetadata().withName("db").withNamespace(ns).endMetadata().addToStringData("password", "v0").build()));
    // Past the snapshot interval, so that snapshots (encrypted too) are written and read.
    for (int i = 1; i <= 25; i++) {
      secret = result(store.update(new io.fabric8.kubernetes.api.model.SecretBuilder(secret)
          .withData(Map.of("password", java.util.Base64.getEncoder().encodeToString(("v" + i).getBytes()))).build()));
    }
    List<HistoryEntry> history = result(store.history(io.fabric8.kubernetes.api.model.Secret.class, ns, "db"));

    restart();

    io.fabric8.kubernetes.api.model.Secret after = result(store.get(io.fabric8.kubernetes.api.model.Secret.class, ns, "db"));
    assertThat(new String(java.util.Base64.getDecoder().decode(after.getData().get("password")))).isEqualTo("v25");
    assertThat(result(store.history(io.fabric8.kubernetes.api.model.Secret.class, ns, "db"))).isEqualTo(history).hasSize(26);
    assertThat(result(store.list(io.fabric8.kubernetes.api.model.Secret.class, ListOptions.of(ObjectFilter.inNamespace(ns)))).items()).hasSize(1);
  }

  @Test
  void everyAcknowledgedWriteSurvivesARestartAndVersionsKeepIncreasing() throws Exception {
    String ns = namespace();
    List<ConfigMap> created = IntStream.range(0, 30)
        .mapToObj(i -> result(store.create(configMap(ns, "cm-" + i, Map.of("n", Integer.toString(i % 3)), "v1"))))
        .toList();
    for (int i = 0; i < 10; i++) {
      result(store.update(new ConfigMapBuilder(created.get(i)).withData(Map.of("value", "v2")).build()));
    }
    for (int i = 20; i < 30; i++) {
      result(store.delete(ConfigMap.class, ns, "cm-" + i, DeleteOptions.defaults()));
    }
    ListResult before = result(store.list(ConfigMap.class, ListOptions.of(ObjectFilter.inNamespace(ns))));
    List<HistoryEntry> historyBefore = result(store.history(ConfigMap.class, ns, "cm-25"));

    restart();

    ListResult after = result(store.list(ConfigMap.class, ListOptions.of(ObjectFilter.inNamespace(ns))));
    assertThat(after.items(ConfigMap.class)).isEqualTo(before.items(ConfigMap.class));
    assertThat(after.items()).hasSize(20);
    assertThat(result(store.get(ConfigMap.class, ns, "cm-3")).getData()).containsEntry("value", "v2");
    assertThat(error(store.get(ConfigMap.class, ns, "cm-25")).reason()).isEqualTo(StoreError.Reason.NOT_FOUND);
    assertThat(result(store.history(ConfigMap.class, ns, "cm-25"))).isEqualTo(historyBefore);
    assertThat(result(store.list(ConfigMap.class, ListOptions.of(ObjectFilter.inNamespace(ns).withLabels("n=1")))).items())
        .hasSize(7);

    ConfigMap next = result(store.update(new ConfigMapBuilder(result(store.get(ConfigMap.class, ns, "cm-0")))
        .withData(Map.of("value", "v3")).build()));
    long newest = before.items().stream().mapToLong(o -> Long.parseLong(o.path("metadata").path("resourceVersion").asText())).max().orElseThrow();
    assertThat(rv(next)).isGreaterThan(newest);
    ConfigMap recreated = result(store.create(configMap(ns, "cm-25", Map.of(), "again")));
    assertThat(rv(recreated)).isGreaterThan(rv(next));
  }

  @Test
  void aWatchFromTheLastListBeforeARestartResumesAfterIt() throws Exception {
    String ns = namespace();
    result(store.create(configMap(ns, "a", Map.of(), "1")));
    String listed = result(store.list(ConfigMap.class, ListOptions.of(ObjectFilter.ALL))).resourceVersion();

    restart();

    try (WatchRecorder watch = new WatchRecorder(store.watch(ConfigMap.class, WatchOptions.from(ObjectFilter.inNamespace(ns), listed)), node.system())) {
      ConfigMap b = result(store.create(configMap(ns, "b", Map.of(), "1")));
      List<WatchEvent> events = watch.awaitCount(1);
      assertThat(events.get(0).type()).isEqualTo(WatchEvent.Type.ADDED);
      assertThat(events.get(0).resourceVersion()).isEqualTo(rv(b));
    }
  }

  /**
   * Objects far larger than the journal keeps inline (the embedded store stores events over
   * 64 KiB apart from the row) are written, read back and replayed whole.
   */
  @Test
  void largeObjectsAndTheirHistorySurviveARestart() throws Exception {
    String ns = namespace();
    String big = "0123456789abcdef".repeat(20_000);
    ConfigMap created = result(store.create(configMap(ns, "big", Map.of(), big)));
    ConfigMap updated = result(store.update(new ConfigMapBuilder(created).withData(Map.of("value", big + "!")).build()));

    restart();

    assertThat(result(store.get(ConfigMap.class, ns, "big")).getData()).containsEntry("value", big + "!");
    List<HistoryEntry> history = result(store.history(ConfigMap.class, ns, "big"));
    assertThat(history).extracting(HistoryEntry::resourceVersion)
        .containsExactly(rv(created), rv(updated));
    assertThat(history.get(0).object().path("data").path("value").asText()).isEqualTo(big);
  }

  /**
   * An index forgets the keys of deleted objects, snapshotting what it keeps (the test members do
   * so once 20 keys are gone): a restart rebuilds it from the objects that exist, and a forgotten
   * name can be created again, and survives the next restart too.
   */
  @Test
  void anIndexForgetsDeletedObjectsAndComesBackFromItsSnapshot() throws Exception {
    String ns = namespace();
    for (int i = 0; i < 30; i++) {
      result(store.create(configMap(ns, "cm-" + i, Map.of(), "v1")));
    }
    for (int i = 5; i < 30; i++) {
      result(store.delete(ConfigMap.class, ns, "cm-" + i, DeleteOptions.defaults()));
    }
    Set<String> deleted = IntStream.range(5, 30).mapToObj(i -> ns + "/cm-" + i).collect(Collectors.toSet());
    // Forgotten in batches of at least 20 as they go (the rest waits for the next batch).
    Set<String> forgotten = new java.util.HashSet<>();
    Await.until("the configmaps index forgot most deleted objects' keys", Duration.ofSeconds(30), () -> {
      forgotten.clear();
      indexEvents("configmaps").stream().filter(ResourceIndex.KeysForgotten.class::isInstance)
          .flatMap(event -> ((ResourceIndex.KeysForgotten) event).keys().stream()).filter(deleted::contains).forEach(forgotten::add);
      return forgotten.size() >= 20;
    });
    ListResult before = result(store.list(ConfigMap.class, ListOptions.of(ObjectFilter.inNamespace(ns))));

    restart();

    ListResult after = result(store.list(ConfigMap.class, ListOptions.of(ObjectFilter.inNamespace(ns))));
    assertThat(after.items(ConfigMap.class)).isEqualTo(before.items(ConfigMap.class)).hasSize(5);
    String name = forgotten.stream().sorted().findFirst().orElseThrow().substring(ns.length() + 1);
    ConfigMap again = result(store.create(configMap(ns, name, Map.of(), "again")));
    assertThat(rv(again)).isGreaterThan(Long.parseLong(before.resourceVersion()));

    restart();

    assertThat(result(store.list(ConfigMap.class, ListOptions.of(ObjectFilter.inNamespace(ns)))).items(ConfigMap.class))
        .extracting(cm -> cm.getMetadata().getName()).containsExactlyInAnyOrder("cm-0", "cm-1", "cm-2", "cm-3", "cm-4", name);
  }

  /** The events of a resource's index, read from the journal. */
  private List<Object> indexEvents(String resource) {
    var journal = org.apache.pekko.persistence.query.PersistenceQuery.get(node.system()).getReadJournalFor(
        org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery.class,
        node.system().settings().config().getString("dirigent.store.read-journal"));
    return result(journal.currentEventsByPersistenceId(
            org.apache.pekko.persistence.typed.PersistenceId.of(ResourceIndex.TYPE_KEY.name(), resource).id(), 0, Long.MAX_VALUE)
        .map(org.apache.pekko.persistence.query.EventEnvelope::event)
        .runWith(org.apache.pekko.stream.javadsl.Sink.seq(), node.system()));
  }

  @Override
  protected abstract ClusterNode startNode() throws Exception;
}
