package io.dirigent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.api.testing.TestApiServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The API server over real HTTP on a loopback port, with the store on the in-memory journal.
 * Each test works in a namespace of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiServerTest {

  private static final AtomicInteger NAMESPACES = new AtomicInteger();
  private static final int WATCH_WINDOW = 20;

  private TestApiServer server;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  void start() throws Exception {
    server = TestApiServer.start(Map.of(
        "dirigent.store.watch-window", WATCH_WINDOW,
        "dirigent.api.max-request-bytes", "64KiB"));
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  // ---- get, list, create ----

  @Test
  void createGetAndListAConfigMap() throws Exception {
    String ns = namespace();
    Reply created = send("POST", "/api/v1/namespaces/" + ns + "/configmaps", configMap("a", "one"));
    assertThat(created.code()).isEqualTo(201);
    assertThat(created.json().path("metadata").path("uid").asText()).isNotEmpty();
    assertThat(created.json().path("data").path("value").asText()).isEqualTo("one");

    Reply got = send("GET", "/api/v1/namespaces/" + ns + "/configmaps/a", null);
    assertThat(got.code()).isEqualTo(200);
    assertThat(got.json()).isEqualTo(created.json());
    assertThat(got.contentType()).startsWith("application/json");

    Reply list = send("GET", "/api/v1/namespaces/" + ns + "/configmaps", null);
    assertThat(list.code()).isEqualTo(200);
    assertThat(list.json().path("kind").asText()).isEqualTo("ConfigMapList");
    assertThat(list.json().path("apiVersion").asText()).isEqualTo("v1");
    assertThat(list.json().path("metadata").path("resourceVersion").asLong()).isGreaterThanOrEqualTo(rv(created.json()));
    assertThat(names(list.json())).containsExactly("a");
  }

  @Test
  void aYamlBodyIsReadLikeJson() throws Exception {
    String ns = namespace();
    String yaml = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: from-yaml
          labels: {app: web}
        data:
          value: "yes"
        """;
    Reply created = send("POST", "/api/v1/namespaces/" + ns + "/configmaps", yaml, "application/yaml");
    assertThat(created.code()).isEqualTo(201);
    assertThat(created.json().path("metadata").path("labels").path("app").asText()).isEqualTo("web");
    assertThat(created.json().path("data").path("value").asText()).isEqualTo("yes");
  }

  @Test
  void groupedResourcesAndClusterScopedObjectsHaveTheirOwnPaths() throws Exception {
    String ns = namespace();
    ObjectNode deployment = (ObjectNode) KubeJson.MAPPER.readTree("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
                 "template":{"metadata":{"labels":{"app":"web"}},
                             "spec":{"containers":[{"name":"web","image":"dirigent/busybox:1"}]}}}}
        """);
    assertThat(send("POST", "/apis/apps/v1/namespaces/" + ns + "/deployments", deployment.toString()).code()).isEqualTo(201);
    assertThat(send("GET", "/apis/apps/v1/namespaces/" + ns + "/deployments/web", null).json().path("spec").path("replicas").asInt())
        .isEqualTo(2);
    Reply namespace = send("GET", "/api/v1/namespaces/" + ns, null);
    assertThat(namespace.code()).isEqualTo(200);
    assertThat(namespace.json().path("kind").asText()).isEqualTo("Namespace");
    // The core group does not serve deployments, and apps/v2 does not exist.
    assertThat(send("GET", "/api/v1/namespaces/" + ns + "/deployments", null).code()).isEqualTo(404);
    assertThat(send("GET", "/apis/apps/v2/namespaces/" + ns + "/deployments", null).code()).isEqualTo(404);
  }

  @Test
  void listAcrossAllNamespacesWithSelectorsAndPaging() throws Exception {
    String one = namespace();
    String two = namespace();
    for (String ns : List.of(one, two)) {
      for (int i = 0; i < 3; i++) {
        ObjectNode cm = configMap("cm-" + i, "v");
        ((ObjectNode) cm.path("metadata")).putObject("labels").put("tier", i == 0 ? "front" : "back").put("suite", one);
        assertThat(send("POST", "/api/v1/namespaces/" + ns + "/configmaps", cm.toString()).code()).isEqualTo(201);
      }
    }
    Reply all = send("GET", "/api/v1/configmaps?labelSelector=suite%3D" + one, null);
    assertThat(all.json().path("items")).hasSize(6);
    Reply back = send("GET", "/api/v1/configmaps?labelSelector=suite%3D" + one + ",tier%20in%20(back)", null);
    assertThat(back.json().path("items")).hasSize(4);
    Reply named = send("GET", "/api/v1/namespaces/" + two + "/configmaps?fieldSelector=metadata.name%3Dcm-2", null);
    assertThat(names(named.json())).containsExactly("cm-2");

    Reply first = send("GET", "/api/v1/configmaps?limit=4&labelSelector=suite%3D" + one, null);
    assertThat(first.json().path("items")).hasSize(4);
    String token = first.json().path("metadata").path("continue").asText();
    assertThat(token).isNotEmpty();
    // With a selector the rest is not counted, as in Kubernetes; without one it is.
    assertThat(first.json().path("metadata").has("remainingItemCount")).isFalse();
    Reply unselected = send("GET", "/api/v1/namespaces/" + one + "/configmaps?limit=2", null);
    assertThat(unselected.json().path("metadata").path("remainingItemCount").asInt()).isEqualTo(1);
    Reply second = send("GET", "/api/v1/configmaps?limit=4&labelSelector=suite%3D" + one + "&continue=" + token, null);
    assertThat(second.json().path("items")).hasSize(2);
    assertThat(second.json().path("metadata").has("continue")).isFalse();
    assertThat(second.json().path("metadata").path("resourceVersion")).isEqualTo(first.json().path("metadata").path("resourceVersion"));
  }

  // ---- update, status, delete, history ----

  @Test
  void updateWithAStaleVersionIsAConflict() throws Exception {
    String ns = namespace();
    JsonNode created = send("POST", "/api/v1/namespaces/" + ns + "/configmaps", configMap("a", "1")).json();
    ObjectNode change = created.deepCopy();
    ((ObjectNode) change.path("data")).put("value", "2");
    Reply updated = send("PUT", "/api/v1/namespaces/" + ns + "/configmaps/a", change.toString());
    assertThat(updated.code()).isEqualTo(200);
    assertThat(rv(updated.json())).isGreaterThan(rv(created));

    Reply stale = send("PUT", "/api/v1/namespaces/" + ns + "/configmaps/a", change.toString());
    assertThat(stale.code()).isEqualTo(409);
    assertThat(stale.json().path("kind").asText()).isEqualTo("Status");
    assertThat(stale.json().path("reason").asText()).isEqualTo("Conflict");
    assertThat(stale.json().path("message").asText()).contains("the object has been modified");
    assertThat(stale.json().path("details").path("name").asText()).isEqualTo("a");
    assertThat(stale.json().path("details").path("kind").asText()).isEqualTo("configmaps");

    Reply renamed = send("PUT", "/api/v1/namespaces/" + ns + "/configmaps/b", change.toString());
    assertThat(renamed.code()).isEqualTo(400);
    assertThat(renamed.json().path("message").asText()).contains("does not match the name on the URL");
  }

  @Test
  void theStatusSubresourceChangesOnlyTheStatus() throws Exception {
    String ns = namespace();
    JsonNode pod = send("POST", "/api/v1/namespaces/" + ns + "/pods", pod("p").toString()).json();
    ObjectNode change = pod.deepCopy();
    change.putObject("status").put("phase", "Running");
    ((ObjectNode) change.path("metadata")).putObject("labels").put("ignored", "yes");
    Reply updated = send("PUT", "/api/v1/namespaces/" + ns + "/pods/p/status", change.toString());
    assertThat(updated.code()).isEqualTo(200);
    assertThat(updated.json().path("status").path("phase").asText()).isEqualTo("Running");
    assertThat(updated.json().path("metadata").path("labels").has("ignored")).isFalse();
    assertThat(updated.json().path("metadata").path("generation")).isEqualTo(pod.path("metadata").path("generation"));
    // ConfigMaps have no status.
    assertThat(send("PUT", "/api/v1/namespaces/" + ns + "/configmaps/x/status", configMap("x", "1").toString()).code()).isEqualTo(404);
  }

  @Test
  void deleteReturnsTheObjectAndHonoursPreconditions() throws Exception {
    String ns = namespace();
    JsonNode created = send("POST", "/api/v1/namespaces/" + ns + "/configmaps", configMap("a", "1")).json();
    String wrongUid = """
        {"kind":"DeleteOptions","apiVersion":"v1","preconditions":{"uid":"not-the-uid"}}""";
    Reply refused = send("DELETE", "/api/v1/namespaces/" + ns + "/configmaps/a", wrongUid);
    assertThat(refused.code()).isEqualTo(409);
    assertThat(send("GET", "/api/v1/namespaces/" + ns + "/configmaps/a", null).code()).isEqualTo(200);

    Reply dryRun = send("DELETE", "/api/v1/namespaces/" + ns + "/configmaps/a?dryRun=All", null);
    assertThat(dryRun.code()).isEqualTo(200);
    assertThat(send("GET", "/api/v1/namespaces/" + ns + "/configmaps/a", null).code()).isEqualTo(200);

    Reply deleted = send("DELETE", "/api/v1/namespaces/" + ns + "/configmaps/a", null);
    assertThat(deleted.code()).isEqualTo(200);
    assertThat(deleted.json().path("metadata").path("uid")).isEqualTo(created.path("metadata").path("uid"));
    Reply gone = send("GET", "/api/v1/namespaces/" + ns + "/configmaps/a", null);
    assertThat(gone.code()).isEqualTo(404);
    assertThat(gone.json().path("reason").asText()).isEqualTo("NotFound");
    assertThat(gone.json().path("message").asText()).isEqualTo("configmaps \"a\" not found");
  }

  @Test
  void anObjectHeldByAFinalizerIsMarkedAndAnswered202() throws Exception {
    String ns = namespace();
    ObjectNode cm = configMap("held", "1");
    ((ObjectNode) cm.path("metadata")).putArray("finalizers").add("example.com/hold");
    send("POST", "/api/v1/namespaces/" + ns + "/configmaps", cm.toString());
    Reply marked = send("DELETE", "/api/v1/namespaces/" + ns + "/configmaps/held", null);
    assertThat(marked.code()).isEqualTo(202);
    assertThat(marked.json().path("metadata").path("deletionTimestamp").asText()).isNotEmpty();
  }

  @Test
  void historyListsEveryVersionIncludingTheDeletion() throws Exception {
    String ns = namespace();
    JsonNode created = send("POST", "/api/v1/namespaces/" + ns + "/configmaps", configMap("a", "1")).json();
    ObjectNode change = created.deepCopy();
    ((ObjectNode) change.path("data")).put("value", "2");
    send("PUT", "/api/v1/namespaces/" + ns + "/configmaps/a", change.toString());
    send("DELETE", "/api/v1/namespaces/" + ns + "/configmaps/a", null);

    Reply history = send("GET", "/api/v1/namespaces/" + ns + "/configmaps/a/history", null);
    assertThat(history.code()).isEqualTo(200);
    assertThat(history.json().path("kind").asText()).isEqualTo("ObjectHistory");
    List<String> operations = new ArrayList<>();
    history.json().path("items").forEach(item -> operations.add(item.path("operation").asText()));
    assertThat(operations).containsExactly("CREATE", "UPDATE", "DELETE");
    assertThat(history.json().path("items").get(1).path("object").path("data").path("value").asText()).isEqualTo("2");
    assertThat(send("GET", "/api/v1/namespaces/" + ns + "/configmaps/never/history", null).code()).isEqualTo(404);
  }

  @Test
  void aWatchOverAWebSocketSendsOneEventPerMessage() throws Exception {
    String ns = namespace();
    java.util.concurrent.BlockingQueue<String> messages = new java.util.concurrent.LinkedBlockingQueue<>();
    java.net.http.WebSocket socket = http.newWebSocketBuilder()
        .buildAsync(URI.create(server.url().replace("http://", "ws://") + "/api/v1/namespaces/" + ns + "/configmaps?watch=true"),
            new java.net.http.WebSocket.Listener() {
              private final StringBuilder text = new StringBuilder();

              @Override
              public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket webSocket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                  messages.add(text.toString());
                  text.setLength(0);
                }
                webSocket.request(1);
                return null;
              }
            })
        .get(10, java.util.concurrent.TimeUnit.SECONDS);
    try {
      send("POST", "/api/v1/namespaces/" + ns + "/configmaps", configMap("over-ws", "1"));
      String first = messages.poll(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(first).as("an event within 10 s").isNotNull();
      JsonNode event = KubeJson.MAPPER.readTree(first);
      assertThat(event.path("type").asText()).isEqualTo("ADDED");
      assertThat(event.path("object").path("metadata").path("name").asText()).isEqualTo("over-ws");
    } finally {
      socket.abort();
    }
  }

  @Test
  void mergeAndJsonPatchesChangeTheCurrentObject() throws Exception {
    String ns = namespace();
    String path = "/api/v1/namespaces/" + ns + "/configmaps/a";
    JsonNode created = send("POST", "/api/v1/namespaces/" + ns + "/configmaps", configMap("a", "1")).json();

    Reply merged = send("PATCH", path, "{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"data\":{\"value\":null,\"other\":\"x\"}}",
        "application/merge-patch+json");
    assertThat(merged.code()).as(merged.body()).isEqualTo(200);
    assertThat(merged.json().path("metadata").path("labels").path("app").asText()).isEqualTo("web");
    assertThat(merged.json().path("data").has("value")).isFalse();
    assertThat(merged.json().path("data").path("other").asText()).isEqualTo("x");
    assertThat(rv(merged.json())).isGreaterThan(rv(created));

    Reply patched = send("PATCH", path, "[{\"op\":\"test\",\"path\":\"/data/other\",\"value\":\"x\"},"
        + "{\"op\":\"replace\",\"path\":\"/data/other\",\"value\":\"y\"}]", "application/json-patch+json");
    assertThat(patched.code()).as(patched.body()).isEqualTo(200);
    assertThat(patched.json().path("data").path("other").asText()).isEqualTo("y");

    Reply failedTest = send("PATCH", path, "[{\"op\":\"test\",\"path\":\"/data/other\",\"value\":\"x\"}]", "application/json-patch+json");
    assertThat(failedTest.code()).isEqualTo(422);
    Reply malformed = send("PATCH", path, "[{\"op\":\"jump\"}]", "application/json-patch+json");
    assertThat(malformed.code()).isEqualTo(400);
    Reply strategic = send("PATCH", path, "{\"data\":{\"third\":\"z\"}}", "application/strategic-merge-patch+json");
    assertThat(strategic.code()).as(strategic.body()).isEqualTo(200);
    assertThat(strategic.json().path("data").path("third").asText()).isEqualTo("z");
    Reply unknownType = send("PATCH", path, "{}", "application/x-unknown-patch+json");
    assertThat(unknownType.code()).isEqualTo(415);
    assertThat(unknownType.json().path("message").asText()).contains("application/x-unknown-patch+json");

    // A patch that names a stale resourceVersion is a precondition, and fails.
    Reply stale = send("PATCH", path, "{\"metadata\":{\"resourceVersion\":\"" + rv(created) + "\"},\"data\":{\"z\":\"1\"}}",
        "application/merge-patch+json");
    assertThat(stale.code()).isEqualTo(409);
    Reply rename = send("PATCH", path, "{\"metadata\":{\"name\":\"b\"}}", "application/merge-patch+json");
    assertThat(rename.code()).isEqualTo(400);
    assertThat(send("GET", path, null).json().path("data").path("other").asText()).isEqualTo("y");
    assertThat(send("PATCH", "/api/v1/namespaces/" + ns + "/configmaps/none", "{}", "application/merge-patch+json").code()).isEqualTo(404);
  }

  @Test
  void aStatusPatchChangesOnlyTheStatus() throws Exception {
    String ns = namespace();
    send("POST", "/api/v1/namespaces/" + ns + "/pods", pod("p").toString());
    Reply patched = send("PATCH", "/api/v1/namespaces/" + ns + "/pods/p/status",
        "{\"status\":{\"phase\":\"Running\"},\"spec\":{\"nodeName\":\"ignored\"}}", "application/merge-patch+json");
    assertThat(patched.code()).as(patched.body()).isEqualTo(200);
    assertThat(patched.json().path("status").path("phase").asText()).isEqualTo("Running");
    assertThat(patched.json().path("spec").has("nodeName")).isFalse();
  }

  @Test
  void deleteCollectionDeletesWhatTheSelectorMatches() throws Exception {
    String ns = namespace();
    for (String name : List.of("a", "b", "c")) {
      ObjectNode cm = configMap(name, "1");
      ((ObjectNode) cm.path("metadata")).putObject("labels").put("keep", name.equals("c") ? "yes" : "no");
      send("POST", "/api/v1/namespaces/" + ns + "/configmaps", cm.toString());
    }
    Reply deleted = send("DELETE", "/api/v1/namespaces/" + ns + "/configmaps?labelSelector=keep%3Dno", null);
    assertThat(deleted.code()).isEqualTo(200);
    assertThat(names(deleted.json())).containsExactlyInAnyOrder("a", "b");
    assertThat(names(send("GET", "/api/v1/namespaces/" + ns + "/configmaps", null).json())).containsExactly("c");
  }

  @Test
  void theScaleSubresourceReadsAndSetsAWorkloadsReplicas() throws Exception {
    String ns = namespace();
    send("POST", "/apis/apps/v1/namespaces/" + ns + "/deployments", deployment("web", 2).toString());
    String path = "/apis/apps/v1/namespaces/" + ns + "/deployments/web/scale";

    JsonNode scale = send("GET", path, null).json();
    assertThat(scale.path("kind").asText()).isEqualTo("Scale");
    assertThat(scale.path("apiVersion").asText()).isEqualTo("autoscaling/v1");
    assertThat(scale.path("spec").path("replicas").asInt()).isEqualTo(2);
    assertThat(scale.path("status").path("selector").asText()).isEqualTo("app=web");

    // kubectl scale sends a merge patch to the scale subresource.
    Reply patched = send("PATCH", path, "{\"spec\":{\"replicas\":5}}", "application/merge-patch+json");
    assertThat(patched.code()).as(patched.body()).isEqualTo(200);
    assertThat(patched.json().path("spec").path("replicas").asInt()).isEqualTo(5);
    assertThat(send("GET", "/apis/apps/v1/namespaces/" + ns + "/deployments/web", null).json().path("spec").path("replicas").asInt())
        .isEqualTo(5);

    ObjectNode put = patched.json().deepCopy();
    ((ObjectNode) put.path("spec")).put("replicas", 1);
    assertThat(send("PUT", path, put.toString()).json().path("spec").path("replicas").asInt()).isEqualTo(1);
    assertThat(send("PUT", path, put.toString()).code()).as("a stale resourceVersion in the Scale").isEqualTo(409);
    ((ObjectNode) put.path("spec")).put("replicas", -1);
    ((ObjectNode) put.path("metadata")).remove("resourceVersion");
    assertThat(send("PUT", path, put.toString()).code()).isEqualTo(422);

    assertThat(send("GET", "/api/v1/namespaces/" + ns + "/configmaps/x/scale", null).code()).isEqualTo(404);
  }

  @Test
  void aScalePatchIsNotRefusedBecauseTheObjectChangedMeanwhile() throws Exception {
    String ns = namespace();
    send("POST", "/apis/apps/v1/namespaces/" + ns + "/deployments", deployment("busy", 1).toString());
    String path = "/apis/apps/v1/namespaces/" + ns + "/deployments/busy";
    // Scale patches race with writes of the object's status (a controller's), as during a rollout.
    java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<Reply>> scales = new ArrayList<>();
      for (int i = 1; i <= 20; i++) {
        int replicas = i;
        scales.add(clients.submit(() -> send("PATCH", path + "/scale", "{\"spec\":{\"replicas\":" + replicas + "}}", "application/merge-patch+json")));
        scales.add(clients.submit(() -> send("PATCH", path + "/status", "{\"status\":{\"observedGeneration\":" + replicas + "}}",
            "application/merge-patch+json")));
      }
      for (var reply : scales) {
        assertThat(reply.get().code()).as(reply.get().body()).isEqualTo(200);
      }
    } finally {
      clients.shutdownNow();
    }
    // A patch that names a resourceVersion itself keeps it as a precondition.
    Reply stale = send("PATCH", path + "/scale", "{\"metadata\":{\"resourceVersion\":\"1\"},\"spec\":{\"replicas\":3}}", "application/merge-patch+json");
    assertThat(stale.code()).as(stale.body()).isEqualTo(409);
  }

  @Test
  void aPodIsBoundOnce() throws Exception {
    String ns = namespace();
    send("POST", "/api/v1/namespaces/" + ns + "/pods", pod("p").toString());
    String binding = "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"p\"},\"target\":{\"kind\":\"Node\",\"name\":\"%s\"}}";
    Reply bound = send("POST", "/api/v1/namespaces/" + ns + "/pods/p/binding", binding.formatted("node-1"));
    assertThat(bound.code()).as(bound.body()).isEqualTo(201);
    assertThat(bound.json().path("status").asText()).isEqualTo("Success");
    assertThat(send("GET", "/api/v1/namespaces/" + ns + "/pods/p", null).json().path("spec").path("nodeName").asText()).isEqualTo("node-1");

    Reply again = send("POST", "/api/v1/namespaces/" + ns + "/pods/p/binding", binding.formatted("node-2"));
    assertThat(again.code()).isEqualTo(409);
    assertThat(again.json().path("message").asText()).contains("already assigned to node \"node-1\"");
    assertThat(send("GET", "/api/v1/namespaces/" + ns + "/pods/p", null).json().path("spec").path("nodeName").asText()).isEqualTo("node-1");
    assertThat(send("POST", "/api/v1/namespaces/" + ns + "/pods/missing/binding",
        binding.formatted("node-1").replace("\"name\":\"p\"", "\"name\":\"missing\"")).code()).isEqualTo(404);
    assertThat(send("POST", "/api/v1/namespaces/" + ns + "/pods/missing/binding", binding.formatted("node-1")).code())
        .as("a binding naming another pod").isEqualTo(400);
  }

  /** Kubernetes' legacy bindings collection, where the Python client's create_namespaced_binding posts. */
  @Test
  void aPodIsBoundThroughItsNamespacesBindingsWithThePodNamedInTheBinding() throws Exception {
    String ns = namespace();
    String bindings = "/api/v1/namespaces/" + ns + "/bindings";
    send("POST", "/api/v1/namespaces/" + ns + "/pods", pod("p").toString());
    String binding = "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"%s\"},\"target\":{\"kind\":\"Node\",\"name\":\"%s\"}}";

    Reply bound = send("POST", bindings, binding.formatted("p", "node-1"));
    assertThat(bound.code()).as(bound.body()).isEqualTo(201);
    assertThat(bound.json().path("status").asText()).isEqualTo("Success");
    assertThat(send("GET", "/api/v1/namespaces/" + ns + "/pods/p", null).json().path("spec").path("nodeName").asText()).isEqualTo("node-1");

    Reply again = send("POST", bindings, binding.formatted("p", "node-2"));
    assertThat(again.code()).as("a bound pod is bound once").isEqualTo(409);
    assertThat(send("POST", bindings, binding.formatted("missing", "node-1")).code()).as("a pod that does not exist").isEqualTo(404);
    Reply unnamed = send("POST", bindings, "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"target\":{\"name\":\"node-1\"}}");
    assertThat(unnamed.code()).as(unnamed.body()).isEqualTo(422);
    assertThat(unnamed.json().path("message").asText()).contains("metadata.name: Required value");
    assertThat(send("GET", bindings, null).code()).as("bindings are created only").isEqualTo(405);
  }

  @Test
  void podLogsNeedABoundPodAKnownContainerAndAReachableNode() throws Exception {
    String ns = namespace();
    send("POST", "/api/v1/namespaces/" + ns + "/pods", pod("p").toString());
    Reply unbound = send("GET", "/api/v1/namespaces/" + ns + "/pods/p/log", null);
    assertThat(unbound.code()).isEqualTo(400);
    assertThat(unbound.json().path("message").asText()).isEqualTo("pod p does not have a host assigned");

    String binding = "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"p\"},\"target\":{\"kind\":\"Node\",\"name\":\"gone\"}}";
    assertThat(send("POST", "/api/v1/namespaces/" + ns + "/pods/p/binding", binding).code()).isEqualTo(201);
    Reply noAgent = send("GET", "/api/v1/namespaces/" + ns + "/pods/p/log", null);
    assertThat(noAgent.code()).isEqualTo(503);
    assertThat(noAgent.json().path("reason").asText()).isEqualTo("ServiceUnavailable");
    assertThat(noAgent.json().path("message").asText()).contains("node gone is not reachable");

    Reply wrongContainer = send("GET", "/api/v1/namespaces/" + ns + "/pods/p/log?container=nope", null);
    assertThat(wrongContainer.code()).isEqualTo(400);
    assertThat(wrongContainer.json().path("message").asText()).isEqualTo("container nope is not valid for pod p");
    assertThat(send("GET", "/api/v1/namespaces/" + ns + "/pods/p/log?tailLines=x", null).code()).isEqualTo(400);
    assertThat(send("GET", "/api/v1/namespaces/" + ns + "/pods/none/log", null).code()).isEqualTo(404);
  }

  // ---- bad input ----

  @Test
  void badInputGetsAStatusAndNothingIsPersisted() throws Exception {
    String ns = namespace();
    String path = "/api/v1/namespaces/" + ns + "/configmaps";

    Reply malformed = send("POST", path, "{\"apiVersion\":\"v1\",");
    assertThat(malformed.code()).isEqualTo(400);
    assertThat(malformed.json().path("reason").asText()).isEqualTo("BadRequest");
    assertThat(malformed.json().path("message").asText()).startsWith("the request body is not valid JSON");

    Reply notAnObject = send("POST", path, "[1,2]");
    assertThat(notAnObject.code()).isEqualTo(400);

    Reply text = send("POST", path, configMap("t", "1").toString(), "text/plain");
    assertThat(text.code()).isEqualTo(415);
    assertThat(text.json().path("reason").asText()).isEqualTo("UnsupportedMediaType");

    Reply huge = send("POST", path, configMap("huge", "x".repeat(100_000)).toString());
    assertThat(huge.code()).isEqualTo(413);
    assertThat(huge.json().path("reason").asText()).isEqualTo("RequestEntityTooLarge");

    ObjectNode invalid = configMap("Not_A_Name", "1");
    ((ObjectNode) invalid.path("metadata")).putObject("labels").put("bad key!", "v");
    Reply rejected = send("POST", path, invalid.toString());
    assertThat(rejected.code()).isEqualTo(422);
    assertThat(rejected.json().path("reason").asText()).isEqualTo("Invalid");
    assertThat(rejected.json().path("details").path("kind").asText()).isEqualTo("ConfigMap");
    List<String> fields = new ArrayList<>();
    rejected.json().path("details").path("causes").forEach(cause -> fields.add(cause.path("field").asText()));
    assertThat(fields).contains("metadata.name", "metadata.labels");

    ObjectNode elsewhere = configMap("elsewhere", "1");
    ((ObjectNode) elsewhere.path("metadata")).put("namespace", "default");
    assertThat(send("POST", path, elsewhere.toString()).code()).isEqualTo(400);

    ObjectNode wrongKind = configMap("wrong-kind", "1").put("kind", "Secret");
    assertThat(send("POST", path, wrongKind.toString()).code()).isBetween(400, 422);

    assertThat(send("POST", path, null).code()).isEqualTo(400);
    assertThat(send("GET", path + "?labelSelector=a%20in", null).code()).isEqualTo(400);
    assertThat(send("GET", path + "?limit=-1", null).code()).isEqualTo(400);

    assertThat(send("GET", path, null).json().path("items")).isEmpty();
  }

  @Test
  void unknownPathsAndMethodsAreAnsweredWithAStatus() throws Exception {
    Reply unknown = send("GET", "/api/v1/widgets", null);
    assertThat(unknown.code()).isEqualTo(404);
    assertThat(unknown.json().path("kind").asText()).isEqualTo("Status");
    assertThat(send("GET", "/nothing/here", null).code()).isEqualTo(404);
    Reply method = send("POST", "/api/v1/namespaces/default/configmaps/a", configMap("a", "1").toString());
    assertThat(method.code()).isEqualTo(405);
    assertThat(method.json().path("reason").asText()).isEqualTo("MethodNotAllowed");
  }

  // ---- watch ----

  @Test
  void aWatchFromAListSeesEveryLaterChangeInOrderAsJsonLines() throws Exception {
    String ns = namespace();
    send("POST", "/api/v1/namespaces/" + ns + "/configmaps", configMap("before", "0"));
    String version = send("GET", "/api/v1/namespaces/" + ns + "/configmaps", null).json().path("metadata").path("resourceVersion").asText();

    try (Watch watch = watch("/api/v1/namespaces/" + ns + "/configmaps?watch=true&resourceVersion=" + version + "&timeoutSeconds=20")) {
      JsonNode a = send("POST", "/api/v1/namespaces/" + ns + "/configmaps", configMap("a", "1")).json();
      ObjectNode change = a.deepCopy();
      ((ObjectNode) change.path("data")).put("value", "2");
      JsonNode updated = send("PUT", "/api/v1/namespaces/" + ns + "/configmaps/a", change.toString()).json();
      send("DELETE", "/api/v1/namespaces/" + ns + "/configmaps/a", null);

      List<JsonNode> events = watch.next(3);
      assertThat(events).extracting(e -> e.path("type").asText()).containsExactly("ADDED", "MODIFIED", "DELETED");
      assertThat(events.get(0).path("object").path("metadata").path("name").asText()).isEqualTo("a");
      assertThat(rv(events.get(1).path("object"))).isEqualTo(rv(updated));
      assertThat(rv(events.get(2).path("object"))).isGreaterThan(rv(updated));
    }
  }

  @Test
  void aWatchWithoutAVersionStartsWithTheCurrentObjectsAndEndsAtItsTimeout() throws Exception {
    String ns = namespace();
    send("POST", "/api/v1/namespaces/" + ns + "/configmaps", configMap("x", "0"));
    long start = System.nanoTime();
    try (Watch watch = watch("/api/v1/namespaces/" + ns + "/configmaps?watch=1&timeoutSeconds=2")) {
      JsonNode first = watch.next(1).get(0);
      assertThat(first.path("type").asText()).isEqualTo("ADDED");
      assertThat(first.path("object").path("metadata").path("name").asText()).isEqualTo("x");
      assertThat(watch.awaitEnd(Duration.ofSeconds(15))).isTrue();
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void aWatchFromAVersionOutsideTheWindowEndsWith410() throws Exception {
    String ns = namespace();
    String old = send("GET", "/api/v1/namespaces/" + ns + "/configmaps", null).json().path("metadata").path("resourceVersion").asText();
    for (int i = 0; i < WATCH_WINDOW + 5; i++) {
      send("POST", "/api/v1/namespaces/" + ns + "/configmaps", configMap("c" + i, "v"));
    }
    try (Watch watch = watch("/api/v1/namespaces/" + ns + "/configmaps?watch=true&resourceVersion=" + old)) {
      JsonNode error = watch.next(1).get(0);
      assertThat(error.path("type").asText()).isEqualTo("ERROR");
      assertThat(error.path("object").path("kind").asText()).isEqualTo("Status");
      assertThat(error.path("object").path("code").asInt()).isEqualTo(410);
      assertThat(watch.awaitEnd(Duration.ofSeconds(10))).isTrue();
    }
  }

  // ---- operations endpoints ----

  @Test
  void healthReadinessAndVersion() throws Exception {
    for (String path : List.of("/healthz", "/livez", "/readyz")) {
      Reply reply = send("GET", path, null);
      assertThat(reply.code()).as(path).isEqualTo(200);
      assertThat(reply.body()).isEqualTo("ok");
    }
    JsonNode version = send("GET", "/version", null).json();
    assertThat(version.path("major").asText()).isEqualTo("1");
    assertThat(version.path("minor").asText()).isEqualTo(ApiServer.KUBERNETES_MINOR);
    assertThat(version.path("gitVersion").asText()).startsWith("v1." + ApiServer.KUBERNETES_MINOR + ".");
  }

  @Test
  void metricsCountRequestsByVerbResourceAndCodeAndShowOpenWatches() throws Exception {
    String ns = namespace();
    send("POST", "/api/v1/namespaces/" + ns + "/configmaps", configMap("m", "1"));
    send("GET", "/api/v1/namespaces/" + ns + "/configmaps/absent", null);
    try (Watch watch = watch("/api/v1/namespaces/" + ns + "/configmaps?watch=true&timeoutSeconds=30")) {
      watch.next(1);
      Reply metrics = send("GET", "/metrics", null);
      assertThat(metrics.code()).isEqualTo(200);
      assertThat(metrics.body())
          .containsPattern("apiserver_request_total\\{code=\"201\",resource=\"configmaps\",verb=\"POST\"} [1-9]")
          .containsPattern("apiserver_request_total\\{code=\"404\",resource=\"configmaps\",verb=\"GET\"} [1-9]")
          .contains("apiserver_request_duration_seconds_bucket{code=\"201\",resource=\"configmaps\",verb=\"POST\"")
          .containsPattern("apiserver_watches_open [1-9]")
          .containsPattern("dirigent_store_write_seconds_count\\{resource=\"configmaps\",result=\"ok\"} [1-9]")
          .contains("jvm_memory_used_bytes");
    }
  }

  // ---- helpers ----

  private record Reply(int code, String body, String contentType, List<String> warnings) {
    JsonNode json() throws IOException {
      return KubeJson.MAPPER.readTree(body);
    }
  }

  private String namespace() throws Exception {
    String name = "api-" + NAMESPACES.incrementAndGet();
    Reply created = send("POST", "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name + "\"}}");
    assertThat(created.code()).isEqualTo(201);
    return name;
  }

  private Reply send(String method, String path, Object body) throws Exception {
    return send(method, path, body == null ? null : body.toString(), "application/json");
  }

  private Reply send(String method, String path, String body, String contentType) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(30));
    if (body == null) {
      request.method(method, BodyPublishers.noBody());
    } else {
      request.header("Content-Type", contentType).method(method, BodyPublishers.ofString(body));
    }
    HttpResponse<String> response = http.send(request.build(), BodyHandlers.ofString());
    return new Reply(response.statusCode(), response.body(), response.headers().firstValue("Content-Type").orElse(""),
        response.headers().allValues("Warning"));
  }

  @Test
  void strictFieldValidationRefusesUnknownFieldsAndWarnNamesThem() throws Exception {
    String ns = namespace();
    String path = "/api/v1/namespaces/" + ns + "/configmaps";
    ObjectNode typo = configMap("typo", "1");
    typo.putObject("dta").put("k", "v");
    ((ObjectNode) typo.path("metadata")).put("lables", "x");

    Reply strict = send("POST", path + "?fieldValidation=Strict", typo.toString());
    assertThat(strict.code()).isEqualTo(400);
    assertThat(strict.json().path("reason").asText()).isEqualTo("BadRequest");
    assertThat(strict.json().path("message").asText())
        .isEqualTo("strict decoding error: unknown field \"metadata.lables\", unknown field \"dta\"");
    assertThat(send("GET", path + "/typo", null).code()).isEqualTo(404);

    Reply warned = send("POST", path + "?fieldValidation=Warn", typo.toString());
    assertThat(warned.code()).isEqualTo(201);
    assertThat(warned.warnings()).containsExactly(
        "299 - \"unknown field \\\"metadata.lables\\\"\"", "299 - \"unknown field \\\"dta\\\"\"");
    assertThat(warned.json().has("dta")).isFalse();

    // Without the parameter unknown fields are dropped silently, as Kubernetes does by default.
    Reply ignored = send("POST", path, configMap("plain", "1").put("extra", true).toString());
    assertThat(ignored.code()).isEqualTo(201);
    assertThat(ignored.warnings()).isEmpty();
    assertThat(ignored.json().has("extra")).isFalse();

    // PUT and PATCH are checked too: a patch by the object it produces.
    ObjectNode update = (ObjectNode) ignored.json().deepCopy();
    update.putObject("spec");
    assertThat(send("PUT", path + "/plain?fieldValidation=Strict", update.toString()).code()).isEqualTo(400);
    Reply patched = send("PATCH", path + "/plain?fieldValidation=Strict", "{\"data\":{\"k\":\"v\"},\"imutable\":true}",
        "application/merge-patch+json");
    assertThat(patched.code()).isEqualTo(400);
    assertThat(patched.json().path("message").asText()).isEqualTo("strict decoding error: unknown field \"imutable\"");
    assertThat(send("GET", path + "/plain", null).json().path("data").has("k")).isFalse();
    assertThat(send("PATCH", path + "/plain?fieldValidation=Strict", "{\"immutable\":true}", "application/merge-patch+json").code())
        .isEqualTo(200);

    assertThat(send("POST", path + "?fieldValidation=Loose", configMap("loose", "1").toString()).code()).isEqualTo(400);
  }

  /** A watch stream read line by line on another thread. */
  private final class Watch implements AutoCloseable {
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final java.util.concurrent.CompletableFuture<HttpResponse<Stream<String>>> response;
    private volatile boolean ended;

    Watch(String path) {
      response = http.sendAsync(HttpRequest.newBuilder(URI.create(server.url() + path)).GET().build(), BodyHandlers.ofLines());
      response.thenAcceptAsync(r -> {
        assertThat(r.statusCode()).isEqualTo(200);
        try (Stream<String> stream = r.body()) {
          stream.forEach(lines::add);
        } catch (RuntimeException e) {
          // the stream was closed
        }
        ended = true;
      });
    }

    List<JsonNode> next(int count) throws Exception {
      List<JsonNode> events = new ArrayList<>();
      while (events.size() < count) {
        String line = lines.poll(15, TimeUnit.SECONDS);
        assertThat(line).as("watch event %d of %d", events.size() + 1, count).isNotNull();
        events.add(KubeJson.MAPPER.readTree(line));
      }
      return events;
    }

    boolean awaitEnd(Duration within) throws InterruptedException {
      long deadline = System.nanoTime() + within.toNanos();
      while (!ended && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      return ended;
    }

    @Override
    public void close() {
      response.thenAccept(r -> r.body().close());
    }
  }

  private Watch watch(String path) {
    return new Watch(path);
  }

  private static ObjectNode configMap(String name, String value) {
    ObjectNode cm = KubeJson.MAPPER.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
    cm.putObject("metadata").put("name", name);
    cm.putObject("data").put("value", value);
    return cm;
  }

  private static ObjectNode deployment(String name, int replicas) throws IOException {
    return (ObjectNode) KubeJson.MAPPER.readTree("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%s"},
         "spec":{"replicas":%d,"selector":{"matchLabels":{"app":"%s"}},
                 "template":{"metadata":{"labels":{"app":"%s"}},
                             "spec":{"containers":[{"name":"app","image":"dirigent/busybox:1"}]}}}}
        """.formatted(name, replicas, name, name));
  }

  private static ObjectNode pod(String name) {
    ObjectNode pod = KubeJson.MAPPER.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
    pod.putObject("metadata").put("name", name);
    pod.putObject("spec").putArray("containers").addObject().put("name", "app").put("image", "dirigent/busybox:1");
    return pod;
  }

  private static long rv(JsonNode object) {
    return Long.parseLong(object.path("metadata").path("resourceVersion").asText());
  }

  private static List<String> names(JsonNode list) {
    List<String> names = new ArrayList<>();
    list.path("items").forEach(item -> names.add(item.path("metadata").path("name").asText()));
    return names;
  }
}
