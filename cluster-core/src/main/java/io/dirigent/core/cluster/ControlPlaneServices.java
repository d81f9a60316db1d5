package io.dirigent.core.cluster;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The instances of a service that only control-plane members run (token and certificate
 * issuers), found through the receptionist. Any member may register anything there, and a worker
 * posing as an issuer would collect the credentials sent to it: only registrations on Up
 * control-plane members count.
 */
public final class ControlPlaneServices {

  private ControlPlaneServices() {}

  /** The control-plane members' instances of {@code key}, this member's own first. */
  public static <T> CompletionStage<List<ActorRef<T>>> find(ActorSystem<?> system, ServiceKey<T> key, Duration timeout) {
    return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
            replyTo -> Receptionist.find(key, replyTo), timeout, system.scheduler())
        .thenApply(listing -> {
          Cluster cluster = Cluster.get(system);
          Address self = cluster.selfMember().address();
          Set<Address> controlPlane = new HashSet<>();
          cluster.state().getMembers().forEach(member -> {
            if (member.hasRole(ClusterNode.CONTROL_PLANE) && member.status() == MemberStatus.up()) {
              controlPlane.add(member.address());
            }
          });
          return listing.getServiceInstances(key).stream()
              .filter(ref -> controlPlane.contains(ref.path().address().hasLocalScope() ? self : ref.path().address()))
              .sorted(Comparator.comparing(ref -> !ref.path().address().hasLocalScope()))
              .toList();
        });
  }
}
