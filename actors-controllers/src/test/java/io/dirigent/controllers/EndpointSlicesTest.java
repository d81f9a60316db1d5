package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EndpointSlicesTest {

  private static final Service WEB = new ServiceBuilder().withNewMetadata().withName("web").withNamespace("ns").withUid("svc-uid").endMetadata()
      .withApiVersion("v1").withKind("Service")
      .withNewSpec().addToSelector("app", "web").addNewPort().withName("http").withPort(80).withTargetPort(new IntOrString("http")).endPort().endSpec()
      .build();

  private static Pod pod(String name, String ip, boolean ready, boolean terminating, String phase, int httpPort) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace("ns").withUid(name + "-uid").addToLabels("app", "web")
        .withDeletionTimestamp(terminating ? "2026-12-07T10:00:00Z" : null).endMetadata()
        .withNewSpec().withNodeName("node-1").addNewContainer().withName("c").addNewPort().withName("http").withContainerPort(httpPort).endPort()
        .endContainer().endSpec()
        .withNewStatus().withPhase(phase).withPodIP(ip).addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
        .endStatus().build();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a ready pod is ready, serving and not terminating | true | false | true | true | false",
      "a pod that is not ready is neither ready nor serving | false | false | false | false | false",
      "a ready pod being deleted still serves but is not ready | true | true | false | true | true",
      "a pod being deleted that is not ready only terminates | false | true | false | false | true"})
  void anEndpointsConditionsFollowItsPod(String sentence, boolean ready, boolean terminating, boolean isReady, boolean serving, boolean isTerminating) {
    List<EndpointSlice> slices = EndpointSlices.desired(WEB, List.of(pod("web-1", "10.1.0.5", ready, terminating, "Running", 8080)));

    Endpoint endpoint = slices.get(0).getEndpoints().get(0);
    assertThat(endpoint.getAddresses()).containsExactly("10.1.0.5");
    assertThat(List.of(endpoint.getConditions().getReady(), endpoint.getConditions().getServing(), endpoint.getConditions().getTerminating()))
        .containsExactly(isReady, serving, isTerminating);
    assertThat(endpoint.getNodeName()).isEqualTo("node-1");
    assertThat(endpoint.getTargetRef().getName()).isEqualTo("web-1");
  }

  @Test
  void aSliceIsLabelledForItsServiceOwnedByItAndServesTheResolvedPort() {
    EndpointSlice slice = EndpointSlices.desired(WEB, List.of(pod("web-1", "10.1.0.5", true, false, "Running", 8080))).get(0);

    assertThat(slice.getAddressType()).isEqualTo("IPv4");
    assertThat(slice.getMetadata().getName()).startsWith("web-");
    assertThat(slice.getMetadata().getLabels()).containsEntry("kubernetes.io/service-name", "web")
        .containsEntry("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io");
    assertThat(slice.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
      assertThat(owner.getKind()).isEqualTo("Service");
      assertThat(owner.getUid()).isEqualTo("svc-uid");
      assertThat(owner.getController()).isTrue();
    });
    assertThat(slice.getPorts()).singleElement().satisfies(port -> {
      assertThat(port.getName()).isEqualTo("http");
      assertThat(port.getPort()).isEqualTo(8080);
      assertThat(port.getProtocol()).isEqualTo("TCP");
    });
  }

  @Test
  void podsWithoutAnAddressFinishedOrNotSelectedAreLeftOut() {
    Pod other = new PodBuilder(pod("other", "10.1.0.9", true, false, "Running", 8080)).editMetadata().addToLabels("app", "db").endMetadata().build();
    List<EndpointSlice> slices = EndpointSlices.desired(WEB, List.of(
        pod("pending", null, false, false, "Pending", 8080), pod("done", "10.1.0.7", false, false, "Succeeded", 8080), other));

    assertThat(slices).isEmpty();
  }

  @Test
  void podsServingANamedPortOnDifferentNumbersGetASliceEachUnderStableNames() {
    List<Pod> pods = List.of(pod("a", "10.1.0.1", true, false, "Running", 8080), pod("b", "10.1.0.2", true, false, "Running", 9090));

    List<EndpointSlice> slices = EndpointSlices.desired(WEB, pods);

    assertThat(slices).hasSize(2);
    assertThat(slices).extracting(s -> s.getPorts().get(0).getPort()).containsExactlyInAnyOrder(8080, 9090);
    assertThat(EndpointSlices.desired(WEB, pods)).extracting(s -> s.getMetadata().getName())
        .containsExactlyElementsOf(slices.stream().map(s -> s.getMetadata().getName()).toList());
  }

  @Test
  void aHundredEndpointsFillASliceAndTheRestGoToTheNext() {
    List<Pod> pods = new ArrayList<>();
    IntStream.range(0, 101).forEach(i -> pods.add(pod("web-" + i, "10.1.1." + (i % 250), true, false, "Running", 8080)));

    List<EndpointSlice> slices = EndpointSlices.desired(WEB, pods);

    assertThat(slices).extracting(s -> s.getEndpoints().size()).containsExactly(100, 1);
  }
}
