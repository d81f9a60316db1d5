package io.dirigent.core.crd;

import static io.dirigent.core.testing.Await.error;
import static io.dirigent.core.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceRegistry;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.WatchEvent;
import io.dirigent.core.store.WatchOptions;
import io.dirigent.core.store.WriteOptions;
import io.dirigent.core.testing.Await;
import io.dirigent.core.testing.TestNodes;
import io.dirigent.core.testing.WatchRecorder;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A CustomResourceDefinition written to the store is served by the member at once, and by a
 * member that only watched it write a moment later; its objects are stored at the storage version
 * whichever served version they name.
 */
class CustomResourceStoreTest {

  private static ClusterNode node;
  private static Store store;
  private static ResourceType definitions;

  @BeforeAll
  static void start() {
    node = TestNodes.memory();
    store = node.store();
    definitions = store.registry().byResource(CustomResources.DEFINITIONS).orElseThrow();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static ObjectNode definition(String group, String plural, String kind, String scope) {
    ObjectNode crd = KubeJson.MAPPER.createObjectNode().put("apiVersion", "apiextensions.k8s.io/v1").put("kind", "CustomResourceDefinition");
    crd.putObject("metadata").put("name", plural + "." + group);
    ObjectNode spec = crd.putObject("spec").put("group", group).put("scope", scope);
    spec.putObject("names").put("plural", plural).put("kind", kind).putArray("shortNames").add(plural.substring(0, 2));
    var versions = spec.putArray("versions");
    for (String version : new String[] {"v1", "v1beta1"}) {
      ObjectNode entry = versions.addObject().put("name", version).put("served", true).put("storage", version.equals("v1"));
      ObjectNode schema = entry.putObject("schema").putObject("openAPIV3Schema").put("type", "object");
      schema.putObject("properties").putObject("spec").put("type", "object").put("x-kubernetes-preserve-unknown-fields", true);
    }
    return crd;
  }

  private static ObjectNode object(String apiVersion, String kind, String namespace, String name) {
    ObjectNode object = KubeJson.MAPPER.createObjectNode().put("apiVersion", apiVersion).put("kind", kind);
    object.putObject("metadata").put("name", name).put("namespace", namespace);
    object.putObject("spec").put("size", 3);
    return object;
  }

  @Test
  void aDefinitionIsServedTheMomentItsWriteIsAnswered() {
    ObjectNode created = result(store.create(definitions, "", definition("example.com", "widgets", "Widget", "Namespaced"), WriteOptions.DEFAULT));

    assertThat(CustomResources.condition(created, "Established")).isTrue();
    assertThat(CustomResources.condition(created, "NamesAccepted")).isTrue();
    assertThat(created.path("status").path("acceptedNames").path("kind").asText()).isEqualTo("Widget");
    assertThat(created.path("metadata").path("finalizers").toString()).contains(CustomResources.CLEANUP_FINALIZER);
    ResourceType widgets = store.registry().byResource("widgets.example.com").orElseThrow();
    assertThat(widgets.namespaced()).isTrue();
    assertThat(widgets.apiVersion()).isEqualTo("example.com/v1");
    assertThat(store.registry().byKind("example.com/v1beta1", "Widget").map(ResourceType::resource)).contains("widgets.example.com");
    assertThat(store.registry().byAlias("wi").map(ResourceType::resource)).contains("widgets.example.com");

    ResourceType beta = widgets.servedAt("v1beta1").orElseThrow();
    ObjectNode created1 = result(store.create(beta, "default", object("example.com/v1beta1", "Widget", "default", "a"), WriteOptions.DEFAULT));
    assertThat(created1.path("apiVersion").asText()).as("answered at the version asked for").isEqualTo("example.com/v1beta1");
    ObjectNode stored = result(store.get(widgets, "default", "a"));
    assertThat(stored.path("apiVersion").asText()).as("kept at the storage version").isEqualTo("example.com/v1");
    assertThat(stored.path("spec").path("size").asInt()).isEqualTo(3);
    assertThat(result(store.get(beta, "default", "a")).path("apiVersion").asText()).isEqualTo("example.com/v1beta1");
    assertThat(result(store.list(widgets, ListOptions.of(ObjectFilter.ALL))).items()).containsExactly(stored);
    assertThat(result(store.list(beta, ListOptions.of(ObjectFilter.ALL))).items()).extracting(item -> item.path("apiVersion").asText())
        .containsExactly("example.com/v1beta1");
  }

  @Test
  void aCustomObjectNamesTheVersionItIsWrittenAt() {
    result(store.create(definitions, "", definition("versions.example.com", "gadgets", "Gadget", "Cluster"), WriteOptions.DEFAULT));
    ResourceType gadgets = store.registry().byResource("gadgets.versions.example.com").orElseThrow();

    StoreError refused = error(store.create(gadgets, "", object("versions.example.com/v1beta1", "Gadget", "", "g"), WriteOptions.DEFAULT));

    assertThat(refused.reason()).isEqualTo(StoreError.Reason.INVALID);
    assertThat(refused.message()).contains("apiVersion").contains("must be versions.example.com/v1");
    assertThat(gadgets.servedAt("v2")).isEmpty();
  }

  @Test
  void aMemberThatOnlyWatchedTheDefinitionServesItToo() {
    // A store on the built-in kinds only writes the definition: this member learns of it by its watch.
    Store elsewhere = new Store(node.system(), ResourceRegistry.builtin());
    elsewhere.admit(definitions, new DefinitionAdmission(elsewhere, java.time.Clock.systemUTC()));
    ObjectNode crd = definition("watched.example.com", "gizmos", "Gizmo", "Namespaced");
    ObjectNode created = result(elsewhere.create(definitions, "", crd, WriteOptions.DEFAULT));
    ResourceType gizmos = CustomResources.typeOf(created).orElseThrow();

    // Written at once, before this member's registry may have it: the entity waits for it.
    ObjectNode stored = result(store.create(gizmos, "default", object("watched.example.com/v1", "Gizmo", "default", "g"), WriteOptions.DEFAULT));
    assertThat(stored.path("metadata").path("uid").asText()).isNotEmpty();
    Await.until("the watched definition is served", Duration.ofSeconds(10), () -> store.registry().byResource("gizmos.watched.example.com").isPresent());
  }

  @Test
  void aCustomObjectIsWatched() {
    result(store.create(definitions, "", definition("watch.example.com", "things", "Thing", "Namespaced"), WriteOptions.DEFAULT));
    ResourceType things = store.registry().byResource("things.watch.example.com").orElseThrow();
    String start = result(store.list(things, ListOptions.of(ObjectFilter.ALL))).resourceVersion();
    try (WatchRecorder watch = new WatchRecorder(store.watch(things, WatchOptions.from(ObjectFilter.ALL, start)), node.system())) {
      result(store.create(things, "default", object("watch.example.com/v1", "Thing", "default", "t"), WriteOptions.DEFAULT));
      assertThat(watch.awaitCount(1).get(0).type()).isEqualTo(WatchEvent.Type.ADDED);
    }
  }

  @Test
  void aDeletedDefinitionTakesNoNewObjectsAndIsForgottenOnceItGoes() {
    result(store.create(definitions, "", definition("gone.example.com", "relics", "Relic", "Cluster"), WriteOptions.DEFAULT));

    var marked = result(store.delete(definitions, "", "relics.gone.example.com", DeleteOptions.defaults(), WriteOptions.DEFAULT));
    assertThat(marked.deleted()).as("held by the cleanup finalizer").isFalse();
    ResourceType relics = store.registry().byResource("relics.gone.example.com").orElseThrow();
    StoreError refused = error(store.create(relics, "", object("gone.example.com/v1", "Relic", "", "late"), WriteOptions.DEFAULT));
    assertThat(refused.reason()).isEqualTo(StoreError.Reason.METHOD_NOT_ALLOWED);
    assertThat(refused.message()).isEqualTo("create is not supported on resources of kind \"relics.gone.example.com\"");

    ObjectNode held = marked.object().deepCopy();
    KubeJson.metadata(held).remove("finalizers");
    result(store.update(definitions, "", held, WriteOptions.DEFAULT));
    assertThat(store.registry().byResource("relics.gone.example.com")).isEmpty();
  }
}
