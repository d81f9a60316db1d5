package io.dirigent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.api.testing.TestApiServer;
import io.dirigent.core.api.KubeJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which path takes which method, as clients see it: the exact Status of a method a path does not
 * take (405) and of a path nothing serves (404), for every kind of route, and the answers of the
 * paths outside the resources. Nothing here needs an object to exist: routing decides first.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoutingTest {

  private static final String NOT_ALLOWED = "the server does not allow this method on the requested resource";
  private static final String NOT_FOUND = "the server could not find the requested resource";
  private static final String CONFIG_MAP = "/api/v1/namespaces/default/configmaps";
  private static final String POD = "/api/v1/namespaces/default/pods/p";
  private static final String DEPLOYMENT = "/apis/apps/v1/namespaces/default/deployments/d";

  private TestApiServer server;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  void start() throws Exception {
    server = TestApiServer.start(Map.of());
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  static Stream<Arguments> methodsNotAllowed() {
    return Stream.of(
        arguments("PUT on a collection in a namespace", "PUT", CONFIG_MAP, " (PUT configmaps)"),
        arguments("POST on a namespaced resource's collection across all namespaces", "POST", "/api/v1/configmaps", " (POST configmaps)"),
        arguments("PATCH on a cluster-scoped collection", "PATCH", "/api/v1/namespaces", " (PATCH namespaces)"),
        arguments("POST on an object", "POST", CONFIG_MAP + "/a", " (POST configmaps)"),
        arguments("OPTIONS on an object", "OPTIONS", CONFIG_MAP + "/a", " (OPTIONS configmaps)"),
        arguments("POST on a cluster-scoped object", "POST", "/api/v1/namespaces/default", " (POST namespaces)"),
        arguments("DELETE on a status subresource", "DELETE", POD + "/status", " (DELETE pods)"),
        arguments("POST on a status subresource", "POST", "/apis/apps/v1/namespaces/default/daemonsets/d/status", " (POST daemonsets.apps)"),
        arguments("DELETE on a scale subresource", "DELETE", DEPLOYMENT + "/scale", " (DELETE deployments.apps)"),
        arguments("POST on a scale subresource", "POST", DEPLOYMENT + "/scale", " (POST deployments.apps)"),
        arguments("GET on a token subresource", "GET", "/api/v1/namespaces/default/serviceaccounts/sa/token", " (GET serviceaccounts)"),
        arguments("GET on a binding subresource", "GET", POD + "/binding", " (GET pods)"),
        arguments("POST on a log subresource", "POST", POD + "/log", " (POST pods)"),
        arguments("PUT on an exec subresource", "PUT", POD + "/exec", " (PUT pods)"),
        arguments("DELETE on a portforward subresource", "DELETE", POD + "/portforward", " (DELETE pods)"),
        arguments("PUT on a history subresource", "PUT", CONFIG_MAP + "/a/history", " (PUT configmaps)"),
        arguments("GET on a SelfSubjectAccessReview", "GET", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            " (GET SelfSubjectAccessReview)"),
        arguments("GET on a LocalSubjectAccessReview", "GET", "/apis/authorization.k8s.io/v1/namespaces/default/localsubjectaccessreviews",
            " (GET LocalSubjectAccessReview)"),
        arguments("PUT on a SelfSubjectReview", "PUT", "/apis/authentication.k8s.io/v1/selfsubjectreviews", " (PUT SelfSubjectReview)"),
        arguments("GET on member joins", "GET", "/apis/dirigent.io/v1/memberjoins", " (GET memberjoins)"),
        arguments("POST on a path outside the resources", "POST", "/version", ""),
        arguments("POST on a health check", "POST", "/healthz", ""),
        arguments("PUT on version discovery", "PUT", "/apis/apps/v1", ""),
        arguments("POST on core version discovery", "POST", "/api/v1", ""),
        arguments("PUT on member joins", "PUT", "/apis/dirigent.io/v1/memberjoins", " (PUT memberjoins)"),
        arguments("DELETE on a path nothing serves, which is read-only like every path outside the resources", "DELETE", "/nothing/here", ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("methodsNotAllowed")
  void aMethodAPathDoesNotTakeIsAnsweredWithKubernetesMethodNotAllowedStatus(String name, String method, String path, String what)
      throws Exception {
    Reply reply = send(method, path);
    assertThat(reply.code()).isEqualTo(405);
    assertThat(reply.contentType()).isEqualTo("application/json");
    assertThat(reply.allow()).as("Kubernetes sends no Allow header").isEmpty();
    assertThat(reply.json()).isEqualTo(status(405, "MethodNotAllowed", NOT_ALLOWED + what));
  }

  static Stream<Arguments> pathsNotFound() {
    return Stream.of(
        arguments("an unknown subresource", "GET", CONFIG_MAP + "/a/bogus", " (configmaps a/bogus)"),
        arguments("a write to an unknown subresource, which is not found rather than not allowed", "POST", CONFIG_MAP + "/a/bogus",
            " (configmaps a/bogus)"),
        arguments("the scale of a resource that has none", "GET", CONFIG_MAP + "/a/scale", " (configmaps a/scale)"),
        arguments("the status of a resource that has none", "PUT", CONFIG_MAP + "/a/status", " (configmaps a/status)"),
        arguments("the log of something other than a pod", "GET", DEPLOYMENT + "/log", " (deployments.apps d/log)"),
        arguments("the token of something other than a service account", "POST", POD + "/token", " (pods p/token)"),
        arguments("an unknown subresource of a cluster-scoped object", "GET", "/api/v1/nodes/n/bogus", " (nodes n/bogus)"),
        arguments("an unknown resource", "GET", "/api/v1/widgets", ""),
        arguments("a create of an unknown resource, which is not found rather than not allowed", "POST", "/api/v1/widgets", ""),
        arguments("a create in a group that is not served", "POST", "/apis/metrics.k8s.io/v1beta1/nodes", ""),
        arguments("a delete of an object of a group that is not served", "DELETE", "/apis/metrics.k8s.io/v1beta1/nodes/n", ""),
        arguments("a path nothing serves", "GET", "/nothing/here", ""),
        arguments("an API version that does not exist", "GET", "/api/v9", ""),
        arguments("a group that does not exist", "GET", "/apis/nothing.example.com", ""),
        arguments("a version of a group that does not exist", "GET", "/apis/apps/v9", ""),
        arguments("a health check with a trailing slash", "GET", "/healthz/", ""),
        arguments("a longer name that starts like a served path", "GET", "/apisx", ""),
        arguments("the version with a path below it", "GET", "/version/x", ""),
        arguments("a longer name that starts like OpenAPI's", "GET", "/openapi/v3x", ""),
        arguments("OpenAPI of a group version that does not exist", "GET", "/openapi/v3/apis/nothing/v1", ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pathsNotFound")
  void aPathNothingServesIsAnsweredWithKubernetesNotFoundStatus(String name, String method, String path, String what) throws Exception {
    Reply reply = send(method, path);
    assertThat(reply.code()).isEqualTo(404);
    assertThat(reply.contentType()).isEqualTo("application/json");
    assertThat(reply.json()).isEqualTo(status(404, "NotFound", NOT_FOUND + what));
  }

  static Stream<Arguments> servedOutsideTheResources() {
    return Stream.of(
        arguments("the health check", "GET", "/healthz", "text/plain; charset=UTF-8"),
        arguments("the liveness check", "GET", "/livez", "text/plain; charset=UTF-8"),
        arguments("the readiness check", "GET", "/readyz", "text/plain; charset=UTF-8"),
        arguments("the version", "GET", "/version", "application/json"),
        arguments("the version with a trailing slash, as the Python client asks for it", "GET", "/version/", "application/json"),
        arguments("the metrics", "GET", "/metrics", "text/plain; charset=UTF-8"),
        arguments("the core group's versions", "GET", "/api", "application/json"),
        arguments("the core group's versions with a trailing slash", "GET", "/api/", "application/json"),
        arguments("the groups", "GET", "/apis", "application/json"),
        arguments("the groups with a trailing slash", "GET", "/apis/", "application/json"),
        arguments("the core group's resources", "GET", "/api/v1", "application/json"),
        arguments("the core group's resources with a trailing slash", "GET", "/api/v1/", "application/json"),
        arguments("a group", "GET", "/apis/apps", "application/json"),
        arguments("a group version's resources", "GET", "/apis/apps/v1", "application/json"),
        arguments("the OpenAPI index", "GET", "/openapi/v3", "application/json"),
        arguments("the OpenAPI index with a trailing slash", "GET", "/openapi/v3/", "application/json"),
        arguments("a group version's OpenAPI", "GET", "/openapi/v3/apis/apps/v1", "application/json"),
        arguments("the version to HEAD, as to GET", "HEAD", "/version", "application/json"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servedOutsideTheResources")
  void aPathOutsideTheResourcesIsServedToGetAndHead(String name, String method, String path, String contentType) throws Exception {
    Reply reply = send(method, path);
    assertThat(reply.code()).isEqualTo(200);
    assertThat(reply.contentType()).isEqualTo(contentType);
  }

  static Stream<Arguments> writeOptionsFirst() {
    return Stream.of(
        arguments("a method the collection does not take", "PUT", CONFIG_MAP + "?dryRun=Some"),
        arguments("an unknown subresource", "POST", CONFIG_MAP + "/a/bogus?dryRun=Some"),
        arguments("a subresource the resource does not have", "PATCH", CONFIG_MAP + "/a/status?dryRun=Some"));
  }

  /** As before routing was declarative: the write options are read before the path's methods are. */
  @ParameterizedTest(name = "a bad dryRun is refused before {0}")
  @MethodSource("writeOptionsFirst")
  void aBadDryRunIsRefusedBeforeTheMethodOrSubresourceIsChecked(String name, String method, String path) throws Exception {
    Reply reply = send(method, path);
    assertThat(reply.code()).isEqualTo(400);
    assertThat(reply.json().path("reason").asText()).isEqualTo("BadRequest");
    assertThat(reply.json().path("message").asText()).isEqualTo("unsupported dryRun value \"Some\": only All is supported");
    assertThat(reply.json().path("details").path("kind").asText()).isEqualTo("configmaps");
  }

  static Stream<Arguments> codesOnly() {
    return Stream.of(
        arguments("HEAD on an object is not allowed", "HEAD", CONFIG_MAP + "/a", 405),
        arguments("HEAD on a collection is not allowed", "HEAD", CONFIG_MAP, 405),
        arguments("HEAD on a resource is a write to dryRun, which refuses a bad value", "HEAD", CONFIG_MAP + "?dryRun=Some", 400),
        arguments("a read ignores dryRun", "GET", CONFIG_MAP + "?dryRun=Some", 200));
  }

  /** What a HEAD answers has no body; these are told apart by their codes. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("codesOnly")
  void theCodeOfARequestWhoseAnswerHasNoBodyOrNeedsNone(String name, String method, String path, int code) throws Exception {
    assertThat(send(method, path).code()).isEqualTo(code);
  }

  private static ObjectNode status(int code, String reason, String message) {
    ObjectNode status = KubeJson.MAPPER.createObjectNode().put("kind", "Status").put("apiVersion", "v1");
    status.putObject("metadata");
    return status.put("status", "Failure").put("message", message).put("reason", reason).put("code", code);
  }

  private record Reply(int code, String body, String contentType, java.util.List<String> allow) {
    JsonNode json() throws java.io.IOException {
      return KubeJson.MAPPER.readTree(body);
    }
  }

  private Reply send(String method, String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(30))
        .method(method, BodyPublishers.noBody()).build();
    HttpResponse<String> response = http.send(request, BodyHandlers.ofString());
    return new Reply(response.statusCode(), response.body(), response.headers().firstValue("Content-Type").orElse(""),
        response.headers().allValues("Allow"));
  }
}
