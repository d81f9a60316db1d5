package io.dirigent.core.services;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.testing.Await;
import io.dirigent.core.testing.TestNodes;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** ClusterIPs and NodePorts as Services get them from the store, on the in-memory journal. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceAddressesTest {

  private static final AtomicInteger NAMESPACES = new AtomicInteger();
  private ClusterNode node;

  @BeforeAll
  void start() {
    node = TestNodes.memory();
  }

  @AfterAll
  void stop() {
    node.close();
  }

  private String namespace() {
    String name = "svc-" + NAMESPACES.incrementAndGet();
    Await.result(node.store().create(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()));
    return name;
  }

  private static ServiceBuilder service(String namespace, String name, String type) {
    return new ServiceBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withNewSpec().withType(type).withSelector(java.util.Map.of("app", name))
        .addNewPort().withName("http").withPort(80).endPort().endSpec();
  }

  @Test
  void everyServiceGetsItsOwnClusterIpFromTheRangeAndKubernetesDefaults() {
    String ns = namespace();
    List<CompletableFuture<Service>> creates = new java.util.ArrayList<>();
    for (int i = 0; i < 30; i++) {
      creates.add(node.store().create(service(ns, "s" + i, null).build()).toCompletableFuture());
    }
    Set<String> ips = new HashSet<>();
    for (CompletableFuture<Service> create : creates) {
      Service created = Await.result(create);
      String ip = created.getSpec().getClusterIP();
      assertThat(ip).startsWith("10.96.");
      assertThat(created.getSpec().getClusterIPs()).containsExactly(ip);
      assertThat(created.getSpec().getType()).isEqualTo("ClusterIP");
      assertThat(created.getSpec().getIpFamilies()).containsExactly("IPv4");
      ServicePort port = created.getSpec().getPorts().get(0);
      assertThat(port.getProtocol()).isEqualTo("TCP");
      assertThat(port.getTargetPort()).isEqualTo(new IntOrString(80));
      assertThat(port.getNodePort()).isNull();
      ips.add(ip);
    }
    assertThat(ips).as("no two services share an address").hasSize(30);
  }

  @Test
  void nodePortServicesGetAPortFromTheRangeAndATakenPortIsRefused() {
    String ns = namespace();
    Service first = Await.result(node.store().create(service(ns, "web", "NodePort").build()));
    int nodePort = first.getSpec().getPorts().get(0).getNodePort();
    assertThat(nodePort).isBetween(30000, 32767);
    assertThat(first.getSpec().getExternalTrafficPolicy()).isEqualTo("Cluster");

    Service asked = service(ns, "other", "NodePort").editSpec().editFirstPort().withNodePort(nodePort).endPort().endSpec().build();
    StoreError taken = Await.error(node.store().create(asked));
    assertThat(taken.reason()).isEqualTo(StoreError.Reason.INVALID);
    assertThat(taken.message()).contains("spec.ports[0].nodePort").contains("provided port is already allocated");

    Service outside = service(ns, "outside", "NodePort").editSpec().editFirstPort().withNodePort(80).endPort().endSpec().build();
    assertThat(Await.error(node.store().create(outside)).message()).contains("provided port is not in the valid range. The range of valid ports is 30000-32767");

    Await.result(node.store().delete(Service.class, ns, "web", DeleteOptions.defaults()));
    Service reused = Await.result(node.store().create(asked));
    assertThat(reused.getSpec().getPorts().get(0).getNodePort()).as("a deleted service's port is free again").isEqualTo(nodePort);
  }

  @Test
  void aRequestedClusterIpIsGivenOnceAndHeadlessServicesGetNone() {
    String ns = namespace();
    Service fixed = Await.result(node.store().create(service(ns, "fixed", null).editSpec().withClusterIP("10.96.200.200").endSpec().build()));
    assertThat(fixed.getSpec().getClusterIP()).isEqualTo("10.96.200.200");
    StoreError twice = Await.error(node.store().create(service(ns, "again", null).editSpec().withClusterIP("10.96.200.200").endSpec().build()));
    assertThat(twice.message()).contains("provided IP is already allocated");
    StoreError outside = Await.error(node.store().create(service(ns, "far", null).editSpec().withClusterIP("192.168.1.1").endSpec().build()));
    assertThat(outside.message()).contains("not in the valid range");

    Service headless = Await.result(node.store().create(service(ns, "headless", null).editSpec().withClusterIP("None").endSpec().build()));
    assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
  }

  @Test
  void anUpdateKeepsTheAddressesItLeavesOutAndMayNotChangeTheClusterIp() {
    String ns = namespace();
    Service created = Await.result(node.store().create(service(ns, "kept", "NodePort").build()));
    String ip = created.getSpec().getClusterIP();
    int nodePort = created.getSpec().getPorts().get(0).getNodePort();

    // A replace that names neither, as kubectl replace of the original manifest does.
    Service replaced = Await.result(node.store().update(service(ns, "kept", "NodePort").editSpec().addNewPort().withName("admin").withPort(9090).endPort().endSpec().build()));
    assertThat(replaced.getSpec().getClusterIP()).isEqualTo(ip);
    assertThat(replaced.getSpec().getPorts().get(0).getNodePort()).isEqualTo(nodePort);
    int adminPort = replaced.getSpec().getPorts().get(1).getNodePort();
    assertThat(adminPort).isBetween(30000, 32767).isNotEqualTo(nodePort);

    StoreError changed = Await.error(node.store().update(service(ns, "kept", "NodePort").editSpec().withClusterIP("10.96.9.9").endSpec().build()));
    assertThat(changed.reason()).isEqualTo(StoreError.Reason.INVALID);
    assertThat(changed.message()).contains("may not change once set");

    // Back to ClusterIP: the NodePorts are given back and can be taken by another service.
    Service plain = Await.result(node.store().update(service(ns, "kept", "ClusterIP").build()));
    assertThat(plain.getSpec().getPorts().get(0).getNodePort()).isNull();
    Await.until("the node port is free again", java.time.Duration.ofSeconds(10), () -> node.store()
        .create(service(ns, "taker", "NodePort").editSpec().editFirstPort().withNodePort(nodePort).endPort().endSpec().build())
        .toCompletableFuture().handle((ok, failure) -> failure == null).join());
  }
}
