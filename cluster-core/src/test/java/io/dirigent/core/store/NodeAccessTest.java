package io.dirigent.core.store;

import static io.dirigent.core.testing.Await.error;
import static io.dirigent.core.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.core.auth.Caller;
import io.dirigent.core.auth.Callers;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.testing.TestNodes;
import io.dirigent.core.testing.WatchRecorder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node agent's store (the store as {@code system:node:NAME}) against a real member: what
 * Kubernetes' Node authorizer lets a kubelet do, and nothing more.
 */
class NodeAccessTest {

  private static ClusterNode member;
  private static Store admin;
  private static Store w1;
  private String ns;

  @BeforeAll
  static void start() {
    member = TestNodes.memory();
    admin = member.store();
    w1 = admin.as(Callers.get(member.system()).node("w1"));
  }

  @AfterAll
  static void stop() {
    member.close();
  }

  private String namespace() {
    ns = "node-access-" + UUID.randomUUID().toString().substring(0, 8);
    result(admin.create(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()));
    return ns;
  }

  private Pod pod(String name, String node, String secret) {
    return result(admin.create(new PodBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
        .withNewSpec().withNodeName(node).addNewContainer().withName("app").withImage("busybox").endContainer()
        .addNewVolume().withName("s").withNewSecret().withSecretName(secret).endSecret().endVolume().endSpec().build()));
  }

  private Secret secret(String name) {
    return result(admin.create(new SecretBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
        .addToStringData("password", "hunter2").build()));
  }

  @Test
  void aNodeReadsTheSecretsOfItsOwnPodsAndNoOthers() {
    namespace();
    secret("mine");
    secret("theirs");
    secret("nobodys");
    pod("on-w1", "w1", "mine");
    pod("on-w2", "w2", "theirs");

    assertThat(result(w1.get(Secret.class, ns, "mine")).getData()).containsKey("password");
    assertThat(error(w1.get(Secret.class, ns, "theirs")).reason()).isEqualTo(StoreError.Reason.FORBIDDEN);
    assertThat(error(w1.get(Secret.class, ns, "nobodys")).message())
        .isEqualTo("secrets \"nobodys\" is forbidden: User \"system:node:w1\" cannot get resource \"secrets\" in the namespace \"%s\": ".formatted(ns)
            + "no relationship found between node 'w1' and this object (no pod bound to it refers to secrets \"nobodys\")");
  }

  @Test
  void aNodeMayNotListOrWatchSecrets() {
    namespace();
    secret("mine");

    assertThat(error(w1.list(Secret.class, ListOptions.of(ObjectFilter.inNamespace(ns)))).reason()).isEqualTo(StoreError.Reason.FORBIDDEN);
    try (WatchRecorder watch = new WatchRecorder(w1.watch(Secret.class, WatchOptions.from(ObjectFilter.inNamespace(ns), null)), member.system())) {
      List<WatchEvent> events = watch.awaitCount(1);
      assertThat(events).singleElement().satisfies(event -> {
        assertThat(event.type()).isEqualTo(WatchEvent.Type.ERROR);
        assertThat(event.object().path("code").asInt()).isEqualTo(403);
      });
    }
  }

  @Test
  void aNodeWritesTheStatusOfItsOwnPodsOnly() {
    namespace();
    secret("s");
    Pod mine = pod("on-w1", "w1", "s");
    Pod theirs = pod("on-w2", "w2", "s");

    Pod running = result(w1.updateStatus(new PodBuilder(mine).withNewStatus().withPhase("Running").endStatus().build()));
    StoreError refused = error(w1.updateStatus(new PodBuilder(theirs).withNewStatus().withPhase("Failed").endStatus().build()));

    assertThat(running.getStatus().getPhase()).isEqualTo("Running");
    assertThat(refused.reason()).isEqualTo(StoreError.Reason.FORBIDDEN);
    assertThat(result(admin.get(Pod.class, ns, "on-w2")).getMetadata().getResourceVersion()).as("nothing written")
        .isEqualTo(theirs.getMetadata().getResourceVersion());
    assertThat(result(admin.history(Pod.class, ns, "on-w1"))).last().extracting(HistoryEntry::user).isEqualTo("system:node:w1");
  }

  @Test
  void aNodeRegistersItsOwnNodeButMayNotCreatePodsNorOtherNodes() {
    namespace();

    StoreError create = error(w1.create(new PodBuilder().withNewMetadata().withNamespace(ns).withName("sneaky").endMetadata()
        .withNewSpec().withNodeName("w1").addNewContainer().withName("app").withImage("busybox").endContainer().endSpec().build()));
    Node own = result(w1.create(new NodeBuilder().withNewMetadata().withName("w1").endMetadata().build()));
    StoreError other = error(w1.create(new NodeBuilder().withNewMetadata().withName("w2").endMetadata().build()));

    assertThat(create.reason()).isEqualTo(StoreError.Reason.FORBIDDEN);
    assertThat(error(admin.get(Pod.class, ns, "sneaky")).reason()).isEqualTo(StoreError.Reason.NOT_FOUND);
    assertThat(own.getMetadata().getName()).isEqualTo("w1");
    assertThat(other.reason()).isEqualTo(StoreError.Reason.FORBIDDEN);
    assertThat(error(admin.get(Node.class, null, "w2")).reason()).isEqualTo(StoreError.Reason.NOT_FOUND);
  }

  @Test
  void aMemberWithoutTheClustersCredentialCanReadNothing() {
    namespace();
    Store stranger = admin.as(new Caller(Caller.CONTROL_PLANE, List.of(Caller.MASTERS), "forged"));

    assertThat(error(stranger.get(Namespace.class, null, ns)).reason()).isEqualTo(StoreError.Reason.FORBIDDEN);
    assertThat(error(stranger.list(Pod.class, ListOptions.of(ObjectFilter.ALL))).reason()).isEqualTo(StoreError.Reason.FORBIDDEN);
    assertThat(error(stranger.create(new SecretBuilder().withNewMetadata().withNamespace(ns).withName("planted").endMetadata().build())).reason())
        .isEqualTo(StoreError.Reason.FORBIDDEN);
  }
}
