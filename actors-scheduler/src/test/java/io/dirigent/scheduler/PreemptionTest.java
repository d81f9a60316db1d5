package io.dirigent.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which node a pod no node takes would free, and whom it would evict there: after Kubernetes' default_preemption_test.go. */
class PreemptionTest {

  private final Preemption preemption = new Preemption(SchedulingAlgorithm.defaults().filters());

  private static PodInfo pod(String name, String cpu, int priority, String started) {
    PodBuilder pod = Fixtures.pod(name, cpu, null).editSpec().withPriority(priority).endSpec();
    if (started != null) {
      pod.withNewStatus().withStartTime(started).endStatus();
    }
    return Fixtures.info(pod);
  }

  private static NodeInfo node(String name, int cpus, PodInfo... pods) {
    NodeInfo node = Fixtures.info(Fixtures.node(name, cpus, 8));
    for (PodInfo pod : pods) {
      node.add(pod);
    }
    return node;
  }

  private static List<String> victims(Optional<Preemption.Candidate> candidate) {
    return candidate.orElseThrow().victims().stream().map(victim -> victim.key().substring("default/".length())).toList();
  }

  @Test
  void onlyAsManyLowerPriorityPodsGoAsMakeRoomAndTheOlderOneStays() {
    NodeInfo full = node("n1", 2, pod("old", "1", 1, "2026-01-01T00:00:00Z"), pod("new", "1", 1, "2026-06-01T00:00:00Z"));
    Optional<Preemption.Candidate> candidate = preemption.find(pod("urgent", "1", 100, null), List.of(full));
    assertThat(candidate.orElseThrow().node()).isEqualTo("n1");
    assertThat(victims(candidate)).containsExactly("new");
  }

  @Test
  void podsOfTheSameOrAHigherPriorityAreNeverVictims() {
    NodeInfo full = node("n1", 2, pod("peer", "1", 100, null), pod("boss", "1", 500, null));
    assertThat(preemption.find(pod("urgent", "1", 100, null), List.of(full))).isEmpty();
  }

  @Test
  void theNodeWhoseVictimsMatterLeastIsChosen() {
    NodeInfo important = node("n1", 1, pod("a", "1", 50, null));
    NodeInfo cheap = node("n2", 1, pod("b", "1", 10, null));
    NodeInfo many = node("n3", 2, pod("c", "1", 10, null), pod("d", "1", 10, null));
    Optional<Preemption.Candidate> candidate = preemption.find(pod("urgent", "2", 100, null), List.of(important, cheap, many));
    assertThat(candidate.orElseThrow().node()).as("n1 and n2 are too small even emptied; n3 needs both").isEqualTo("n3");
    assertThat(victims(candidate)).containsExactlyInAnyOrder("c", "d");
    Optional<Preemption.Candidate> small = preemption.find(pod("urgent", "1", 100, null), List.of(important, cheap, many));
    assertThat(small.orElseThrow().node()).as("the lowest highest victim priority, then the fewest victims").isEqualTo("n2");
  }

  @Test
  void evictingAllLowerPodsWithoutRoomEnoughFreesNothing() {
    NodeInfo small = node("n1", 1, pod("low", "500m", 1, null));
    assertThat(preemption.find(pod("urgent", "2", 100, null), List.of(small))).isEmpty();
  }

  @Test
  void aNodeThePodCannotRunOnWhateverGoesIsNotACandidate() {
    NodeInfo full = node("n1", 1, pod("low", "1", 1, null));
    PodInfo elsewhere = Fixtures.info(Fixtures.pod("urgent", "1", null).editSpec().withPriority(100)
        .addToNodeSelector("kubernetes.io/hostname", "n2").endSpec());
    assertThat(preemption.find(elsewhere, List.of(full))).isEmpty();
  }

  @Test
  void aPodThatNeverPreemptsEvictsNoOne() {
    NodeInfo full = node("n1", 1, pod("low", "1", 1, null));
    PodInfo polite = Fixtures.info(Fixtures.pod("urgent", "1", null).editSpec().withPriority(100).withPreemptionPolicy("Never").endSpec());
    assertThat(preemption.find(polite, List.of(full))).isEmpty();
    assertThat(preemption.find(pod("urgent", "1", 100, null), List.of(full))).isPresent();
  }
}
