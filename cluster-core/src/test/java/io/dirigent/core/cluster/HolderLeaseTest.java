package io.dirigent.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.core.testing.Await;
import io.dirigent.core.testing.TestNodes;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Leases that say who leads: taken, renewed, and counted in leaseTransitions when the holder changes. */
class HolderLeaseTest {

  private static ClusterNode member;

  @BeforeAll
  static void start() {
    member = TestNodes.memory();
  }

  @AfterAll
  static void stop() {
    member.close();
  }

  private static HolderLease.Spec spec(String name, String identity) {
    return new HolderLease.Spec(name, identity, Duration.ofSeconds(15), Duration.ofSeconds(2), Map.of(), Map.of());
  }

  @Test
  void theFirstHolderTakesTheLeaseRenewsItAndASecondHolderCountsATransition() {
    String name = "leader-" + System.nanoTime();
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Lease taken = Await.result(HolderLease.write(member.store(), spec(name, "a_1"), t0));
    assertThat(taken.getSpec().getHolderIdentity()).isEqualTo("a_1");
    assertThat(taken.getSpec().getLeaseTransitions()).isZero();
    assertThat(taken.getSpec().getLeaseDurationSeconds()).isEqualTo(15);
    assertThat(taken.getSpec().getAcquireTime().toInstant()).isEqualTo(t0);

    Lease renewed = Await.result(HolderLease.write(member.store(), spec(name, "a_1"), t0.plusSeconds(2)));
    assertThat(renewed.getSpec().getRenewTime().toInstant()).isEqualTo(t0.plusSeconds(2));
    assertThat(renewed.getSpec().getAcquireTime().toInstant()).as("still the first acquisition").isEqualTo(t0);
    assertThat(renewed.getSpec().getLeaseTransitions()).isZero();

    Lease handedOver = Await.result(HolderLease.write(member.store(), spec(name, "b_2"), t0.plusSeconds(20)));
    assertThat(handedOver.getSpec().getHolderIdentity()).isEqualTo("b_2");
    assertThat(handedOver.getSpec().getAcquireTime().toInstant()).isEqualTo(t0.plusSeconds(20));
    assertThat(handedOver.getSpec().getLeaseTransitions()).isEqualTo(1);
  }

  @Test
  void theSchedulerSingletonPublishesItsLeaseInKubeSystem() {
    io.dirigent.core.store.Store asScheduler = member.store().as(io.dirigent.core.auth.Callers.get(member.system())
        .component(io.dirigent.core.auth.Caller.SCHEDULER));
    member.system().systemActorOf(HolderLease.create(asScheduler, HolderLease.leader(member.system(), "kube-scheduler"), java.time.Clock.systemUTC()),
        "lease-test-" + System.nanoTime(), org.apache.pekko.actor.typed.Props.empty());
    Await.until("the kube-scheduler Lease held by this member", Duration.ofSeconds(10), () -> {
      try {
        Lease lease = Await.result(member.store().get(Lease.class, "kube-system", "kube-scheduler"));
        return lease.getSpec().getHolderIdentity().startsWith(
            org.apache.pekko.cluster.typed.Cluster.get(member.system()).selfMember().address().host().get() + ":");
      } catch (AssertionError | RuntimeException notYet) {
        return false;
      }
    });
  }
}
