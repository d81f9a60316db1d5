package io.dirigent.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.auth.CallerKey;
import io.dirigent.core.auth.Callers;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.pki.ClusterPki;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import io.dirigent.core.validation.NameRules;
import io.fabric8.kubernetes.api.model.Node;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.PathMatcher0;
import org.apache.pekko.http.javadsl.server.PathMatchers;

/**
 * {@code POST /apis/dirigent.io/v1/memberjoins}: what a new member needs to join, for a sender
 * RBAC lets {@code create} memberjoins (a bootstrap token's holder, through
 * {@code system:node-bootstrapper}): a member certificate of the cluster's authority for the name
 * it asks, the authority's certificate, its store credential as the agent of the Node of that name
 * (a worker is that Node and nothing more), and the control-plane members to join through. Served
 * only over TLS, where there is an authority.
 */
final class MemberJoins {

  /** {@code /apis/dirigent.io/v1/memberjoins}, as the routes match it. */
  static final PathMatcher0 PATH = PathMatchers.segment("apis").slash("dirigent.io").slash("v1").slash("memberjoins");

  private final ActorSystem<?> system;
  private final Store store;
  private final Optional<ClusterPki> authority;
  private final RequestBodies bodies;

  MemberJoins(ActorSystem<?> system, Store store, Optional<ClusterPki> authority, RequestBodies bodies) {
    this.system = system;
    this.store = store;
    this.authority = authority;
    this.bodies = bodies;
  }

  /** Answers a POST on {@link #PATH}. */
  CompletionStage<HttpResponse> handle(HttpRequest request) {
    ClusterPki pki = authority.orElseThrow(() -> StoreError.of(StoreError.Reason.NOT_FOUND,
        "members join over TLS only: this server has no cluster authority").toException());
    return bodies.optional(request).thenCompose(body -> {
      String name = body.map(join -> join.path("name").asText("")).orElse("");
      var problems = NameRules.NameRule.DNS1123_SUBDOMAIN.check(name);
      if (name.isEmpty() || !problems.isEmpty()) {
        throw StoreError.of(StoreError.Reason.BAD_REQUEST, "name: the member's name must be a DNS subdomain"
            + (problems.isEmpty() ? "" : ": " + problems.get(0))).toException();
      }
      return unregistered(name);
    }).thenApply(name -> {
      ClusterPki.Issued issued;
      try {
        issued = pki.issueMember(name, java.util.List.of(ClusterNode.WORKER));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      ObjectNode answer = KubeJson.MAPPER.createObjectNode().put("kind", "MemberJoin").put("apiVersion", "dirigent.io/v1");
      answer.putObject("metadata").put("name", name);
      ObjectNode status = answer.putObject("status")
          .put("certificate", ClusterPki.pem(issued.certificate()))
          .put("key", ClusterPki.pem(issued.key()))
          .put("authority", pki.caPem());
      // The member's store credential: it acts as the agent of the Node it named, and only that.
      Callers.get(system).key().ifPresent(key -> status.set("credential", CallerKey.toJson(key.node(name))));
      var seeds = status.putArray("seedNodes");
      Cluster.get(system).state().getMembers().forEach(member -> {
        if (member.status() == MemberStatus.up() && member.hasRole(ClusterNode.CONTROL_PLANE)) {
          seeds.add(member.address().host().get() + ":" + member.address().port().get());
        }
      });
      system.log().info("member certificate issued name={}", name);
      return Responses.json(201, answer);
    });
  }

  /**
   * {@code name}, when no Node has it: a join makes its member that Node's agent, and must not
   * hand a newcomer an existing Node's identity (its pods, and the Secrets they use), as
   * {@code kubeadm join} refuses the name of a Node that exists.
   */
  private CompletionStage<String> unregistered(String name) {
    return store.get(Node.class, null, name).handle((node, failure) -> {
      Throwable cause = failure == null ? null : StoreException.cause(failure);
      if (cause instanceof StoreException e && e.reason() == StoreError.Reason.NOT_FOUND) {
        return name;
      }
      if (cause != null) {
        throw cause instanceof StoreException e ? e : new java.util.concurrent.CompletionException(cause);
      }
      throw StoreError.of(StoreError.Reason.ALREADY_EXISTS, ("a Node named \"%s\" is registered already: a joining member may not take it "
          + "(delete the Node first if this host replaces it, or join with another --node-name)").formatted(name)).toException();
    });
  }
}
