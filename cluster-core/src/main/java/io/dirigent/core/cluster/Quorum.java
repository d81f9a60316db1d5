package io.dirigent.core.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Whether this member is on the side of the cluster that the split brain resolver keeps: it sees a
 * majority of the control-plane members (the resolver's keep-majority, counted on that role) Up
 * and reachable — on a tie, the half with the lowest address. A member that is not may be the one
 * cut off, about to be downed while the others take over its objects: it must not acknowledge a
 * write, and is not ready.
 */
@FunctionalInterface
public interface Quorum {

  /** A quorum that is always there: a single member, or a test. */
  Quorum ALWAYS = Optional::empty;

  /** Why this member lacks the quorum now; empty when it has it. */
  Optional<String> lacking();

  /**
   * This, and then {@code next} (a journal that must answer too): the first reason either gives.
   * What a control-plane member needs to take writes and to say it is ready.
   */
  default Quorum and(Quorum next) {
    return () -> lacking().or(next::lacking);
  }

  /** The quorum of {@code system}'s member among the members with {@code role}, from its current view of the cluster. */
  static Quorum of(ActorSystem<?> system, String role) {
    Cluster cluster = Cluster.get(system);
    return () -> {
      Member self = cluster.selfMember();
      if (self.status() != MemberStatus.up() && self.status() != MemberStatus.leaving()) {
        return Optional.of("this member is " + self.status() + ", not Up");
      }
      ClusterEvent.CurrentClusterState state = cluster.state();
      Set<Member> unreachable = state.getUnreachable();
      List<Member> voters = new ArrayList<>();
      for (Member member : state.getMembers()) {
        if (member.hasRole(role) && counts(member.status())) {
          voters.add(member);
        }
      }
      voters.sort(Member.ordering());
      int reachable = (int) voters.stream().filter(member -> !unreachable.contains(member)).count();
      boolean lowestReachable = !voters.isEmpty() && !unreachable.contains(voters.get(0));
      return lacking(voters.size(), reachable, lowestReachable);
    };
  }

  /** Members the resolver counts: not joining, not downed or gone. */
  private static boolean counts(MemberStatus status) {
    return status == MemberStatus.up() || status == MemberStatus.leaving() || status == MemberStatus.exiting();
  }

  /**
   * Why {@code reachable} of {@code voters} members (the lowest-addressed among them reachable or
   * not) are no quorum; empty when they are one.
   */
  static Optional<String> lacking(int voters, int reachable, boolean lowestReachable) {
    if (voters == 0) {
      return Optional.of("no control-plane member is Up");
    }
    if (reachable * 2 > voters || (reachable * 2 == voters && lowestReachable)) {
      return Optional.empty();
    }
    return Optional.of("this member reaches %d of %d control-plane members, not a majority".formatted(reachable, voters));
  }
}
