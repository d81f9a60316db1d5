package io.dirigent.node;

import io.dirigent.core.auth.Caller;
import io.dirigent.core.auth.TokenIssuer;
import io.dirigent.core.cluster.ControlPlaneServices;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

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
    return ControlPlaneServices.find(system, TokenIssuer.KEY, timeout)
        .thenCompose(issuers -> {
          if (issuers.isEmpty()) {
            return CompletableFuture.failedFuture(new ContainerSpecs.ConfigError("no control-plane member issues ServiceAccount tokens yet"));
          }
          return AskPattern.<TokenIssuer.Command, TokenIssuer.Issued>ask(issuers.get(0),
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
