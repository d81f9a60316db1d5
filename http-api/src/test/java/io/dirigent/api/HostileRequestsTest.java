package io.dirigent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Requests an attacker sends, each answered with a Kubernetes Status of the right code and nothing
 * written: pods that would reach the host (host namespaces, privileged, hostPath, host ports, paths
 * that climb out of their volume), and Services and Endpoints that would write packet filter rules
 * of their own or send traffic to the host's loopback or the cloud metadata address.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileRequestsTest {

  private static final AtomicInteger NAMESPACES = new AtomicInteger();
  private static final String CONTAINER = "{\"name\":\"c\",\"image\":\"dirigent/busybox:1\"%s}";

  private TestApiServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    server = TestApiServer.start(Map.of());
  }

  @AfterAll
  void stop() {
    server.close();
  }

  record Reply(int code, JsonNode status) {}

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "the host's root as a hostPath volume | \"volumes\":[{\"name\":\"root\",\"hostPath\":{\"path\":\"/\"}}] | "
          + " | 403 | violates PodSecurity \"baseline:latest\": hostPath volumes (volume \"root\")",
      "the host's network | \"hostNetwork\":true | | 403 | host namespaces (hostNetwork=true)",
      "the host's processes and IPC | \"hostPID\":true,\"hostIPC\":true | | 403 | host namespaces (hostPID=true, hostIPC=true)",
      "a privileged container | | ,\"securityContext\":{\"privileged\":true} | 403 | privileged (container \"c\" must not set securityContext.privileged=true)",
      "an added SYS_ADMIN | | ,\"securityContext\":{\"capabilities\":{\"add\":[\"SYS_ADMIN\"]}} | 403 | non-default capabilities",
      "a host port | | ,\"ports\":[{\"containerPort\":80,\"hostPort\":22}] | 403 | hostPort (container \"c\" uses hostPort 22)",
      "a subPath up to the host's /etc | \"volumes\":[{\"name\":\"data\",\"emptyDir\":{}}]"
          + " | ,\"volumeMounts\":[{\"name\":\"data\",\"mountPath\":\"/d\",\"subPath\":\"../../../../etc\"}] | 422 | must not contain '..'",
      "an emptyDir named like a path | \"volumes\":[{\"name\":\"../../../../x\",\"emptyDir\":{}}] | | 422 | spec.volumes[0].name: Invalid value",
      "a configMap volume named like a host directory | \"volumes\":[{\"name\":\"/etc/cron.d\",\"configMap\":{\"name\":\"c\"}}] | | 422 | spec.volumes[0].name",
      "a secret item written outside its volume | \"volumes\":[{\"name\":\"s\",\"secret\":{\"secretName\":\"t\",\"items\":[{\"key\":\"k\",\"path\":\"../../../x\"}]}}] | | 422 | must not contain '..'",
  })
  void podsThatWouldReachTheHostAreRefused(String attack, String spec, String container, int code, String message) throws Exception {
    String ns = namespace(null);
    String pod = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"evil\"},\"spec\":{"
        + (spec == null ? "" : spec + ",") + "\"containers\":[" + CONTAINER.formatted(container == null ? "" : container) + "]}}";
    Reply reply = send("POST", "/api/v1/namespaces/" + ns + "/pods", pod);
    assertThat(reply.code()).as(reply.status().toString()).isEqualTo(code);
    assertThat(reply.status().path("kind").asText()).isEqualTo("Status");
    assertThat(reply.status().path("message").asText()).contains(message);
    assertNothingIn(ns, "pods");
  }

  @Test
  void aNamespaceLabelledPrivilegedAndKubeSystemMayUseTheHost() throws Exception {
    String privileged = namespace("privileged");
    String pod = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"agent\"},\"spec\":{\"hostNetwork\":true,"
        + "\"volumes\":[{\"name\":\"logs\",\"hostPath\":{\"path\":\"/var/log\"}}],\"containers\":[" + CONTAINER.formatted("") + "]}}";
    assertThat(send("POST", "/api/v1/namespaces/" + privileged + "/pods", pod).code()).isEqualTo(201);
    String named = pod.replace("\"name\":\"agent\"", "\"name\":\"agent-" + NAMESPACES.incrementAndGet() + "\"");
    Reply system = send("POST", "/api/v1/namespaces/kube-system/pods", named);
    assertThat(system.code()).isEqualTo(201);
    String restricted = namespace("restricted");
    Reply plain = send("POST", "/api/v1/namespaces/" + restricted + "/pods",
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"plain\"},\"spec\":{\"containers\":[" + CONTAINER.formatted("") + "]}}");
    assertThat(plain.code()).isEqualTo(403);
    assertThat(plain.status().path("message").asText()).contains("violates PodSecurity \"restricted:latest\"").contains("runAsNonRoot != true");
  }

  @Test
  void aWorkloadWhosePodsWouldBeRefusedIsAcceptedWithAWarningAndAPodBelowTheWarnLevelIsWarned() throws Exception {
    String ns = namespace(null);
    String deployment = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"host\"},\"spec\":{"
        + "\"selector\":{\"matchLabels\":{\"app\":\"h\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"h\"}},"
        + "\"spec\":{\"hostNetwork\":true,\"containers\":[" + CONTAINER.formatted("") + "]}}}}";
    HttpResponse<String> created = raw("POST", "/apis/apps/v1/namespaces/" + ns + "/deployments", deployment);
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.headers().allValues("Warning"))
        .anyMatch(w -> w.contains("would violate PodSecurity \\\"baseline:latest\\\": host namespaces (hostNetwork=true)"));

    String warned = namespace(null);
    assertThat(send("PATCH", "/api/v1/namespaces/" + warned, "{\"metadata\":{\"labels\":{\"pod-security.kubernetes.io/warn\":\"restricted\"}}}",
        "application/merge-patch+json").code()).isEqualTo(200);
    HttpResponse<String> pod = raw("POST", "/api/v1/namespaces/" + warned + "/pods",
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[" + CONTAINER.formatted("") + "]}}");
    assertThat(pod.statusCode()).isEqualTo(201);
    assertThat(pod.headers().allValues("Warning")).anyMatch(w -> w.contains("would violate PodSecurity \\\"restricted:latest\\\"")
        && w.contains("runAsNonRoot != true"));
    // A pod that meets every level earns no warning.
    String plain = namespace(null);
    assertThat(raw("POST", "/api/v1/namespaces/" + plain + "/pods",
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[" + CONTAINER.formatted("") + "]}}")
        .headers().allValues("Warning")).isEmpty();
  }

  @Test
  void anUpdateThatOnlyRelabelsAPodIsNotCheckedAgain() throws Exception {
    String ns = namespace("privileged");
    String pod = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"host\"},\"spec\":{\"hostNetwork\":true,\"containers\":["
        + CONTAINER.formatted("") + "]}}";
    assertThat(send("POST", "/api/v1/namespaces/" + ns + "/pods", pod).code()).isEqualTo(201);
    assertThat(send("PATCH", "/api/v1/namespaces/" + ns, "{\"metadata\":{\"labels\":{\"pod-security.kubernetes.io/enforce\":\"baseline\"}}}",
        "application/merge-patch+json").code()).isEqualTo(200);
    assertThat(send("PATCH", "/api/v1/namespaces/" + ns + "/pods/host", "{\"metadata\":{\"labels\":{\"seen\":\"yes\"}}}",
        "application/merge-patch+json").code()).isEqualTo(200);
    Reply changed = send("PATCH", "/api/v1/namespaces/" + ns + "/pods/host", "{\"spec\":{\"activeDeadlineSeconds\":60}}",
        "application/merge-patch+json");
    assertThat(changed.code()).isEqualTo(403);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a port name that ends the rule and adds its own"
          + " | {\"ports\":[{\"name\":\"p\\\"\\nCOMMIT\\n*filter\\n-I INPUT 1 -p tcp --dport 22 -j DROP\\nCOMMIT\\n\",\"port\":80}]}"
          + " | spec.ports[0].name: Invalid value",
      "a protocol with rule arguments | {\"ports\":[{\"port\":80,\"protocol\":\"tcp -j ACCEPT\"}]} | spec.ports[0].protocol: Unsupported value",
      "a cluster IP with rule arguments | {\"clusterIP\":\"10.96.0.9 -j ACCEPT\",\"ports\":[{\"port\":80}]} | spec.clusterIP: Invalid value",
  })
  void servicesThatWouldWriteRulesOfTheirOwnAreRefused(String attack, String spec, String message) throws Exception {
    String ns = namespace(null);
    Reply reply = send("POST", "/api/v1/namespaces/" + ns + "/services",
        "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"evil\"},\"spec\":" + spec + "}");
    assertThat(reply.code()).as(reply.status().toString()).isEqualTo(422);
    assertThat(reply.status().path("reason").asText()).isEqualTo("Invalid");
    assertThat(reply.status().path("message").asText()).contains(message);
    assertNothingIn(ns, "services");
  }

  @ParameterizedTest(name = "endpoint address {0}")
  @CsvSource(delimiter = '|', value = {
      "127.0.0.1 | loopback", "169.254.169.254 | link-local", "0.0.0.0 | unspecified",
      "10.0.0.1 -j ACCEPT | must be a valid IPv4 address", "10.0.0.1\\n-A INPUT -j DROP | must be a valid IPv4 address",
  })
  void endpointsAtTheHostOrTheMetadataAddressAreRefused(String ip, String message) throws Exception {
    String ns = namespace(null);
    Reply reply = send("POST", "/api/v1/namespaces/" + ns + "/endpoints",
        "{\"apiVersion\":\"v1\",\"kind\":\"Endpoints\",\"metadata\":{\"name\":\"evil\"},\"subsets\":[{\"addresses\":[{\"ip\":\""
            + ip + "\"}],\"ports\":[{\"port\":80}]}]}");
    assertThat(reply.code()).as(reply.status().toString()).isEqualTo(422);
    assertThat(reply.status().path("message").asText()).contains("subsets[0].addresses[0].ip").contains(message);
    assertNothingIn(ns, "endpoints");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "ports that are a string (once crash-looped the scheduler) | pods"
          + " | {\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"ports\":\"abc\"}]}}"
          + " | spec.containers[0].ports: cannot unmarshal string into a field of type array",
      "data that is a string | configmaps | {\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"},\"data\":\"x\"}"
          + " | data: cannot unmarshal string into a field of type object",
      "finalizers that are a string | configmaps | {\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\",\"finalizers\":\"x\"}}"
          + " | metadata.finalizers: cannot unmarshal string",
      "owner references that are an object | configmaps"
          + " | {\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\",\"ownerReferences\":{\"x\":1}}}"
          + " | metadata.ownerReferences: cannot unmarshal object",
      "a name that is a number | configmaps | {\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":7}}"
          + " | metadata.name: cannot unmarshal number",
  })
  void wronglyTypedFieldsAreABadRequest(String attack, String resource, String body, String message) throws Exception {
    String ns = namespace(null);
    Reply reply = send("POST", "/api/v1/namespaces/" + ns + "/" + resource, body);
    assertThat(reply.code()).as(reply.status().toString()).isEqualTo(400);
    assertThat(reply.status().path("reason").asText()).isEqualTo("BadRequest");
    assertThat(reply.status().path("message").asText()).contains("cannot be handled as a").contains(message);
    assertNothingIn(ns, resource);
  }

  @ParameterizedTest(name = "delete options {0}")
  @CsvSource(delimiter = '|', value = {
      "{\"gracePeriodSeconds\":\"soon\"} | gracePeriodSeconds: cannot unmarshal string into a field of type integer",
      "{\"propagationPolicy\":[\"Orphan\"]} | propagationPolicy: cannot unmarshal array into a field of type string",
      "{\"dryRun\":\"All\"} | dryRun: cannot unmarshal string into a field of type array",
      "{\"preconditions\":\"x\"} | preconditions: cannot unmarshal string",
  })
  void wronglyTypedDeleteOptionsAreABadRequestAndNothingIsDeleted(String options, String message) throws Exception {
    String ns = namespace(null);
    String path = "/api/v1/namespaces/" + ns + "/configmaps";
    assertThat(send("POST", path, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"}}").code()).isEqualTo(201);
    Reply reply = send("DELETE", path + "/c", options);
    assertThat(reply.code()).as(reply.status().toString()).isEqualTo(400);
    assertThat(reply.status().path("message").asText()).contains("cannot be handled as a DeleteOptions").contains(message);
    assertThat(send("GET", path + "/c", null).code()).isEqualTo(200);
  }

  @ParameterizedTest(name = "resources {0}")
  @CsvSource(delimiter = '|', value = {
      "{\"limits\":{\"memory\":\"lots\"}} | 400 | quantities must match the regular expression",
      "{\"limits\":{\"cpu\":\"1e999999999\"}} | 400 | quantities must match the regular expression",
      "{\"requests\":{\"memory\":\"-1Gi\"}} | 422 | must be greater than or equal to 0",
      "{\"requests\":{\"cpu\":\"2\"},\"limits\":{\"cpu\":\"1\"}} | 422 | must be less than or equal to cpu limit of 1",
  })
  void resourcesThatAreNoQuantitiesOrMakeNoSenseAreRefused(String resources, int code, String message) throws Exception {
    String ns = namespace(null);
    Reply reply = send("POST", "/api/v1/namespaces/" + ns + "/pods", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},"
        + "\"spec\":{\"containers\":[" + CONTAINER.formatted(",\"resources\":" + resources) + "]}}");
    assertThat(reply.code()).as(reply.status().toString()).isEqualTo(code);
    assertThat(reply.status().path("message").asText()).contains(message);
    assertNothingIn(ns, "pods");
  }

  @Test
  void aContinueTokenUsedInAnotherNamespaceFailsThatListAloneAndWatchesGoOn() throws Exception {
    String first = namespace(null);
    String second = namespace(null);
    for (String name : java.util.List.of("a", "b", "c")) {
      assertThat(send("POST", "/api/v1/namespaces/" + first + "/configmaps",
          "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"}}").code()).isEqualTo(201);
    }
    Reply page = send("GET", "/api/v1/namespaces/" + first + "/configmaps?limit=1", null);
    String token = page.status().path("metadata").path("continue").asText();
    String version = page.status().path("metadata").path("resourceVersion").asText();

    Reply misused = send("GET", "/api/v1/namespaces/" + second + "/configmaps?limit=1&continue=" + token, null);
    assertThat(misused.code()).isEqualTo(400);
    assertThat(misused.status().path("message").asText()).contains("continue key is not valid");

    // The index still answers lists and watches from where they were.
    assertThat(send("GET", "/api/v1/namespaces/" + first + "/configmaps?limit=1&continue=" + token, null).code()).isEqualTo(200);
    HttpResponse<String> watch = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/namespaces/" + first
        + "/configmaps?watch=true&timeoutSeconds=1&resourceVersion=" + version)).build(), BodyHandlers.ofString());
    assertThat(watch.statusCode()).isEqualTo(200);
    assertThat(watch.body()).doesNotContain("\"ERROR\"");
  }

  @Test
  void malformedBodiesAreABadRequestAndNothingIsWritten() throws Exception {
    String ns = namespace(null);
    String path = "/api/v1/namespaces/" + ns + "/configmaps";
    String configMap = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"},\"data\":{\"a\":\"1\"}}";
    assertThat(send("POST", path, configMap.replace("\"data\"", "\"data\":{\"a\":\"0\"},\"data\"")).status().path("message").asText())
        .contains("Duplicate field 'data'");
    assertThat(send("POST", path, configMap + " {\"more\":1}").code()).isEqualTo(400);
    assertThat(send("POST", path, configMap + "garbage").code()).isEqualTo(400);
    assertThat(send("POST", path, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: y}\ndata: {a: '1'}\ndata: {a: '2'}\n", "application/yaml").code())
        .isEqualTo(400);
    String deep = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"deep\",\"annotations\":{}},\"x\":"
        + "[".repeat(200) + "]".repeat(200) + "}";
    Reply tooDeep = send("POST", path, deep);
    assertThat(tooDeep.code()).isEqualTo(400);
    assertThat(tooDeep.status().path("message").asText()).contains("nesting depth");
    Reply surrogate = send("POST", path, configMap.replace("\"1\"", "\"\\ud800\""));
    assertThat(surrogate.code()).isEqualTo(400);
    assertThat(surrogate.status().path("message").asText()).contains("data.a holds a lone UTF-16 surrogate");
    assertNothingIn(ns, "configmaps");
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "a body of {0} MiB is 413")
  @org.junit.jupiter.params.provider.ValueSource(ints = {4, 9, 20})
  void aBodyOverTheLimitIsRequestEntityTooLarge(int mebibytes) throws Exception {
    String ns = namespace(null);
    String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"big\"},\"data\":{\"a\":\""
        + "x".repeat(mebibytes << 20) + "\"}}";
    Reply reply = send("POST", "/api/v1/namespaces/" + ns + "/configmaps", body);
    assertThat(reply.code()).isEqualTo(413);
    assertThat(reply.status().path("reason").asText()).isEqualTo("RequestEntityTooLarge");
    assertNothingIn(ns, "configmaps");
  }

  @Test
  void jsonPatchesAreBoundedAndAMalformedOneIsABadRequest() throws Exception {
    String ns = namespace(null);
    String path = "/api/v1/namespaces/" + ns + "/configmaps";
    assertThat(send("POST", path, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"},\"data\":{\"a\":\""
        + "x".repeat(1000) + "\"}}").code()).isEqualTo(201);
    String patchType = "application/json-patch+json";

    Reply noPath = send("PATCH", path + "/c", "[{\"op\":\"add\",\"value\":1}]", patchType);
    assertThat(noPath.code()).as(noPath.status().toString()).isEqualTo(400);

    // Each copy doubles what the next one copies: 2^30 kilobytes from a kilobyte of patch.
    StringBuilder doubling = new StringBuilder("[{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{\"x\":{\"a\":\"" + "y".repeat(1000) + "\"}}}");
    for (int i = 0; i < 30; i++) {
      doubling.append(",{\"op\":\"copy\",\"from\":\"/metadata/annotations/x\",\"path\":\"/metadata/annotations/x/c").append(i).append("\"}");
    }
    Reply amplified = send("PATCH", path + "/c", doubling.append(']').toString(), patchType);
    assertThat(amplified.code()).as(amplified.status().toString()).isEqualTo(413);
    assertThat(amplified.status().path("message").asText()).contains("copies more than");

    StringBuilder many = new StringBuilder("[");
    for (int i = 0; i <= JsonPatches.MAX_OPERATIONS; i++) {
      many.append(i == 0 ? "" : ",").append("{\"op\":\"test\",\"path\":\"/kind\",\"value\":\"ConfigMap\"}");
    }
    Reply tooMany = send("PATCH", path + "/c", many.append(']').toString(), patchType);
    assertThat(tooMany.code()).isEqualTo(413);
    assertThat(tooMany.status().path("message").asText()).isEqualTo("The allowed maximum operations in a JSON patch is 10000, got 10001");

    // Two patches that each fit make an object over the store's limit: the second is refused.
    String half = "\"" + "z".repeat(900 * 1024) + "\"";
    assertThat(send("PATCH", path + "/c", "[{\"op\":\"add\",\"path\":\"/data/b\",\"value\":" + half + "}]", patchType).code()).isEqualTo(200);
    Reply overLimit = send("PATCH", path + "/c", "[{\"op\":\"add\",\"path\":\"/data/d\",\"value\":" + half + "}]", patchType);
    assertThat(overLimit.code()).isEqualTo(413);
    assertThat(overLimit.status().path("message").asText()).contains("more than the 1572864 bytes an object may hold");
    JsonNode stored = send("GET", path + "/c", null).status();
    assertThat(stored.path("data").has("d")).isFalse();
    assertThat(stored.path("metadata").path("annotations").has("x")).isFalse();
  }

  @Test
  void aRequestForAnotherHostNameIsRefusedAsDnsRebindingWouldSendIt() throws Exception {
    URI uri = URI.create(server.url());
    try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
      socket.getOutputStream().write(("GET /api/v1/namespaces/kube-system/secrets HTTP/1.1\r\nHost: evil.example:" + uri.getPort()
          + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 403").contains("\"kind\":\"Status\"").contains("does not name this server")
          .doesNotContain("SecretList");
    }
  }

  // ---- helpers ----

  /** A new namespace; with {@code level}, labelled to enforce that Pod Security level. */
  private String namespace(String level) throws Exception {
    String name = "hostile-" + NAMESPACES.incrementAndGet();
    String labels = level == null ? "" : ",\"labels\":{\"pod-security.kubernetes.io/enforce\":\"" + level + "\"}";
    Reply created = send("POST", "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name + "\"" + labels + "}}");
    assertThat(created.code()).isEqualTo(201);
    return name;
  }

  private void assertNothingIn(String namespace, String resource) throws Exception {
    Reply list = send("GET", "/api/v1/namespaces/" + namespace + "/" + resource, null);
    assertThat(list.code()).isEqualTo(200);
    assertThat(list.status().path("items")).as("nothing written").isEmpty();
  }

  private HttpResponse<String> raw(String method, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").method(method, BodyPublishers.ofString(body)).build(), BodyHandlers.ofString());
  }

  private Reply send(String method, String path, String body) throws Exception {
    return send(method, path, body, "application/json");
  }

  private Reply send(String method, String path, String body, String contentType) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(30));
    if (body == null) {
      request.method(method, BodyPublishers.noBody());
    } else {
      request.header("Content-Type", contentType).method(method, BodyPublishers.ofString(body));
    }
    HttpResponse<String> response = http.send(request.build(), BodyHandlers.ofString());
    return new Reply(response.statusCode(), KubeJson.MAPPER.readTree(response.body()));
  }
}
