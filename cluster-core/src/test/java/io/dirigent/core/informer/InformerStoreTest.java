package io.dirigent.core.informer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The shared informers' store: what each index finds an object under, and what readers see while its informer writes. */
class InformerStoreTest {

  private static ObjectNode object(String json) {
    try {
      return (ObjectNode) KubeJson.MAPPER.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  /** A pod {@code ns/name} at {@code version}, on {@code node} ("" unbound), with {@code owners} (JSON array). */
  private static ObjectNode pod(String name, int version, String node, String owners) {
    return object("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","namespace":"ns","resourceVersion":"%d","ownerReferences":%s},
         "spec":{"nodeName":"%s","containers":[{"name":"c","image":"i"}]}}
        """.formatted(name, version, owners, node));
  }

  private static final String CONTROLLED_BY_RS = "[{\"kind\":\"ReplicaSet\",\"name\":\"rs\",\"uid\":\"rs-uid\",\"controller\":true}]";
  private static final String TWO_OWNERS = "[{\"kind\":\"ReplicaSet\",\"name\":\"rs\",\"uid\":\"rs-uid\",\"controller\":true},"
      + "{\"kind\":\"ConfigMap\",\"name\":\"cm\",\"uid\":\"cm-uid\"},{\"kind\":\"ConfigMap\",\"name\":\"cm\",\"uid\":\"cm-uid\"}]";
  private static final String NOT_A_CONTROLLER = "[{\"kind\":\"ConfigMap\",\"name\":\"cm\",\"uid\":\"cm-uid\",\"controller\":false}]";

  static Stream<Arguments> indexValues() {
    ObjectNode node = object("{\"kind\":\"Node\",\"metadata\":{\"name\":\"n1\"},\"spec\":{}}");
    return Stream.of(
        Arguments.of("a namespaced object is under its namespace", Index.NAMESPACE, pod("p", 1, "", "[]"), List.of("ns")),
        Arguments.of("a cluster-scoped object is under the empty namespace", Index.NAMESPACE, node, List.of("")),
        Arguments.of("an object is under its controller's uid", Index.CONTROLLER, pod("p", 1, "", CONTROLLED_BY_RS), List.of("rs-uid")),
        Arguments.of("an owner that is not its controller does not make one", Index.CONTROLLER, pod("p", 1, "", NOT_A_CONTROLLER), List.of()),
        Arguments.of("an object without owners has no controller", Index.CONTROLLER, pod("p", 1, "", "[]"), List.of()),
        Arguments.of("an object without a controller is an orphan of its namespace", Index.UNCONTROLLED, pod("p", 1, "", NOT_A_CONTROLLER), List.of("ns")),
        Arguments.of("a controlled object is no orphan", Index.UNCONTROLLED, pod("p", 1, "", CONTROLLED_BY_RS), List.of()),
        Arguments.of("an object is under every owner it names, each once", Index.OWNER, pod("p", 1, "", TWO_OWNERS), List.of("rs-uid", "cm-uid")),
        Arguments.of("an object without owners is under no owner", Index.OWNER, pod("p", 1, "", "[]"), List.of()),
        Arguments.of("a bound pod is under its node", Index.NODE, pod("p", 1, "n1", "[]"), List.of("n1")),
        Arguments.of("an unbound pod is under no node", Index.NODE, pod("p", 1, "", "[]"), List.of()),
        Arguments.of("a Node is under no node", Index.NODE, node, List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("indexValues")
  void indexValuesOfAnObject(String name, Index index, ObjectNode object, List<String> expected) {
    assertThat(index.values().apply(object)).containsExactlyElementsOf(expected);

    InformerStore store = new InformerStore(Index.STANDARD);
    store.put(object);
    for (String value : expected) {
      assertThat(store.byIndex(index, value)).extracting(InformerStore.Item::tree).containsExactly(object);
    }
  }

  static Stream<Arguments> keys() {
    return Stream.of(
        Arguments.of("a namespaced object's key is namespace/name", "ns", "web", "ns/web"),
        Arguments.of("a cluster-scoped object's key is its name", "", "n1", "n1"),
        Arguments.of("a null namespace is cluster-scoped", null, "n1", "n1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keys")
  void aKeyIsMadeFromItsPartsAndSplitBackIntoThem(String name, String namespace, String objectName, String key) {
    assertThat(InformerStore.key(namespace, objectName)).isEqualTo(key);
    assertThat(InformerStore.namespaceOf(key)).isEqualTo(namespace == null ? "" : namespace);
    assertThat(InformerStore.nameOf(key)).isEqualTo(objectName);
  }

  @Test
  void theKeyOfAStoredObjectIsItsNamespaceAndName() {
    assertThat(InformerStore.key(pod("p", 1, "", "[]"))).isEqualTo("ns/p");
    assertThat(InformerStore.key(object("{\"kind\":\"Node\",\"metadata\":{\"name\":\"n1\"}}"))).isEqualTo("n1");
  }

  @Test
  void aNewVersionMovesTheObjectFromTheValuesItLeftToThoseItHas() {
    InformerStore store = new InformerStore(Index.STANDARD);
    ObjectNode first = pod("p", 1, "a", CONTROLLED_BY_RS);
    ObjectNode second = pod("p", 2, "b", "[]");
    store.put(first);

    assertThat(store.put(second)).map(InformerStore.Item::tree).contains(first);
    assertThat(store.byIndex(Index.NODE, "a")).isEmpty();
    assertThat(store.byIndex(Index.NODE, "b")).extracting(InformerStore.Item::tree).containsExactly(second);
    assertThat(store.byIndex(Index.CONTROLLER, "rs-uid")).isEmpty();
    assertThat(store.byIndex(Index.UNCONTROLLED, "ns")).extracting(InformerStore.Item::tree).containsExactly(second);
    assertThat(store.byIndex(Index.NAMESPACE, "ns")).extracting(InformerStore.Item::tree).containsExactly(second);
  }

  @Test
  void aRemovedObjectIsInNoIndex() {
    InformerStore store = new InformerStore(Index.STANDARD);
    ObjectNode pod = pod("p", 1, "a", CONTROLLED_BY_RS);
    store.put(pod);

    assertThat(store.remove(pod)).map(InformerStore.Item::tree).contains(pod);
    assertThat(store.get("ns/p")).isEmpty();
    for (Index index : Index.STANDARD) {
      for (String value : index.values().apply(pod)) {
        assertThat(store.byIndex(index, value)).as(index.name()).isEmpty();
      }
    }
  }

  @Test
  void replaceForgetsWhatIsNotListedAndKeepsTheTypedFormOfWhatDidNotChange() {
    InformerStore store = new InformerStore(Index.STANDARD);
    ObjectNode kept = pod("kept", 1, "a", "[]");
    store.put(kept);
    store.put(pod("gone", 1, "a", "[]"));
    Pod typed = store.get("ns/kept").orElseThrow().typed(Pod.class, (object, why) -> { }).orElseThrow();

    store.replace(List.of(kept, pod("new", 1, "a", "[]")));

    assertThat(store.keys()).containsExactlyInAnyOrder("ns/kept", "ns/new");
    assertThat(store.byIndex(Index.NODE, "a")).extracting(InformerStore.Item::key).containsExactlyInAnyOrder("ns/kept", "ns/new");
    assertThat(store.get("ns/kept").orElseThrow().typed(Pod.class, (object, why) -> { }).orElseThrow()).isSameAs(typed);
  }

  @Test
  void theTypedFormIsMadeOncePerVersionAndShared() {
    InformerStore store = new InformerStore(Index.STANDARD);
    store.put(pod("p", 1, "", "[]"));
    Pod first = store.get("ns/p").orElseThrow().typed(Pod.class, (object, why) -> { }).orElseThrow();

    assertThat(store.get("ns/p").orElseThrow().typed(Pod.class, (object, why) -> { }).orElseThrow()).isSameAs(first);
    store.put(pod("p", 2, "", "[]"));
    Pod second = store.get("ns/p").orElseThrow().typed(Pod.class, (object, why) -> { }).orElseThrow();
    assertThat(second).isNotSameAs(first);
    assertThat(second.getMetadata().getResourceVersion()).isEqualTo("2");
  }

  @Test
  void anUnreadableVersionIsReportedOnceHoweverManyReadersMeetIt() throws Exception {
    InformerStore store = new InformerStore(Index.STANDARD);
    store.put(object("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"broken","namespace":"ns"},
         "spec":{"containers":[{"name":"c","image":"i","ports":"abc"}]}}
        """));
    List<String> reported = new CopyOnWriteArrayList<>();
    ExecutorService readers = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Boolean>> read = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        read.add(readers.submit(() -> {
          go.await();
          return store.get("ns/broken").orElseThrow().typed(Pod.class, (object, why) -> reported.add(why)).isPresent();
        }));
      }
      go.countDown();
      for (Future<Boolean> each : read) {
        assertThat(each.get(10, TimeUnit.SECONDS)).isFalse();
      }
    } finally {
      readers.shutdownNow();
    }
    assertThat(reported).hasSize(1);
  }

  @Test
  void aReaderOnAnotherThreadNeverGetsAnObjectUnderAValueItNoLongerHas() throws Exception {
    InformerStore store = new InformerStore(Index.STANDARD);
    int pods = 50;
    for (int i = 0; i < pods; i++) {
      store.put(pod("p" + i, 1, "a", "[]"));
    }
    AtomicBoolean writing = new AtomicBoolean(true);
    List<String> wrong = new CopyOnWriteArrayList<>();
    ExecutorService readers = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> reads = new ArrayList<>();
      for (String node : List.of("a", "b")) {
        reads.add(readers.submit(() -> {
          while (writing.get()) {
            for (InformerStore.Item item : store.byIndex(Index.NODE, node)) {
              if (!node.equals(item.tree().path("spec").path("nodeName").asText())) {
                wrong.add(item.key() + " found under " + node);
              }
            }
          }
        }));
      }
      // The informer's side: every pod moves from node to node, a version at a time.
      for (int version = 2; version <= 400; version++) {
        for (int i = 0; i < pods; i++) {
          store.put(pod("p" + i, version, version % 2 == 0 ? "b" : "a", "[]"));
        }
      }
      writing.set(false);
      for (Future<?> read : reads) {
        read.get(30, TimeUnit.SECONDS);
      }
    } finally {
      writing.set(false);
      readers.shutdownNow();
    }
    assertThat(wrong).isEmpty();
    assertThat(store.byIndex(Index.NODE, "b")).hasSize(pods);
    assertThat(store.byIndex(Index.NODE, "a")).isEmpty();
  }

  @Test
  void anIndexTheStoreDoesNotKeepIsAnError() {
    InformerStore store = new InformerStore(List.of(Index.NAMESPACE));

    assertThatThrownBy(() -> store.byIndex(Index.NODE, "a")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no index node");
  }
}
