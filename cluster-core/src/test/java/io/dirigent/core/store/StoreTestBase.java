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

/** Starts one member on the journal under test; each test works in a namespace of its own. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StoreTestBase {

  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  protected ClusterNode node;
  protected Store store;

  /** A ready member on the journal under test. */
  protected abstract ClusterNode startNode() throws Exception;

  @BeforeAll
  void startMember() throws Exception {
    node = startNode();
    store = node.store();
  }

  @AfterAll
  void stopMember() {
    if (node != null) {
      node.close();
    }
  }

  protected ResourceType type(String resource) {
    return store.registry().byResource(resource).orElseThrow();
  }

  /** A fresh namespace for one test. */
  protected String namespace() {
    String name = "t" + NAMESPACES.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 100000, 36);
    result(store.create(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()));
    return name;
  }

  protected static ConfigMap configMap(String namespace, String name, Map<String, String> labels, String value) {
    return new ConfigMapBuilder()
        .withNewMetadata().withNamespace(namespace).withName(name).withLabels(labels).endMetadata()
        .withData(Map.of("value", value))
        .build();
  }

  protected static Pod pod(String namespace, String name) {
    return new PodBuilder()
        .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("dirigent/busybox:1").endContainer().endSpec()
        .build();
  }

  protected static long rv(io.fabric8.kubernetes.api.model.HasMetadata object) {
    return Long.parseLong(object.getMetadata().getResourceVersion());
  }
}
