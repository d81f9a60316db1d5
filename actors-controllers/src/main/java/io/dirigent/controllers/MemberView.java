package io.dirigent.controllers;

import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * What the Pekko cluster knows about its members, as the node lifecycle controller weighs it: a
 * node agent that missed its Lease may be on a member that is still Up (a busy host, a slow store),
 * unreachable (not yet decided), leaving (a restart) or downed and gone (its failure is certain).
 * Read from this member's current view, which is a snapshot any thread may take.
 */
interface MemberView {

  /** What is known of one member. */
  enum Evidence {
    /** Up (or joining) and reachable from here. */
    UP,
    /** Leaving or exiting the cluster gracefully. */
    LEAVING,
    /** Unreachable from here, and not (yet) downed. */
    UNREACHABLE,
    /** Downed, or removed from the cluster without leaving: its failure is certain. */
    GONE
  }

  /** The evidence about the member at {@code address} (as {@link org.apache.pekko.actor.Address#toString()}). */
  Evidence of(String address);

  /**
   * Why this member's own view of the cluster cannot be trusted to decide evictions now (it is not
   * Up, or a control-plane member is unreachable from it: it may be the one cut off); empty when
   * it can.
   */
  Optional<String> impaired();

  /** The view of the member {@code system} runs on; control-plane members are those with {@code controlPlaneRole}. */
  static MemberView of(ActorSystem<?> system, String controlPlaneRole) {
    Cluster cluster = Cluster.get(system);
    return new MemberView() {
      @Override
      public Evidence of(String address) {
        ClusterEvent.CurrentClusterState state = cluster.state();
        Evidence best = Evidence.GONE;
        // A restarted member has the address of its earlier incarnation: the liveliest one counts.
        for (Member member : state.getMembers()) {
          if (member.address().toString().equals(address)) {
            Evidence evidence = evidence(member, state.getUnreachable().contains(member));
            best = evidence.ordinal() < best.ordinal() ? evidence : best;
          }
        }
        return best;
      }

      @Override
      public Optional<String> impaired() {
        Member self = cluster.selfMember();
        if (self.status() != MemberStatus.up()) {
          return Optional.of("this member is " + self.status());
        }
        for (Member member : cluster.state().getUnreachable()) {
          if (member.hasRole(controlPlaneRole)) {
            return Optional.of("control-plane member " + member.address() + " is unreachable");
          }
        }
        return Optional.empty();
      }
    };
  }

  private static Evidence evidence(Member member, boolean unreachable) {
    MemberStatus status = member.status();
    if (status == MemberStatus.down() || status == MemberStatus.removed()) {
      return Evidence.GONE;
    }
    if (status == MemberStatus.leaving() || status == MemberStatus.exiting()) {
      return Evidence.LEAVING;
    }
    return unreachable ? Evidence.UNREACHABLE : Evidence.UP;
  }
}
