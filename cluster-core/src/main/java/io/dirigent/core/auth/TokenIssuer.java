package io.dirigent.core.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.CborSerializable;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * Issues the tokens that pods' projected volumes carry (the kubelet's TokenRequest, for node
 * agents, which reach the control plane through the cluster rather than the API): runs on
 * control-plane members, which hold the signing key, and answers only for a pod that exists with
 * the uid asked about, is bound to the asking node and runs as the account named. Stateless: each
 * request's checks run on the store's futures and answer from there.
 */
public final class TokenIssuer {

  /** How node agents find an issuer. */
  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "dirigent-token-issuer");
  /** A token volume's token asked for with Kubernetes' 3607 s lives this long (bound to its pod). */
  static final Duration EXTENDED = Duration.ofDays(365);

  public sealed interface Command extends CborSerializable {}

  /** A token for the pod's account, bound to the pod, for {@code audiences}; asked by the agent of the pod's node. */
  public record IssuePodToken(String namespace, String pod, String podUid, Caller caller, List<String> audiences, long expirationSeconds,
      ActorRef<Issued> replyTo) implements Command {
    public IssuePodToken {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(pod, "pod");
      audiences = List.copyOf(audiences);
    }
  }

  /** The token and when it expires, or why there is none. */
  public record Issued(String token, Instant expires, String error) implements CborSerializable {}

  private TokenIssuer() {}

  /** The issuer, registered with the receptionist under {@link #KEY}. */
  public static Behavior<Command> create(Store store, ServiceAccountTokens tokens) {
    return Behaviors.setup(context -> {
      context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
      Callers callers = Callers.get(context.getSystem());
      return Behaviors.receive(Command.class)
          .onMessage(IssuePodToken.class, request -> {
            if (callers.verify(request.caller())) {
              issue(store, tokens, request);
            } else {
              context.getLog().warn("token refused pod={}/{} caller={}: not a genuine caller", request.namespace(), request.pod(), request.caller());
              request.replyTo().tell(new Issued("", null, "no token for pod %s/%s: the cluster does not know %s"
                  .formatted(request.namespace(), request.pod(), request.caller() == null ? "the asking member" : request.caller().user())));
            }
            return Behaviors.same();
          })
          .build();
    });
  }

  private static void issue(Store store, ServiceAccountTokens tokens, IssuePodToken request) {
    var pods = store.registry().byResource("pods").orElseThrow();
    var accounts = store.registry().byResource("serviceaccounts").orElseThrow();
    store.get(pods, request.namespace(), request.pod()).thenCompose(pod -> {
      String refusal = refusal(pod, request);
      if (refusal != null) {
        throw new IllegalArgumentException(refusal);
      }
      String account = pod.path("spec").path("serviceAccountName").asText(DEFAULT);
      return store.get(accounts, request.namespace(), account).thenApply(found -> {
        Duration asked = Duration.ofSeconds(Math.max(request.expirationSeconds(), ServiceAccountTokens.MIN_EXPIRATION.toSeconds()));
        // Kubernetes' extended expiration: the token volume's 3607 s becomes long-lived, as it dies with its pod anyway.
        Duration lifetime = request.expirationSeconds() == ServiceAccountAdmission.TOKEN_EXPIRATION_SECONDS ? EXTENDED
            : asked.compareTo(ServiceAccountTokens.MAX_EXPIRATION) > 0 ? ServiceAccountTokens.MAX_EXPIRATION : asked;
        Instant expires = Instant.now().plus(lifetime);
        List<String> audiences = request.audiences().isEmpty() ? List.of(ServiceAccountTokens.ISSUER) : request.audiences();
        String token = tokens.issue(new ServiceAccountTokens.Claims(request.namespace(), account, KubeJson.uid(found), request.pod(),
            request.podUid(), audiences, expires));
        return new Issued(token, expires, "");
      });
    }).whenComplete((issued, failure) -> request.replyTo().tell(failure == null ? issued
        : new Issued("", null, "no token for pod %s/%s: %s".formatted(request.namespace(), request.pod(),
            (failure.getCause() != null ? failure.getCause() : failure).getMessage()))));
  }

  private static final String DEFAULT = "default";

  private static String refusal(ObjectNode pod, IssuePodToken request) {
    if (!KubeJson.uid(pod).equals(request.podUid())) {
      return "the pod's uid is " + KubeJson.uid(pod) + ", not " + request.podUid();
    }
    String node = request.caller().nodeName();
    if (node == null || node.isEmpty() || !pod.path("spec").path("nodeName").asText("").equals(node)) {
      return "the pod is not bound to node " + node + " (" + request.caller().user() + " asked)";
    }
    if (!KubeJson.meta(pod, "deletionTimestamp").isEmpty()) {
      return "the pod is being deleted";
    }
    return null;
  }
}
