package io.dirigent.core.store;

import static io.dirigent.core.testing.Await.error;
import static io.dirigent.core.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.testing.WatchRecorder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every store must do, whatever journal is under it. Subclasses start a member on their
 * journal; each test works in a namespace of its own.
 */
public abstract class StoreContract extends WatchContract {

  // ---- binding ----

  @Test
  void ofBindsRacingForOnePodExactlyOneWinsAndTheOthersAreConflicts() {
    String ns = namespace();
    Pod pod = result(store.create(pod(ns, "raced")));
    List<java.util.concurrent.CompletableFuture<ObjectNode>> binds = java.util.stream.IntStream.range(0, 5)
        .mapToObj(i -> PodBindings.bind(store, ns, "raced", pod.getMetadata().getUid(), "node-" + i, WriteOptions.DEFAULT).toCompletableFuture())
        .toList();
    List<ObjectNode> won = binds.stream().filter(bind -> {
      try {
        bind.join();
        return true;
      } catch (java.util.concurrent.CompletionException e) {
        assertThat(StoreException.is(e, StoreError.Reason.CONFLICT)).as("lost: %s", e.getCause()).isTrue();
        assertThat(e.getCause().getMessage()).contains("is already assigned to node");
        return false;
      }
    }).map(java.util.concurrent.CompletableFuture::join).toList();

    assertThat(won).hasSize(1);
    assertThat(result(store.get(Pod.class, ns, "raced")).getSpec().getNodeName()).isEqualTo(won.get(0).path("spec").path("nodeName").asText());
  }

  @Test
  void aBindOnAVersionSinceChangedOtherwiseIsWrittenOnTheNewVersion() {
    String ns = namespace();
    result(store.create(pod(ns, "relabelled")));
    ObjectNode seen = result(store.get(type("pods"), ns, "relabelled"));
    ObjectNode relabelled = seen.deepCopy();
    KubeJson.metadata(relabelled).putObject("labels").put("tier", "web");
    result(store.update(type("pods"), ns, relabelled, WriteOptions.DEFAULT));

    ObjectNode bound = result(PodBindings.bind(store, seen, "node-1", WriteOptions.DEFAULT));

    assertThat(bound.path("spec").path("nodeName").asText()).isEqualTo("node-1");
    assertThat(bound.path("metadata").path("labels").path("tier").asText()).as("the label written meanwhile is kept").isEqualTo("web");
  }

  @Test
  void aBindOnTheDecisionForAPodSinceCreatedAgainIsAConflict() {
    String ns = namespace();
    Pod first = result(store.create(pod(ns, "again")));
    result(store.delete(Pod.class, ns, "again", DeleteOptions.defaults().withGracePeriod(0)));
    result(store.create(pod(ns, "again")));
    StoreError error = error(PodBindings.bind(store, ns, "again", first.getMetadata().getUid(), "node-1", WriteOptions.DEFAULT));
    assertThat(error.reason()).isEqualTo(StoreError.Reason.CONFLICT);
    assertThat(result(store.get(Pod.class, ns, "again")).getSpec().getNodeName()).isNull();
  }

  // ---- create, get ----

  @Test
  void createSetsUidTimestampGenerationAndVersion() {
    String ns = namespace();
    ConfigMap created = result(store.create(configMap(ns, "a", Map.of(), "1")));
    assertThat(created.getMetadata().getUid()).isNotBlank();
    assertThat(created.getMetadata().getCreationTimestamp()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    assertThat(created.getMetadata().getGeneration()).isEqualTo(1L);
    assertThat(rv(created)).isPositive();
    assertThat(result(store.get(ConfigMap.class, ns, "a"))).isEqualTo(created);
  }

  @Test
  void creatingAnExistingNameIsAlreadyExistsAndChangesNothing() {
    String ns = namespace();
    ConfigMap first = result(store.create(configMap(ns, "a", Map.of(), "1")));
    StoreError error = error(store.create(configMap(ns, "a", Map.of(), "2")));
    assertThat(error.reason()).isEqualTo(StoreError.Reason.ALREADY_EXISTS);
    assertThat(error.message()).isEqualTo("configmaps \"a\" already exists");
    assertThat(result(store.get(ConfigMap.class, ns, "a"))).isEqualTo(first);
  }

  @Test
  void generateNameGivesUniqueNamesWithThePrefix() {
    String ns = namespace();
    ConfigMap template = new ConfigMapBuilder().withNewMetadata().withNamespace(ns).withGenerateName("web-").endMetadata().build();
    ConfigMap one = result(store.create(template));
    ConfigMap two = result(store.create(template));
    assertThat(one.getMetadata().getName()).matches("web-[bcdfghjklmnpqrstvwxz2456789]{5}");
    assertThat(two.getMetadata().getName()).startsWith("web-").isNotEqualTo(one.getMetadata().getName());
  }

  @Test
  void aLongGenerateNameIsCutSoTheGeneratedNameIsValid() {
    String ns = namespace();
    String prefix = "p".repeat(100);
    ConfigMap configMap = result(store.create(new ConfigMapBuilder().withNewMetadata().withNamespace(ns).withGenerateName(prefix).endMetadata().build()));
    assertThat(configMap.getMetadata().getName()).hasSize(63).startsWith("p".repeat(58));
    // A namespace's name is a DNS label: 62 characters and a suffix were once stored as 67.
    Namespace namespace = result(store.create(new NamespaceBuilder().withNewMetadata().withGenerateName("n".repeat(62)).endMetadata().build()));
    assertThat(namespace.getMetadata().getName()).hasSize(63);
  }

  @Test
  void theLongestNameInTheLongestNamespaceIsStored() {
    String ns = ("long-" + System.nanoTime() + "-" + "n".repeat(63)).substring(0, 63);
    result(store.create(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()));
    String name = "c".repeat(253);
    result(store.create(configMap(ns, name, Map.of(), "1")));
    assertThat(result(store.get(ConfigMap.class, ns, name)).getData()).containsEntry("value", "1");
  }

  @Test
  void aGenerateNameThatMakesNoValidNameIsRefused() {
    String ns = namespace();
    StoreError error = error(store.create(new ConfigMapBuilder().withNewMetadata().withNamespace(ns).withGenerateName("Web_").endMetadata().build()));
    assertThat(error.reason()).isEqualTo(StoreError.Reason.INVALID);
    assertThat(error.message()).contains("metadata.generateName: Invalid value: \"Web_\"");
  }

  @Test
  void getOfAMissingObjectIsNotFound() {
    String ns = namespace();
    StoreError error = error(store.get(ConfigMap.class, ns, "nothing"));
    assertThat(error.reason()).isEqualTo(StoreError.Reason.NOT_FOUND);
    assertThat(error.message()).isEqualTo("configmaps \"nothing\" not found");
  }

  @Test
  void systemNamespacesExistAndCannotBeDeleted() {
    for (String name : List.of("default", "kube-system", "kube-public", "kube-node-lease")) {
      Namespace namespace = result(store.get(Namespace.class, null, name));
      assertThat(namespace.getStatus().getPhase()).isEqualTo("Active");
    }
    StoreError error = error(store.delete(Namespace.class, null, "default", DeleteOptions.defaults()));
    assertThat(error.reason()).isEqualTo(StoreError.Reason.FORBIDDEN);
  }

  @Test
  void anObjectInAMissingNamespaceIsRefused() {
    StoreError error = error(store.create(configMap("no-such-namespace", "a", Map.of(), "1")));
    assertThat(error.reason()).isEqualTo(StoreError.Reason.NOT_FOUND);
    assertThat(error.message()).isEqualTo("namespaces \"no-such-namespace\" not found");
  }

  // ---- validation ----

  @Test
  void invalidObjectsNameEveryBadFieldAndPersistNothing() {
    String ns = namespace();
    ConfigMap bad = configMap(ns, "Bad_Name", Map.of("-bad-key", "ok", "app", "bad value!"), "1");
    StoreError error = error(store.create(bad));
    assertThat(error.reason()).isEqualTo(StoreError.Reason.INVALID);
    assertThat(error.causes()).extracting(c -> c.field())
        .containsExactlyInAnyOrder("metadata.name", "metadata.labels", "metadata.labels");
    assertThat(error(store.get(ConfigMap.class, ns, "Bad_Name")).reason()).isEqualTo(StoreError.Reason.NOT_FOUND);
  }

  @Test
  void aPodWithoutContainersOrImagesIsInvalid() {
    String ns = namespace();
    Pod pod = new PodBuilder().withNewMetadata().withNamespace(ns).withName("p").endMetadata()
        .withNewSpec().addNewContainer().withName("app").endContainer().endSpec().build();
    StoreError error = error(store.create(pod));
    assertThat(error.reason()).isEqualTo(StoreError.Reason.INVALID);
    assertThat(error.causes()).extracting(c -> c.field()).containsExactly("spec.containers[0].image");
  }

  @Test
  void aKindThatDoesNotMatchTheResourceIsInvalid() {
    String ns = namespace();
    ObjectNode body = KubeJson.toTree(configMap(ns, "a", Map.of(), "1"));
    body.put("kind", "Secret");
    StoreError error = error(store.create(type("configmaps"), ns, body, WriteOptions.DEFAULT));
    assertThat(error.reason()).isEqualTo(StoreError.Reason.INVALID);
    assertThat(error.causes()).extracting(c -> c.field()).containsExactly("kind");
  }

  // ---- update ----

  @Test
  void updateWithAStaleResourceVersionIsAConflict() {
    String ns = namespace();
    ConfigMap created = result(store.create(configMap(ns, "a", Map.of(), "1")));
    ConfigMap updated = result(store.update(new ConfigMapBuilder(created).withData(Map.of("value", "2")).build()));
    assertThat(rv(updated)).isGreaterThan(rv(created));

    StoreError error = error(store.update(new ConfigMapBuilder(created).withData(Map.of("value", "3")).build()));
    assertThat(error.reason()).isEqualTo(StoreError.Reason.CONFLICT);
    assertThat(error.message()).contains("the object has been modified");
    assertThat(result(store.get(ConfigMap.class, ns, "a")).getData()).containsEntry("value", "2");
  }

  @Test
  void updateWithoutResourceVersionIsUnconditional() {
    String ns = namespace();
    result(store.create(configMap(ns, "a", Map.of(), "1")));
    ConfigMap blind = configMap(ns, "a", Map.of(), "9");
    assertThat(result(store.update(blind)).getData()).containsEntry("value", "9");
  }

  @Test
  void updateThatChangesNothingKeepsTheVersion() {
    String ns = namespace();
    ConfigMap created = result(store.create(configMap(ns, "a", Map.of(), "1")));
    ConfigMap same = result(store.update(created));
    assertThat(same.getMetadata().getResourceVersion()).isEqualTo(created.getMetadata().getResourceVersion());
  }

  @Test
  void specChangesBumpGenerationButStatusAndMetadataDoNot() {
    String ns = namespace();
    Pod created = result(store.create(pod(ns, "p")));
    assertThat(created.getStatus().getPhase()).isEqualTo("Pending");

    Pod labelled = result(store.update(new PodBuilder(created).editMetadata().addToLabels("a", "b").endMetadata().build()));
    assertThat(labelled.getMetadata().getGeneration()).isEqualTo(1L);

    Pod respec = result(store.update(new PodBuilder(labelled).editSpec().withRestartPolicy("Never").endSpec().build()));
    assertThat(respec.getMetadata().getGeneration()).isEqualTo(2L);

    Pod status = result(store.updateStatus(new PodBuilder(respec).editStatus().withPhase("Running").endStatus()
        .editSpec().withRestartPolicy("Always").endSpec().build()));
    assertThat(status.getMetadata().getGeneration()).isEqualTo(2L);
    assertThat(status.getStatus().getPhase()).isEqualTo("Running");
    assertThat(status.getSpec().getRestartPolicy()).as("a status update ignores spec").isEqualTo("Never");

    Pod specOnly = result(store.update(new PodBuilder(status).editStatus().withPhase("Failed").endStatus().build()));
    assertThat(specOnly.getStatus().getPhase()).as("an update ignores status").isEqualTo("Running");
  }

  // ---- delete ----

  @Test
  void deleteWithPreconditionsChecksUidAndVersion() {
    String ns = namespace();
    ConfigMap created = result(store.create(configMap(ns, "a", Map.of(), "1")));
    StoreError wrongUid = error(store.delete(ConfigMap.class, ns, "a", DeleteOptions.defaults().withPreconditions("other", null)));
    assertThat(wrongUid.reason()).isEqualTo(StoreError.Reason.CONFLICT);
    StoreError wrongVersion = error(store.delete(ConfigMap.class, ns, "a", DeleteOptions.defaults().withPreconditions(null, "1")));
    assertThat(wrongVersion.reason()).isEqualTo(StoreError.Reason.CONFLICT);

    DeleteResult deleted = result(store.delete(ConfigMap.class, ns, "a",
        DeleteOptions.defaults().withPreconditions(created.getMetadata().getUid(), created.getMetadata().getResourceVersion())));
    assertThat(deleted.deleted()).isTrue();
    assertThat(error(store.get(ConfigMap.class, ns, "a")).reason()).isEqualTo(StoreError.Reason.NOT_FOUND);
    assertThat(error(store.delete(ConfigMap.class, ns, "a", DeleteOptions.defaults())).reason()).isEqualTo(StoreError.Reason.NOT_FOUND);
  }

  @Test
  void finalizersHoldADeletedObjectUntilTheLastOneIsRemoved() {
    String ns = namespace();
    ConfigMap created = result(store.create(new ConfigMapBuilder(configMap(ns, "a", Map.of(), "1"))
        .editMetadata().withFinalizers("example.com/one", "example.com/two").endMetadata().build()));
    try (WatchRecorder watch = new WatchRecorder(store.watch(ConfigMap.class,
        WatchOptions.from(ObjectFilter.inNamespace(ns), created.getMetadata().getResourceVersion())), node.system())) {
      DeleteResult marked = result(store.delete(ConfigMap.class, ns, "a", DeleteOptions.defaults()));
      assertThat(marked.deleted()).isFalse();
      ConfigMap held = result(store.get(ConfigMap.class, ns, "a"));
      assertThat(held.getMetadata().getDeletionTimestamp()).isNotNull();

      StoreError added = error(store.update(new ConfigMapBuilder(held).editMetadata().addToFinalizers("example.com/three").endMetadata().build()));
      assertThat(added.reason()).isEqualTo(StoreError.Reason.FORBIDDEN);

      ConfigMap one = result(store.update(new ConfigMapBuilder(held).editMetadata().withFinalizers("example.com/two").endMetadata().build()));
      assertThat(one.getMetadata().getDeletionTimestamp()).isNotNull();
      result(store.update(new ConfigMapBuilder(one).editMetadata().withFinalizers(List.of()).endMetadata().build()));
      assertThat(error(store.get(ConfigMap.class, ns, "a")).reason()).isEqualTo(StoreError.Reason.NOT_FOUND);

      List<WatchEvent> events = watch.awaitCount(3);
      assertThat(events).extracting(WatchEvent::type)
          .containsExactly(WatchEvent.Type.MODIFIED, WatchEvent.Type.MODIFIED, WatchEvent.Type.DELETED);
    }
  }

  @Test
  void aPodOnANodeIsDeletedGracefullyThenForGoodWithGracePeriodZero() {
    String ns = namespace();
    Pod created = result(store.create(new PodBuilder(pod(ns, "p")).editSpec().withNodeName("node-1").endSpec().build()));
    DeleteResult marked = result(store.delete(Pod.class, ns, "p", DeleteOptions.defaults()));
    assertThat(marked.deleted()).isFalse();
    Pod terminating = result(store.get(Pod.class, ns, "p"));
    assertThat(terminating.getMetadata().getDeletionGracePeriodSeconds()).isEqualTo(30L);
    assertThat(terminating.getMetadata().getGeneration()).isEqualTo(created.getMetadata().getGeneration() + 1);

    DeleteResult gone = result(store.delete(Pod.class, ns, "p", DeleteOptions.defaults().withGracePeriod(0)));
    assertThat(gone.deleted()).isTrue();
    assertThat(error(store.get(Pod.class, ns, "p")).reason()).isEqualTo(StoreError.Reason.NOT_FOUND);
  }

  @Test
  void dryRunValidatesWithoutPersisting() {
    String ns = namespace();
    ObjectNode result = result(store.create(type("configmaps"), ns, KubeJson.toTree(configMap(ns, "a", Map.of(), "1")), WriteOptions.DEFAULT.asDryRun()));
    assertThat(KubeJson.uid(result)).isNotBlank();
    assertThat(error(store.get(ConfigMap.class, ns, "a")).reason()).isEqualTo(StoreError.Reason.NOT_FOUND);
  }

  // ---- history ----

  @Test
  void historyKeepsEveryVersionAcrossDeletionAndRecreation() {
    String ns = namespace();
    ConfigMap v1 = result(store.create(configMap(ns, "a", Map.of(), "1")));
    ConfigMap v2 = result(store.update(new ConfigMapBuilder(v1).withData(Map.of("value", "2")).build()));
    result(store.delete(ConfigMap.class, ns, "a", DeleteOptions.defaults()));
    ConfigMap again = result(store.create(configMap(ns, "a", Map.of(), "3")));

    List<HistoryEntry> history = result(store.history(ConfigMap.class, ns, "a"));
    assertThat(history).extracting(HistoryEntry::operation)
        .containsExactly(Operation.CREATE, Operation.UPDATE, Operation.DELETE, Operation.CREATE);
    assertThat(history).extracting(HistoryEntry::resourceVersion).isSorted().doesNotHaveDuplicates();
    assertThat(history.get(0).object(ConfigMap.class)).isEqualTo(v1);
    assertThat(history.get(1).object(ConfigMap.class)).isEqualTo(v2);
    assertThat(history.get(3).object(ConfigMap.class).getMetadata().getUid()).isEqualTo(again.getMetadata().getUid())
        .isNotEqualTo(v1.getMetadata().getUid());
    assertThat(history).allSatisfy(entry -> assertThat(entry.time()).isNotNull());
  }

  @Test
  void historyOfAnObjectThatNeverExistedIsNotFound() {
    String ns = namespace();
    assertThat(error(store.history(ConfigMap.class, ns, "never")).reason()).isEqualTo(StoreError.Reason.NOT_FOUND);
  }
}
