package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.testing.Await;
import io.dirigent.core.testing.Cassandra;
import io.dirigent.core.testing.TestNodes;
import io.dirigent.node.NodeAgents;
import io.dirigent.node.NodeSettings;
import io.dirigent.node.runtime.SimulatedRuntime;
import io.dirigent.scheduler.Scheduler;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;

/**
 * Leader election for real: three control-plane members in one cluster on a shared Cassandra,
 * each starting the scheduler and controller-manager singletons. The member that hosts them
 * leaves; they start on another, rebuild from the store, and carry on — a scale-up after the
 * hand-over is scheduled and run, and no pod is created twice.
 */
class SingletonFailoverIT {

  @Test
  void theSingletonsMoveWhenTheirMemberLeavesAndCreateNoDuplicates() throws Exception {
    Cassandra.ensureRunning();
    String keyspace = "failover_" + Long.toString(System.nanoTime() % 1_000_000, 36);
    ClusterNode first = TestNodes.start(member(keyspace, List.of(), List.of("control-plane")));
    var address = Cluster.get(first.system()).selfMember().address();
    List<String> seeds = List.of(address.host().get() + ":" + address.port().get());
    List<ClusterNode> members = new ArrayList<>(List.of(first));
    SimulatedRuntime runtime = new SimulatedRuntime(Clock.systemUTC());
    NodeAgents agents = null;
    try {
      for (int i = 0; i < 2; i++) {
        ClusterNode joining = ClusterNode.start(first.system().name(), member(keyspace, seeds, List.of("control-plane", "worker"))
            .withFallback(TestNodes.testSettings()));
        joining.ready().toCompletableFuture().get(90, TimeUnit.SECONDS);
        members.add(joining);
      }
      for (ClusterNode member : members) {
        Scheduler.init(member.system(), member.store());
        ControllerManager.init(member.system(), member.store());
      }
      ClusterNode worker = members.get(2);
      agents = NodeAgents.create(worker.system(), worker.store(), Clock.systemUTC());
      NodeSettings base = NodeSettings.from(worker.system().settings().config());
      agents.startSimulated(2, runtime, i -> base.withName(keyspace.replace('_', '-') + "-" + i));

      ClusterNode client = members.get(1);
      String ns = keyspace.replace('_', '-');
      Await.result(client.store().create(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()));
      Await.result(client.store().create(new DeploymentBuilder().withNewMetadata().withName("web").withNamespace(ns).endMetadata()
          .withNewSpec().withReplicas(3).withNewSelector().addToMatchLabels("app", "web").endSelector()
          .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
          .withNewSpec().addNewContainer().withName("app").withImage("dirigent/busybox:1").endContainer().endSpec().endTemplate()
          .endSpec().build()));
      Await.until("three pods running", Duration.ofSeconds(90), () -> running(client, ns) == 3);

      // The oldest member hosts the singletons; it leaves.
      first.close();
      members.remove(first);

      // The shards the member hosted move too: writes time out until they have, as a client sees.
      Await.until("the scale-up written", Duration.ofSeconds(60), () -> client.store().get(Deployment.class, ns, "web")
          .thenCompose(d -> {
            d.getSpec().setReplicas(5);
            d.getMetadata().setResourceVersion(null);
            return client.store().update(d);
          }).toCompletableFuture().handle((done, failure) -> failure == null).join());
      Await.until("five pods running after the hand-over", Duration.ofSeconds(120), () -> running(client, ns) == 5);
      // Once the moved controllers say they have seen it all, no duplicate was created: had one
      // been, the ReplicaSet would have had a surplus to delete.
      Await.untilQuietly("the Deployment and its ReplicaSet report five pods at their generation", Duration.ofSeconds(60), () -> settled(client, ns, 5));
      List<Pod> pods = Await.result(client.store().list(Pod.class, ListOptions.of(ObjectFilter.inNamespace(ns)))).items(Pod.class);
      assertThat(pods).as("five pods, none being deleted").hasSize(5).allSatisfy(p -> assertThat(p.getMetadata().getDeletionTimestamp()).isNull());
      assertThat(Await.result(client.store().list(Event.class, ListOptions.of(ObjectFilter.inNamespace(ns)))).items(Event.class))
          .as("no surplus pod deleted").noneMatch(e -> "SuccessfulDelete".equals(e.getReason()));
    } finally {
      if (agents != null) {
        agents.close();
      }
      runtime.close();
      for (ClusterNode member : members) {
        member.close();
      }
    }
  }

  private static Config member(String keyspace, List<String> seeds, List<String> roles) {
    return ConfigFactory.parseMap(Map.of(
        "dirigent.store.plugin", "cassandra",
        "dirigent.cassandra.keyspace", keyspace,
        "dirigent.cluster.seed-nodes", seeds,
        "dirigent.cluster.roles", roles));
  }

  /** Whether the Deployment and its one ReplicaSet have observed their current generation, with {@code replicas} available. */
  private static boolean settled(ClusterNode member, String namespace, int replicas) throws Exception {
    Deployment d = member.store().get(Deployment.class, namespace, "web").toCompletableFuture().get(10, TimeUnit.SECONDS);
    List<ReplicaSet> sets = member.store().list(ReplicaSet.class, ListOptions.of(ObjectFilter.inNamespace(namespace)))
        .toCompletableFuture().get(10, TimeUnit.SECONDS).items(ReplicaSet.class);
    if (d.getStatus() == null || sets.size() != 1 || sets.get(0).getStatus() == null) {
      return false;
    }
    var status = d.getStatus();
    var rs = sets.get(0);
    return d.getMetadata().getGeneration().equals(status.getObservedGeneration())
        && Integer.valueOf(replicas).equals(status.getReplicas()) && Integer.valueOf(replicas).equals(status.getUpdatedReplicas())
        && Integer.valueOf(replicas).equals(status.getAvailableReplicas())
        && rs.getMetadata().getGeneration().equals(rs.getStatus().getObservedGeneration())
        && Integer.valueOf(replicas).equals(rs.getStatus().getReplicas());
  }

  private static long running(ClusterNode member, String namespace) {
    return Await.result(member.store().list(Pod.class, ListOptions.of(ObjectFilter.inNamespace(namespace)))).items(Pod.class).stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null && p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
        .count();
  }
}
