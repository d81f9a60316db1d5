package io.dirigent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.auth.AccessRequest;
import io.dirigent.core.auth.Rule;
import io.dirigent.core.auth.UserInfo;
import io.dirigent.core.store.StoreError;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * The review APIs, which store nothing and answer questions about identity and access:
 * SelfSubjectReview ({@code kubectl auth whoami}), SelfSubjectAccessReview and
 * SelfSubjectRulesReview ({@code kubectl auth can-i}, with {@code --list}), SubjectAccessReview
 * and LocalSubjectAccessReview (may someone else do this?), and TokenReview (whose is this
 * token? — asked by webhook authenticators and proxies that check their callers).
 */
final class AccessReviews {

  private static final String AUTHENTICATION = "/apis/authentication.k8s.io/v1/";
  private static final String AUTHORIZATION = "/apis/authorization.k8s.io/v1/";

  private final Authorizer authorizer;
  private final Authenticator authenticator;
  private final RequestBodies bodies;

  AccessReviews(Authorizer authorizer, Authenticator authenticator, RequestBodies bodies) {
    this.authorizer = authorizer;
    this.authenticator = authenticator;
    this.bodies = bodies;
  }

  /** The kind of review {@code path} names, if it names one. */
  static Optional<String> kind(String path) {
    return review(path).map(Review::kind);
  }

  private record Review(String kind, String apiVersion, String namespace) {}

  private static Optional<Review> review(String path) {
    if (path.equals(AUTHENTICATION + "selfsubjectreviews")) {
      return Optional.of(new Review("SelfSubjectReview", "authentication.k8s.io/v1", ""));
    }
    if (path.equals(AUTHENTICATION + "tokenreviews")) {
      return Optional.of(new Review("TokenReview", "authentication.k8s.io/v1", ""));
    }
    if (!path.startsWith(AUTHORIZATION)) {
      return Optional.empty();
    }
    String rest = path.substring(AUTHORIZATION.length());
    return switch (rest) {
      case "selfsubjectaccessreviews" -> Optional.of(new Review("SelfSubjectAccessReview", "authorization.k8s.io/v1", ""));
      case "subjectaccessreviews" -> Optional.of(new Review("SubjectAccessReview", "authorization.k8s.io/v1", ""));
      case "selfsubjectrulesreviews" -> Optional.of(new Review("SelfSubjectRulesReview", "authorization.k8s.io/v1", ""));
      default -> {
        String[] parts = rest.split("/");
        yield parts.length == 3 && parts[0].equals("namespaces") && parts[2].equals("localsubjectaccessreviews")
            ? Optional.of(new Review("LocalSubjectAccessReview", "authorization.k8s.io/v1", parts[1])) : Optional.empty();
      }
    };
  }

  /** Answers the POST of a review on a path {@link #kind} names. */
  CompletionStage<HttpResponse> handle(HttpRequest request, UserInfo user) {
    Review review = review(request.getUri().path()).orElseThrow();
    return bodies.optional(request).thenCompose(body -> {
      ObjectNode answer = body.orElseGet(KubeJson.MAPPER::createObjectNode).deepCopy();
      answer.put("kind", review.kind()).put("apiVersion", review.apiVersion());
      ObjectNode metadata = answer.has("metadata") && answer.get("metadata").isObject() ? (ObjectNode) answer.get("metadata") : answer.putObject("metadata");
      metadata.put("creationTimestamp", java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
      ObjectNode spec = answer.path("spec").isObject() ? (ObjectNode) answer.get("spec") : answer.putObject("spec");
      return switch (review.kind()) {
        case "SelfSubjectReview" -> {
          answer.remove("spec");
          answer.putObject("status").set("userInfo", userInfo(user));
          yield CompletableFuture.completedFuture(Responses.json(201, answer));
        }
        case "SelfSubjectRulesReview" -> authorizer.policy().thenApply(policy -> {
          answer.set("status", rules(policy.rules(user, spec.path("namespace").asText(""))));
          return Responses.json(201, answer);
        });
        case "TokenReview" -> tokenReview(answer, spec);
        case "SubjectAccessReview", "LocalSubjectAccessReview" -> access(answer, spec, subject(spec), review.namespace());
        default -> access(answer, spec, user, "");
      };
    });
  }

  /** Whose the token is, for which of the audiences asked (Kubernetes' TokenReview storage). */
  private CompletionStage<HttpResponse> tokenReview(ObjectNode answer, ObjectNode spec) {
    String token = spec.path("token").asText("");
    if (token.isEmpty()) {
      throw StoreError.of(StoreError.Reason.BAD_REQUEST, "token is required for TokenReview in authentication").toException();
    }
    List<String> audiences = new ArrayList<>();
    spec.path("audiences").forEach(audience -> audiences.add(audience.asText()));
    return authenticator.review(token, audiences).thenApply(reviewed -> {
      ObjectNode status = answer.putObject("status").put("authenticated", reviewed.user().isPresent());
      reviewed.user().ifPresent(user -> status.set("user", userInfo(user)));
      if (!reviewed.audiences().isEmpty()) {
        ArrayNode granted = status.putArray("audiences");
        reviewed.audiences().forEach(granted::add);
      }
      return Responses.json(201, answer);
    });
  }

  /** The user a SubjectAccessReview asks about: exactly the user, uid and groups it names. */
  private static UserInfo subject(JsonNode spec) {
    String name = spec.path("user").asText("");
    List<String> groups = new ArrayList<>();
    spec.path("groups").forEach(group -> groups.add(group.asText()));
    if (name.isEmpty() && groups.isEmpty()) {
      throw StoreError.of(StoreError.Reason.INVALID, "spec.user or spec.groups: at least one of user or group must be specified").toException();
    }
    return new UserInfo(name, spec.path("uid").asText(""), groups);
  }

  private CompletionStage<HttpResponse> access(ObjectNode answer, ObjectNode spec, UserInfo user, String forcedNamespace) {
    JsonNode resource = spec.path("resourceAttributes");
    JsonNode nonResource = spec.path("nonResourceAttributes");
    AccessRequest question;
    if (resource.isObject()) {
      String namespace = resource.path("namespace").asText("");
      if (!forcedNamespace.isEmpty()) {
        if (!namespace.isEmpty() && !namespace.equals(forcedNamespace)) {
          throw StoreError.of(StoreError.Reason.BAD_REQUEST, "spec.resourceAttributes.namespace must match the namespace of the request").toException();
        }
        namespace = forcedNamespace;
        ((ObjectNode) resource).put("namespace", namespace);
      }
      question = AccessRequest.resource(user, resource.path("verb").asText(""), resource.path("group").asText(""),
          resource.path("resource").asText(""), resource.path("subresource").asText(""), namespace, resource.path("name").asText(""));
    } else if (nonResource.isObject()) {
      question = AccessRequest.nonResource(user, nonResource.path("verb").asText(""), nonResource.path("path").asText(""));
    } else {
      throw StoreError.of(StoreError.Reason.INVALID,
          "spec.resourceAttributes: exactly one of nonResourceAttributes or resourceAttributes must be specified").toException();
    }
    return authorizer.decide(question).thenApply(decision -> {
      ObjectNode status = answer.putObject("status").put("allowed", decision.allowed());
      if (!decision.reason().isEmpty()) {
        status.put("reason", decision.reason());
      }
      return Responses.json(201, answer);
    });
  }

  /** Kubernetes' userInfo of a SelfSubjectReview. */
  static ObjectNode userInfo(UserInfo user) {
    ObjectNode info = KubeJson.MAPPER.createObjectNode().put("username", user.name());
    if (!user.uid().isEmpty()) {
      info.put("uid", user.uid());
    }
    ArrayNode groups = info.putArray("groups");
    user.groups().forEach(groups::add);
    return info;
  }

  private static ObjectNode rules(List<Rule> rules) {
    ObjectNode status = KubeJson.MAPPER.createObjectNode();
    ArrayNode resourceRules = status.putArray("resourceRules");
    ArrayNode nonResourceRules = status.putArray("nonResourceRules");
    for (Rule rule : rules) {
      if (!rule.nonResourceURLs().isEmpty()) {
        ObjectNode out = nonResourceRules.addObject();
        strings(out.putArray("verbs"), rule.verbs());
        strings(out.putArray("nonResourceURLs"), rule.nonResourceURLs());
      } else {
        ObjectNode out = resourceRules.addObject();
        strings(out.putArray("verbs"), rule.verbs());
        strings(out.putArray("apiGroups"), rule.apiGroups());
        strings(out.putArray("resources"), rule.resources());
        if (!rule.resourceNames().isEmpty()) {
          strings(out.putArray("resourceNames"), rule.resourceNames());
        }
      }
    }
    status.put("incomplete", false);
    return status;
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }
}
