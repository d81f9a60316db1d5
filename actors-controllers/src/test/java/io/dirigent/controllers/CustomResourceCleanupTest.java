package io.dirigent.controllers;

import static io.dirigent.core.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.crd.CustomResources;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import io.dirigent.core.store.WriteOptions;
import io.dirigent.core.testing.Await;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A deleted CustomResourceDefinition takes its objects with it before it goes, waiting for those
 * that finalizers of their own hold; and a deleted namespace takes the custom objects in it.
 */
class CustomResourceCleanupTest {

  @RegisterExtension
  static final SimulatedCluster cluster = SimulatedCluster.of("crd", 0);

  private static final Duration WAIT = Duration.ofSeconds(20);

  private static ResourceType define(String group, String plural, String kind) {
    ObjectNode crd = KubeJson.MAPPER.createObjectNode().put("apiVersion", "apiextensions.k8s.io/v1").put("kind", "CustomResourceDefinition");
    crd.putObject("metadata").put("name", plural + "." + group);
    ObjectNode spec = crd.putObject("spec").put("group", group).put("scope", "Namespaced");
    spec.putObject("names").put("plural", plural).put("kind", kind);
    ObjectNode version = spec.putArray("versions").addObject().put("name", "v1").put("served", true).put("storage", true);
    version.putObject("schema").putObject("openAPIV3Schema").put("type", "object").put("x-kubernetes-preserve-unknown-fields", true);
    Store store = cluster.store();
    result(store.create(store.registry().byResource(CustomResources.DEFINITIONS).orElseThrow(), "", crd, WriteOptions.DEFAULT));
    return store.registry().byResource(plural + "." + group).orElseThrow();
  }

  private static void object(ResourceType type, String namespace, String name, String finalizer) {
    ObjectNode object = KubeJson.MAPPER.createObjectNode().put("apiVersion", type.apiVersion()).put("kind", type.kind());
    ObjectNode metadata = object.putObject("metadata").put("name", name).put("namespace", namespace);
    if (finalizer != null) {
      metadata.putArray("finalizers").add(finalizer);
    }
    result(cluster.store().create(type, namespace, object, WriteOptions.DEFAULT));
  }

  private static int count(ResourceType type) {
    return result(cluster.store().list(type, ListOptions.of(ObjectFilter.ALL))).items().size();
  }

  private static boolean gone(ResourceType type, String name) {
    return cluster.store().get(type, "", name)
        .handle((found, failure) -> failure != null && StoreException.is(failure, StoreError.Reason.NOT_FOUND)).toCompletableFuture().join();
  }

  @Test
  void aDeletedDefinitionDeletesItsObjectsThenGoes() {
    Store store = cluster.store();
    ResourceType definitions = store.registry().byResource(CustomResources.DEFINITIONS).orElseThrow();
    ResourceType widgets = define("cleanup.example.com", "widgets", "Widget");
    String ns = cluster.namespace("a");
    object(widgets, ns, "one", null);
    object(widgets, ns, "two", null);
    object(widgets, ns, "held", "example.com/hold");

    result(store.delete(definitions, "", "widgets.cleanup.example.com", DeleteOptions.defaults(), WriteOptions.DEFAULT));

    Await.until("the objects without finalizers are deleted", WAIT, () -> count(widgets) == 1);
    assertThat(gone(definitions, "widgets.cleanup.example.com")).as("held while an object is left").isFalse();
    ObjectNode held = result(store.get(widgets, ns, "held")).deepCopy();
    KubeJson.metadata(held).putArray("finalizers");
    result(store.update(widgets, ns, held, WriteOptions.DEFAULT));

    Await.until("the definition is gone", WAIT, () -> gone(definitions, "widgets.cleanup.example.com"));
    Await.until("its resource is no longer served", WAIT, () -> store.registry().byResource("widgets.cleanup.example.com").isEmpty());
  }

  @Test
  void aDeletedNamespaceTakesTheCustomObjectsInIt() {
    Store store = cluster.store();
    ResourceType gadgets = define("namespaces.example.com", "gadgets", "Gadget");
    String ns = cluster.namespace("b");
    object(gadgets, ns, "g", null);
    ResourceType namespaces = store.registry().byResource("namespaces").orElseThrow();

    result(store.delete(namespaces, "", ns, DeleteOptions.defaults(), WriteOptions.DEFAULT));

    Await.until("the namespace is gone", WAIT, () -> gone(namespaces, ns));
    assertThat(count(gadgets)).isZero();
  }

  @Test
  void aPodOwnedByADeletedCustomObjectIsCollected() {
    Store store = cluster.store();
    ResourceType owners = define("owners.example.com", "operators", "Operator");
    String ns = cluster.namespace("c");
    object(owners, ns, "op", null);
    String uid = KubeJson.uid(result(store.get(owners, ns, "op")));
    io.fabric8.kubernetes.api.model.Pod pod = new io.fabric8.kubernetes.api.model.PodBuilder()
        .withNewMetadata().withName("owned").withNamespace(ns)
        .addNewOwnerReference().withApiVersion(owners.apiVersion()).withKind("Operator").withName("op").withUid(uid).endOwnerReference()
        .endMetadata()
        .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().build();
    result(store.create(pod));

    result(store.delete(owners, ns, "op", DeleteOptions.defaults(), WriteOptions.DEFAULT));

    ResourceType pods = store.registry().byResource("pods").orElseThrow();
    Await.until("the owned pod is collected", Duration.ofSeconds(40), () -> cluster.store().get(pods, ns, "owned")
        .handle((found, failure) -> failure != null && StoreException.is(failure, StoreError.Reason.NOT_FOUND)).toCompletableFuture().join());
  }
}
