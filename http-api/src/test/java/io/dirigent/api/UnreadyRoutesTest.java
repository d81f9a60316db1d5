package io.dirigent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.api.testing.TestApiServer;
import io.dirigent.core.api.KubeJson;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The routes of a member that cannot take writes (no majority, no journal): a write is refused
 * with 503 and Retry-After before anything else about it is looked at, as before the routes were
 * a table; a read is routed as ever. The routes are driven directly, with the ApiCall the front
 * would have attached.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnreadyRoutesTest {

  private static final String CONFIG_MAPS = "/api/v1/namespaces/default/configmaps";

  private TestApiServer server;
  private ApiMetrics metrics;
  private ApiRoutes routes;

  @BeforeAll
  void start() throws Exception {
    server = TestApiServer.start(Map.of());
    var node = server.node();
    var config = node.system().settings().config();
    var bodies = new RequestBodies(1 << 20, 1 << 24, Duration.ofSeconds(10), Materializer.matFromSystem(node.system()));
    metrics = new ApiMetrics();
    var objects = new ResourceApi(node.store(), bodies, Duration.ofMinutes(1), metrics, ClientLimits.from(config.getConfig("dirigent.api")),
        io.dirigent.core.security.PodSecurityAdmission.from(node.store(), config), null);
    var resources = new ResourceRoutes(objects, new DeleteApi(node.store(), bodies), new SubresourceApi(node.store(), bodies, null),
        () -> Optional.of("no majority"));
    routes = new ApiRoutes(node, metrics, "127.0.0.1:0", resources, null, null);
  }

  @AfterAll
  void stop() {
    if (metrics != null) {
      metrics.close();
    }
    if (server != null) {
      server.close();
    }
  }

  static Stream<Arguments> writes() {
    return Stream.of(
        arguments("a create", "POST", CONFIG_MAPS),
        arguments("a method the collection does not take", "PUT", CONFIG_MAPS),
        arguments("a write to a subresource nothing has", "POST", CONFIG_MAPS + "/a/bogus"),
        arguments("a write with a bad dryRun", "DELETE", CONFIG_MAPS + "/a?dryRun=Some"));
  }

  @ParameterizedTest(name = "{0} is refused for now, to be retried")
  @MethodSource("writes")
  void aWriteIsRefusedFirstWithRetryAfter(String name, String method, String path) throws Exception {
    HttpResponse response = answer(method, path);
    assertThat(response.status().intValue()).isEqualTo(503);
    assertThat(response.getHeader("Retry-After").map(header -> header.value())).contains("1");
    JsonNode status = json(response);
    assertThat(status.path("reason").asText()).isEqualTo("ServiceUnavailable");
    assertThat(status.path("message").asText()).isEqualTo("this API server cannot take writes now: no majority; retry");
  }

  static Stream<Arguments> reads() {
    return Stream.of(
        arguments("a list", "GET", CONFIG_MAPS, 200),
        arguments("a get of an object that is not there", "GET", CONFIG_MAPS + "/absent", 404),
        arguments("a get of a subresource nothing has", "GET", CONFIG_MAPS + "/a/bogus", 404),
        arguments("a HEAD, which no row takes", "HEAD", CONFIG_MAPS, 405));
  }

  @ParameterizedTest(name = "{0} is routed as ever")
  @MethodSource("reads")
  void aReadIsRoutedAsEver(String name, String method, String path, int code) throws Exception {
    assertThat(answer(method, path).status().intValue()).isEqualTo(code);
  }

  private HttpResponse answer(String method, String path) throws Exception {
    var apiPath = ApiPath.parse(path.replaceAll("\\?.*", ""), server.node().registry());
    HttpRequest request = HttpRequest.create(path).withMethod(HttpMethods.lookup(method).orElseThrow())
        .addAttribute(ApiCall.KEY, new ApiCall(Authenticator.LOOPBACK_ADMIN, apiPath));
    return routes.handle(request).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private JsonNode json(HttpResponse response) throws Exception {
    var strict = response.entity().toStrict(10_000, Materializer.matFromSystem(server.node().system())).toCompletableFuture().get(10, TimeUnit.SECONDS);
    return KubeJson.MAPPER.readTree(strict.getData().toArray());
  }
}
