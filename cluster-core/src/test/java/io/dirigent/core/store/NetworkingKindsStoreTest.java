package io.dirigent.core.store;

import static io.dirigent.core.testing.Await.error;
import static io.dirigent.core.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.testing.TestNodes;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClassBuilder;
import org.junit.jupiter.api.Test;

/**
 * The kinds a chart's manifests carry beside its workloads — NetworkPolicy, Ingress, IngressClass,
 * HorizontalPodAutoscaler, RuntimeClass — stored through the store as Kubernetes stores them:
 * typed, defaulted, validated, with the status a new object starts with.
 */
class NetworkingKindsStoreTest extends StoreTestBase {

  @Override
  protected ClusterNode startNode() {
    return TestNodes.memory();
  }

  @Test
  void aNetworkPolicyIsStoredWithTheDirectionsItIsolates() {
    String ns = namespace();
    NetworkPolicy policy = result(store.create(new NetworkPolicyBuilder().withNewMetadata().withNamespace(ns).withName("db").endMetadata()
        .withNewSpec().withNewPodSelector().addToMatchLabels("app", "db").endPodSelector()
        .addNewEgress().addNewTo().withNewIpBlock().withCidr("10.0.0.0/8").endIpBlock().endTo().endEgress().endSpec().build()));

    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
    assertThat(result(store.get(NetworkPolicy.class, ns, "db"))).isEqualTo(policy);
  }

  @Test
  void anIngressStartsWithoutALoadBalancerAndKeepsItsClientsStatusOut() {
    String ns = namespace();
    Ingress ingress = result(store.create(new IngressBuilder().withNewMetadata().withNamespace(ns).withName("web").endMetadata()
        .withNewSpec().withIngressClassName("nginx").addNewRule().withHost("web.example.com").withNewHttp().addNewPath().withPath("/")
        .withPathType("Prefix").withNewBackend().withNewService().withName("web").withNewPort().withNumber(80).endPort().endService()
        .endBackend().endPath().endHttp().endRule().endSpec()
        .withNewStatus().withNewLoadBalancer().addNewIngress().withIp("1.2.3.4").endIngress().endLoadBalancer().endStatus().build()));

    assertThat(ingress.getStatus().getLoadBalancer().getIngress()).isEmpty();
    assertThat(ingress.getSpec().getRules().get(0).getHttp().getPaths().get(0).getPathType()).isEqualTo("Prefix");
  }

  @Test
  void anIngressPathWithoutATypeIsRefusedInKubernetesWords() {
    String ns = namespace();
    StoreError refused = error(store.create(new IngressBuilder().withNewMetadata().withNamespace(ns).withName("web").endMetadata()
        .withNewSpec().addNewRule().withNewHttp().addNewPath().withPath("/").withNewBackend().withNewService().withName("web")
        .withNewPort().withNumber(80).endPort().endService().endBackend().endPath().endHttp().endRule().endSpec().build()));

    assertThat(refused.reason()).isEqualTo(StoreError.Reason.INVALID);
    assertThat(refused.message()).contains("spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified");
  }

  @Test
  void anIngressClassKeepsItsController() {
    IngressClass created = result(store.create(new IngressClassBuilder().withNewMetadata().withName("nginx-" + namespace()).endMetadata()
        .withNewSpec().withController("k8s.io/ingress-nginx").endSpec().build()));

    ObjectNode changed = KubeJson.toTree(created);
    ((ObjectNode) changed.path("spec")).put("controller", "example.com/other");
    StoreError refused = error(store.update(type("ingressclasses.networking.k8s.io"), null, changed, WriteOptions.by("test")));

    assertThat(refused.message()).contains("spec.controller: Invalid value: \"example.com/other\": field is immutable");
  }

  @Test
  void anAutoscalerIsDefaultedAndStartsWithTheStatusItsSchemaRequires() {
    String ns = namespace();
    HorizontalPodAutoscaler autoscaler = result(store.create(new HorizontalPodAutoscalerBuilder()
        .withNewMetadata().withNamespace(ns).withName("web").endMetadata()
        .withNewSpec().withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment").withName("web").endScaleTargetRef()
        .withMaxReplicas(5).endSpec().build()));

    assertThat(autoscaler.getSpec().getMinReplicas()).isEqualTo(1);
    assertThat(autoscaler.getSpec().getMetrics()).singleElement()
        .satisfies(metric -> assertThat(metric.getResource().getTarget().getAverageUtilization()).isEqualTo(80));
    assertThat(autoscaler.getStatus().getDesiredReplicas()).isZero();
  }

  @Test
  void aRuntimeClassIsClusterScopedAndItsHandlerIsAName() {
    String suffix = namespace();
    RuntimeClass runtime = result(store.create(new RuntimeClassBuilder().withNewMetadata().withName("gvisor-" + suffix).endMetadata()
        .withHandler("runsc").build()));
    assertThat(runtime.getMetadata().getNamespace()).isNull();

    StoreError refused = error(store.create(new RuntimeClassBuilder().withNewMetadata().withName("kata-" + suffix).endMetadata()
        .withHandler("kata.v2").build()));
    assertThat(refused.message()).contains("handler: Invalid value: \"kata.v2\": must not contain dots");
  }
}
