package io.dirigent.node;

import io.dirigent.core.auth.Caller;
import io.dirigent.core.auth.TokenIssuer;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * Where a node agent gets its pods' ServiceAccount tokens: from a control-plane member's
 * {@link TokenIssuer} (found through the receptionist, this member's own first), which signs them
 * only for pods bound to this node.
 */
final class PodTokens {

  private final ActorSystem<?> system;
  private final Caller node;
  private final Duration timeout;

  /** Tokens asked for as {@code node}, the agent's own credential. */
  PodTokens(ActorSystem<?> system, Caller node, Duration timeout) {
    this.system = system;
    this.node = node;
    this.timeout = timeout;
  }

  /** A token for {@code pod}'s account, bound to it. */
  CompletionStage<String> token(Pod pod, List<String> audiences, long expirationSeconds) {
    return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
            replyTo -> Receptionist.find(TokenIssuer.KEY, replyTo), timeout, system.scheduler())
        .thenCompose(listing -> {
          // Only a control-plane member's issuer: anyone may register with the receptionist, and a
          // worker posing as an issuer would collect this node's credential.
          var controlPlane = new java.util.HashSet<org.apache.pekko.actor.Address>();
          org.apache.pekko.cluster.typed.Cluster.get(system).state().getMembers().forEach(member -> {
            if (member.hasRole(io.dirigent.core.cluster.ClusterNode.CONTROL_PLANE) && member.status() == org.apache.pekko.cluster.MemberStatus.up()) {
              controlPlane.add(member.address());
            }
          });
          var self = org.apache.pekko.cluster.typed.Cluster.get(system).selfMember().address();
          var issuers = listing.getServiceInstances(TokenIssuer.KEY).stream()
              .filter(ref -> controlPlane.contains(ref.path().address().hasLocalScope() ? self : ref.path().address()))
              .toList();
          if (issuers.isEmpty()) {
            return CompletableFuture.failedFuture(new ContainerSpecs.ConfigError("no control-plane member issues ServiceAccount tokens yet"));
          }
          var issuer = issuers.stream().filter(ref -> ref.path().address().hasLocalScope()).findFirst().orElse(issuers.iterator().next());
          return AskPattern.<TokenIssuer.Command, TokenIssuer.Issued>ask(issuer,
              replyTo -> new TokenIssuer.IssuePodToken(pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
                  pod.getMetadata().getUid(), node, audiences, expirationSeconds, replyTo), timeout, system.scheduler());
        })
        .thenApply(issued -> {
          if (!issued.error().isEmpty()) {
            throw new ContainerSpecs.ConfigError(issued.error());
          }
          return issued.token();
        });
  }
}
