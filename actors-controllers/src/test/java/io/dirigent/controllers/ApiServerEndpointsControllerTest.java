package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.core.api.KubeJson;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.cluster.HolderLease;
import io.dirigent.core.cluster.NodeLeases;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.testing.Await;
import io.dirigent.core.testing.TestNodes;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The kubernetes Service's Endpoints follow the API servers whose members are Up. */
class ApiServerEndpointsControllerTest {

  private ClusterNode member;
  private final FakeMembers members = new FakeMembers();
  private final Cache cache = new Cache();
  private ApiServerEndpointsController controller;

  @BeforeEach
  void start() {
    member = TestNodes.memory();
    controller = new ApiServerEndpointsController(member.store(), members, Duration.ofSeconds(2));
  }

  @AfterEach
  void stop() {
    member.close();
  }

  /** An API server at {@code endpoint} on member {@code memberAddress}, which is Up. */
  private void apiServer(String name, String endpoint, String memberAddress) {
    Await.result(member.store().create(new LeaseBuilder().withNewMetadata().withName(name).withNamespace("kube-system")
        .withLabels(Map.of(HolderLease.API_SERVER_IDENTITY, "kube-apiserver"))
        .withAnnotations(Map.of(HolderLease.API_ENDPOINT, endpoint, NodeLeases.MEMBER, memberAddress)).endMetadata()
        .withNewSpec().withHolderIdentity(name + "_1").withLeaseDurationSeconds(15).withRenewTime(ZonedDateTime.now()).endSpec().build()));
    members.evidence.put(memberAddress, MemberView.Evidence.UP);
  }

  private void refresh(Class<? extends HasMetadata> kind, String namespace) {
    cache.replace(kind, Await.result(member.store().list(kind, ListOptions.of(ObjectFilter.inNamespace(namespace)))).items());
  }

  private Set<String> reconciled() {
    refresh(Service.class, "default");
    refresh(Endpoints.class, "default");
    refresh(Lease.class, "kube-system");
    Await.result(controller.reconcile(ApiServerEndpointsController.KEY, cache));
    Set<String> listed = new TreeSet<>();
    try {
      Endpoints endpoints = Await.result(member.store().get(Endpoints.class, "default", "kubernetes"));
      endpoints.getSubsets().forEach(subset -> subset.getAddresses().forEach(address -> listed.add(address.getIp() + ":" + subset.getPorts().get(0).getPort())));
    } catch (AssertionError | RuntimeException none) {
      // no Endpoints yet
    }
    return listed;
  }

  @Test
  void theEndpointsListTheApiServersWhoseMembersAreUpAndFollowThem() {
    assertThat(Await.result(member.store().get(Service.class, "default", "kubernetes")).getSpec().getPorts().get(0).getPort())
        .as("every cluster has the kubernetes Service").isEqualTo(443);
    apiServer("apiserver-a", "10.0.0.11:6443", "pekko://dirigent@10.0.0.11:2551");
    apiServer("apiserver-b", "10.0.0.12:6443", "pekko://dirigent@10.0.0.12:2551");
    apiServer("apiserver-local", "127.0.0.1:6443", "pekko://dirigent@127.0.0.1:2551");
    assertThat(reconciled()).as("loopback addresses may not be endpoints").isEqualTo(Set.of("10.0.0.11:6443", "10.0.0.12:6443"));

    members.evidence.put("pekko://dirigent@10.0.0.12:2551", MemberView.Evidence.GONE);
    assertThat(reconciled()).as("a downed member's API server is gone from the list").isEqualTo(Set.of("10.0.0.11:6443"));

    members.impaired = "control-plane member pekko://dirigent@10.0.0.13:2551 is unreachable";
    members.evidence.put("pekko://dirigent@10.0.0.11:2551", MemberView.Evidence.UNREACHABLE);
    assertThat(reconciled()).as("nothing changes while this member's view is in doubt").isEqualTo(Set.of("10.0.0.11:6443"));

    members.impaired = null;
    members.evidence.put("pekko://dirigent@10.0.0.11:2551", MemberView.Evidence.UP);
    members.evidence.put("pekko://dirigent@10.0.0.12:2551", MemberView.Evidence.UP);
    assertThat(reconciled()).as("back when its member is").isEqualTo(Set.of("10.0.0.11:6443", "10.0.0.12:6443"));
    assertThat(KubeJson.name(Await.result(member.store().list(Endpoints.class, ListOptions.of(ObjectFilter.inNamespace("default")))).items().get(0)))
        .isEqualTo("kubernetes");
  }
}
