package io.dirigent.core.store;

import static io.dirigent.core.testing.Await.error;
import static io.dirigent.core.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.FrozenJson;
import io.dirigent.core.api.ResourceType;

import io.dirigent.core.api.KubeJson;
import io.dirigent.core.testing.WatchRecorder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;

/** List and watch: selectors, paging, resumption, 410, and ordering under concurrent writers. */
abstract class WatchContract extends StoreTestBase {

  /** Writers and updates per writer for the concurrency test; a subclass may scale it down. */
  protected int writers() {
    return 8;
  }

  protected int updatesPerWriter() {
    return 500;
  }

  @Test
  void listFiltersByNamespaceLabelsAndFields() {
    String ns = namespace();
    String other = namespace();
    result(store.create(configMap(ns, "a", Map.of("app", "web", "tier", "front"), "1")));
    result(store.create(configMap(ns, "b", Map.of("app", "web", "tier", "back"), "1")));
    result(store.create(configMap(ns, "c", Map.of("app", "db"), "1")));
    result(store.create(configMap(other, "a", Map.of("app", "web"), "1")));

    assertThat(names(ObjectFilter.inNamespace(ns))).containsExactly("a", "b", "c");
    assertThat(names(ObjectFilter.inNamespace(ns).withLabels("app=web"))).containsExactly("a", "b");
    assertThat(names(ObjectFilter.inNamespace(ns).withLabels("app==web,tier!=front"))).containsExactly("b");
    assertThat(names(ObjectFilter.inNamespace(ns).withLabels("tier in (front, back)"))).containsExactly("a", "b");
    assertThat(names(ObjectFilter.inNamespace(ns).withLabels("tier notin (front)"))).containsExactly("b", "c");
    assertThat(names(ObjectFilter.inNamespace(ns).withLabels("tier"))).containsExactly("a", "b");
    assertThat(names(ObjectFilter.inNamespace(ns).withLabels("!tier"))).containsExactly("c");
    assertThat(names(ObjectFilter.inNamespace(ns).withFields("metadata.name=b"))).containsExactly("b");
    assertThat(names(ObjectFilter.ALL.withLabels("app=web").withFields("metadata.name=a")))
        .as("all namespaces").containsExactly("a", "a");
  }

  @Test
  void podsSelectByNodeNameAndPhase() {
    String ns = namespace();
    result(store.create(new PodBuilder(pod(ns, "on-1")).editSpec().withNodeName("node-1").endSpec().build()));
    result(store.create(new PodBuilder(pod(ns, "on-2")).editSpec().withNodeName("node-2").endSpec().build()));
    Pod unbound = result(store.create(pod(ns, "unbound")));
    result(store.updateStatus(new PodBuilder(unbound).editStatus().withPhase("Failed").endStatus().build()));

    ListResult onOne = result(store.list(Pod.class, ListOptions.of(ObjectFilter.inNamespace(ns).withFields("spec.nodeName=node-1"))));
    assertThat(onOne.items(Pod.class)).extracting(p -> p.getMetadata().getName()).containsExactly("on-1");
    ListResult unscheduled = result(store.list(Pod.class, ListOptions.of(ObjectFilter.inNamespace(ns).withFields("spec.nodeName="))));
    assertThat(unscheduled.items(Pod.class)).extracting(p -> p.getMetadata().getName()).containsExactly("unbound");
    ListResult failed = result(store.list(Pod.class, ListOptions.of(ObjectFilter.inNamespace(ns).withFields("status.phase!=Pending"))));
    assertThat(failed.items(Pod.class)).extracting(p -> p.getMetadata().getName()).containsExactly("unbound");
  }

  @Test
  void badSelectorsAreBadRequests() {
    assertThat(error(store.list(ConfigMap.class, ListOptions.of(ObjectFilter.ALL.withLabels("app in (")))).reason())
        .isEqualTo(StoreError.Reason.BAD_REQUEST);
    StoreError field = error(store.list(ConfigMap.class, ListOptions.of(ObjectFilter.ALL.withFields("spec.nodeName=x"))));
    assertThat(field.reason()).isEqualTo(StoreError.Reason.BAD_REQUEST);
    assertThat(field.message()).contains("field label not supported: spec.nodeName");
  }

  @Test
  void pagesContinueAtTheResourceVersionOfTheFirstPage() {
    String ns = namespace();
    for (int i = 0; i < 25; i++) {
      result(store.create(configMap(ns, "cm-%02d".formatted(i), Map.of(), "v1")));
    }
    ListResult whole = result(store.list(ConfigMap.class, ListOptions.of(ObjectFilter.inNamespace(ns))));
    ListResult first = result(store.list(ConfigMap.class, new ListOptions(ObjectFilter.inNamespace(ns), 10, null)));
    assertThat(first.resourceVersion()).isEqualTo(whole.resourceVersion());
    assertThat(first.items()).hasSize(10);
    assertThat(first.remaining()).isEqualTo(15);

    // Change the list between pages: later pages must not see any of it.
    ConfigMap changed = result(store.get(ConfigMap.class, ns, "cm-15"));
    result(store.update(new ConfigMapBuilder(changed).withData(Map.of("value", "v2")).build()));
    result(store.delete(ConfigMap.class, ns, "cm-20", DeleteOptions.defaults()));
    result(store.create(configMap(ns, "cm-12a", Map.of(), "v1")));

    List<io.fabric8.kubernetes.api.model.ConfigMap> paged = new ArrayList<>(first.items(ConfigMap.class));
    String token = first.continueToken();
    while (token != null) {
      ListResult page = result(store.list(ConfigMap.class, new ListOptions(ObjectFilter.inNamespace(ns), 10, token)));
      assertThat(page.resourceVersion()).isEqualTo(whole.resourceVersion());
      paged.addAll(page.items(ConfigMap.class));
      token = page.continueToken();
    }
    assertThat(paged).isEqualTo(whole.items(ConfigMap.class));
  }

  @Test
  void aBadContinueTokenIsABadRequest() {
    StoreError error = error(store.list(ConfigMap.class, new ListOptions(ObjectFilter.ALL, 10, "not-a-token")));
    assertThat(error.reason()).isEqualTo(StoreError.Reason.BAD_REQUEST);
  }

  @Test
  void aWatchFromAListDeliversEveryLaterChangeOnce() {
    String ns = namespace();
    ConfigMap a = result(store.create(configMap(ns, "a", Map.of("app", "web"), "1")));
    ListResult listed = result(store.list(ConfigMap.class, ListOptions.of(ObjectFilter.inNamespace(ns))));

    ConfigMap a2 = result(store.update(new ConfigMapBuilder(a).withData(Map.of("value", "2")).build()));
    ConfigMap b = result(store.create(configMap(ns, "b", Map.of("app", "web"), "1")));
    result(store.delete(ConfigMap.class, ns, "a", DeleteOptions.defaults()));

    try (WatchRecorder watch = new WatchRecorder(
        store.watch(ConfigMap.class, WatchOptions.from(ObjectFilter.inNamespace(ns), listed.resourceVersion())), node.system())) {
      List<WatchEvent> events = watch.awaitCount(3);
      assertThat(events).extracting(WatchEvent::type)
          .containsExactly(WatchEvent.Type.MODIFIED, WatchEvent.Type.ADDED, WatchEvent.Type.DELETED);
      assertThat(events.get(0).resourceVersion()).isEqualTo(rv(a2));
      assertThat(events.get(1).resourceVersion()).isEqualTo(rv(b));
      assertThat(events.get(2).resourceVersion()).isGreaterThan(rv(b));

      ConfigMap c = result(store.create(configMap(ns, "c", Map.of(), "1")));
      assertThat(watch.awaitCount(4).get(3).resourceVersion()).isEqualTo(rv(c));
      assertThat(watch.events()).hasSize(4);
    }
  }

  @Test
  void anActorCanWatchAndStopWatching() {
    String ns = namespace();
    ConfigMap a = result(store.create(configMap(ns, "a", Map.of(), "1")));
    TestProbe<WatchEvent> probe = TestProbe.create(node.system());
    ActorRef<WatchRelay.Command> relay = store.watch(type("configmaps"),
        WatchOptions.from(ObjectFilter.inNamespace(ns), a.getMetadata().getResourceVersion()), probe.ref());
    ConfigMap b = result(store.create(configMap(ns, "b", Map.of(), "1")));
    WatchEvent added = probe.expectMessageClass(WatchEvent.class, java.time.Duration.ofSeconds(10));
    assertThat(added.type()).isEqualTo(WatchEvent.Type.ADDED);
    assertThat(added.resourceVersion()).isEqualTo(rv(b));

    relay.tell(new WatchRelay.Stop());
    probe.expectTerminated(relay, java.time.Duration.ofSeconds(10));
    result(store.create(configMap(ns, "c", Map.of(), "1")));
    probe.expectNoMessage(java.time.Duration.ofMillis(300));
  }

  @Test
  void aWatchWithoutVersionStartsWithTheCurrentObjects() {
    String ns = namespace();
    result(store.create(configMap(ns, "a", Map.of(), "1")));
    result(store.create(configMap(ns, "b", Map.of(), "1")));
    try (WatchRecorder watch = new WatchRecorder(store.watch(ConfigMap.class, WatchOptions.from(ObjectFilter.inNamespace(ns), null)), node.system())) {
      List<WatchEvent> events = watch.awaitCount(2);
      assertThat(events).extracting(WatchEvent::type).containsOnly(WatchEvent.Type.ADDED);
      assertThat(events).extracting(e -> KubeJson.name(e.object())).containsExactly("a", "b");
    }
  }

  @Test
  void everyVersionTheStoreHandsOutIsFrozenAndItsCopiesAreNot() {
    String ns = namespace();
    ResourceType configMaps = type("configmaps");
    ObjectNode body = KubeJson.toTree(configMap(ns, "a", Map.of(), "1"));
    ObjectNode created = result(store.create(configMaps, ns, body, WriteOptions.DEFAULT));
    ObjectNode read = result(store.get(configMaps, ns, "a"));
    ListResult listed = result(store.list(configMaps, ListOptions.of(ObjectFilter.inNamespace(ns))));
    ObjectNode changed = read.deepCopy();
    ((ObjectNode) changed.path("data")).put("value", "2");
    ObjectNode updated = result(store.update(configMaps, ns, changed, WriteOptions.DEFAULT));
    try (WatchRecorder watch = new WatchRecorder(store.watch(ConfigMap.class, WatchOptions.from(ObjectFilter.inNamespace(ns), null)), node.system())) {
      assertThat(watch.awaitCount(1)).allSatisfy(event -> assertThat(FrozenJson.isFrozen(event.object())).isTrue());
    }

    assertThat(List.of(created, read, updated, listed.items().get(0))).allSatisfy(version -> {
      assertThat(FrozenJson.isFrozen(version)).as("frozen: %s", version).isTrue();
      assertThatThrownBy(() -> KubeJson.metadata(version).put("resourceVersion", "1")).isInstanceOf(UnsupportedOperationException.class);
    });
    assertThat(FrozenJson.isFrozen(changed)).isFalse();
    assertThat(body.path("metadata").has("resourceVersion")).as("the caller's body is not stamped").isFalse();
    assertThat(updated.path("data").path("value").asText()).isEqualTo("2");
  }

  @Test
  void watchesThatStartWithTheCurrentObjectsShareTheirEncodings() {
    String ns = namespace();
    result(store.create(configMap(ns, "a", Map.of(), "1")));
    WatchOptions options = WatchOptions.from(ObjectFilter.inNamespace(ns), null);
    try (WatchRecorder first = new WatchRecorder(store.watch(ConfigMap.class, options), node.system());
        WatchRecorder second = new WatchRecorder(store.watch(ConfigMap.class, options), node.system())) {
      // One copy of each line however many watches hold it: a watch that does not read pins references, not copies.
      assertThat(first.awaitCount(1).get(0).json()).isSameAs(second.awaitCount(1).get(0).json());
    }
  }

  @Test
  void objectsMovingInAndOutOfASelectorAreAddedAndDeleted() {
    String ns = namespace();
    ConfigMap a = result(store.create(configMap(ns, "a", Map.of("app", "db"), "1")));
    try (WatchRecorder watch = new WatchRecorder(store.watch(ConfigMap.class,
        WatchOptions.from(ObjectFilter.inNamespace(ns).withLabels("app=web"), a.getMetadata().getResourceVersion())), node.system())) {
      ConfigMap inside = result(store.update(new ConfigMapBuilder(a).editMetadata().addToLabels("app", "web").endMetadata().build()));
      ConfigMap still = result(store.update(new ConfigMapBuilder(inside).withData(Map.of("value", "2")).build()));
      result(store.update(new ConfigMapBuilder(still).editMetadata().addToLabels("app", "db").endMetadata().build()));
      assertThat(watch.awaitCount(3)).extracting(WatchEvent::type)
          .containsExactly(WatchEvent.Type.ADDED, WatchEvent.Type.MODIFIED, WatchEvent.Type.DELETED);
    }
  }

  @Test
  void aWatchFromAVersionNoLongerRetainedEndsWith410() {
    String ns = namespace();
    ConfigMap first = result(store.create(configMap(ns, "a", Map.of(), "0")));
    int window = node.system().settings().config().getInt("dirigent.store.watch-window");
    ConfigMap latest = first;
    for (int i = 1; i <= window + 10; i++) {
      latest = result(store.update(new ConfigMapBuilder(latest).withData(Map.of("value", Integer.toString(i))).build()));
    }
    try (WatchRecorder watch = new WatchRecorder(store.watch(ConfigMap.class,
        WatchOptions.from(ObjectFilter.inNamespace(ns), first.getMetadata().getResourceVersion())), node.system())) {
      List<WatchEvent> events = watch.awaitCount(1);
      assertThat(events.get(0).type()).isEqualTo(WatchEvent.Type.ERROR);
      assertThat(events.get(0).object().path("code").asInt()).isEqualTo(410);
      assertThat(events.get(0).object().path("message").asText()).startsWith("too old resource version");
      watch.awaitDone(java.time.Duration.ofSeconds(10));
    }
  }

  /**
   * The ordering guarantee: many writers update their objects concurrently while watchers run,
   * one of them started from a list taken mid-flight. Each watcher sees every version of every
   * object it matches after its start, exactly once and in order.
   */
  @Test
  void concurrentWritersWatchersSeeEveryVersionInOrder() {
    String ns = namespace();
    int writers = writers();
    int updates = updatesPerWriter();
    List<ConfigMap> objects = IntStream.range(0, writers)
        .mapToObj(i -> result(store.create(configMap(ns, "obj-" + i, Map.of("parity", i % 2 == 0 ? "even" : "odd"), "0"))))
        .toList();
    String startVersion = result(store.list(ConfigMap.class, ListOptions.of(ObjectFilter.inNamespace(ns)))).resourceVersion();

    try (WatchRecorder all = new WatchRecorder(store.watch(ConfigMap.class, WatchOptions.from(ObjectFilter.inNamespace(ns), startVersion)), node.system());
         WatchRecorder even = new WatchRecorder(store.watch(ConfigMap.class,
             WatchOptions.from(ObjectFilter.inNamespace(ns).withLabels("parity=even"), startVersion)), node.system())) {
      Map<String, List<Long>> acknowledged = new HashMap<>();
      List<CompletableFuture<Void>> running = new ArrayList<>();
      for (ConfigMap object : objects) {
        List<Long> versions = new ArrayList<>();
        acknowledged.put(object.getMetadata().getName(), versions);
        running.add(updateRepeatedly(object, updates, versions).toCompletableFuture());
      }
      // A list taken while the writers run, and a watch from it.
      ListResult midway = result(store.list(ConfigMap.class, ListOptions.of(ObjectFilter.inNamespace(ns))));
      try (WatchRecorder fromMidway = new WatchRecorder(store.watch(ConfigMap.class,
          WatchOptions.from(ObjectFilter.inNamespace(ns), midway.resourceVersion())), node.system())) {
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(300, java.util.concurrent.TimeUnit.SECONDS);
        int total = writers * updates;

        assertSeesExactly(all.awaitCount(total), acknowledged, name -> 0L);
        Map<String, List<Long>> evens = acknowledged.entrySet().stream()
            .filter(e -> Integer.parseInt(e.getKey().substring(4)) % 2 == 0)
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertSeesExactly(even.awaitCount(evens.values().stream().mapToInt(List::size).sum()), evens, name -> 0L);

        Map<String, Long> listedVersions = new HashMap<>();
        midway.items(ConfigMap.class).forEach(c -> listedVersions.put(c.getMetadata().getName(), rv(c)));
        long expectedAfterList = acknowledged.entrySet().stream()
            .mapToLong(e -> e.getValue().stream().filter(v -> v > listedVersions.get(e.getKey())).count()).sum();
        assertSeesExactly(fromMidway.awaitCount((int) expectedAfterList), acknowledged, listedVersions::get);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
  }

  private CompletionStage<Void> updateRepeatedly(ConfigMap object, int remaining, List<Long> versions) {
    if (remaining == 0) {
      return CompletableFuture.completedFuture(null);
    }
    ConfigMap next = new ConfigMapBuilder(object).withData(Map.of("value", Integer.toString(remaining))).build();
    return store.update(next).thenCompose(updated -> {
      synchronized (versions) {
        versions.add(rv(updated));
      }
      return updateRepeatedly(updated, remaining - 1, versions);
    });
  }

  /**
   * Each object's events carry exactly its acknowledged versions newer than where the watcher
   * started for it, in order; nothing else arrives.
   */
  private static void assertSeesExactly(List<WatchEvent> events, Map<String, List<Long>> acknowledged, java.util.function.Function<String, Long> startedAfter) {
    Map<String, List<Long>> seen = new LinkedHashMap<>();
    for (WatchEvent event : events) {
      assertThat(event.type()).isEqualTo(WatchEvent.Type.MODIFIED);
      seen.computeIfAbsent(KubeJson.name(event.object()), k -> new ArrayList<>()).add(event.resourceVersion());
    }
    for (Map.Entry<String, List<Long>> entry : acknowledged.entrySet()) {
      long after = startedAfter.apply(entry.getKey());
      List<Long> expected = entry.getValue().stream().filter(v -> v > after).toList();
      assertThat(seen.getOrDefault(entry.getKey(), List.of())).as("versions of " + entry.getKey()).isEqualTo(expected);
    }
    assertThat(seen.keySet()).isSubsetOf(acknowledged.keySet());
  }

  private List<String> names(ObjectFilter filter) {
    return result(store.list(ConfigMap.class, ListOptions.of(filter))).items(ConfigMap.class).stream()
        .map(c -> c.getMetadata().getName()).toList();
  }
}
