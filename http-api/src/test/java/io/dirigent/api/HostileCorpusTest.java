package io.dirigent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.api.testing.TestApiServer;
import io.dirigent.core.api.KubeJson;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The project's own adversarial corpus: several hundred hostile requests in the classes an
 * attacker tries (names, types, host access, rule injection, paths, malformed and oversized
 * bodies, patches, parameters, quantities, labels), generated here. Each must be answered with a
 * 4xx Kubernetes Status of the expected code, and write nothing; afterwards the server must still
 * be ready, serve writes, lists and watches, and its live heap must have grown by a bounded amount.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileCorpusTest {

  private static final String NS = "hostile";
  private static final long HEAP_GROWTH_BOUND = 256L << 20;

  /** One hostile request, what it attacks, and the codes that are a correct refusal. */
  record Case(String attack, String method, String path, String contentType, byte[] body, Set<Integer> codes) {
    @Override
    public String toString() {
      return attack;
    }
  }

  private TestApiServer server;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private long heapBefore;

  @BeforeAll
  void start() throws Exception {
    server = TestApiServer.start(Map.of());
    assertThat(send("POST", "/api/v1/namespaces", "application/json",
        bytes("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + NS + "\"}}")).statusCode()).isEqualTo(201);
    heapBefore = liveHeap();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @TestFactory
  @Order(1)
  Stream<DynamicTest> everyHostileRequestIsRefusedWithAStatusAndWritesNothing() {
    List<Case> corpus = corpus();
    assertThat(corpus).as("the corpus is several hundred requests").hasSizeGreaterThan(400);
    return corpus.stream().map(c -> DynamicTest.dynamicTest(c.attack(), () -> refused(c)));
  }

  @Test
  @Order(2)
  void afterTheCorpusTheServerServesAndItsHeapIsBounded() throws Exception {
    assertThat(send("GET", "/readyz", null, null).statusCode()).isEqualTo(200);
    // Abandoned watches: opened on a collection, never read, closed.
    List<Socket> watches = new ArrayList<>();
    URI uri = URI.create(server.url());
    for (int i = 0; i < 300; i++) {
      Socket socket = new Socket(uri.getHost(), uri.getPort());
      socket.getOutputStream().write(("GET /api/v1/namespaces/" + NS + "/configmaps?watch=true HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      watches.add(socket);
    }
    for (Socket socket : watches) {
      socket.close();
    }
    HttpResponse<String> created = send("POST", "/api/v1/namespaces/" + NS + "/configmaps", "application/json",
        bytes("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"still-works\"},\"data\":{\"a\":\"1\"}}"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    HttpResponse<String> list = send("GET", "/api/v1/namespaces/" + NS + "/configmaps", null, null);
    assertThat(KubeJson.MAPPER.readTree(list.body()).path("items")).hasSize(1);
    HttpResponse<String> watch = send("GET", "/api/v1/namespaces/" + NS + "/configmaps?watch=true&timeoutSeconds=1", null, null);
    assertThat(watch.body()).contains("\"still-works\"");
    long growth = liveHeap() - heapBefore;
    System.out.printf("HostileCorpusTest: live heap grew by %.1f MiB over the corpus%n", growth / 1048576.0);
    assertThat(growth).as("live heap growth in bytes").isLessThan(HEAP_GROWTH_BOUND);
  }

  private void refused(Case c) throws Exception {
    HttpResponse<String> response;
    try {
      response = send(c.method(), c.path(), c.contentType(), c.body());
    } catch (IOException e) {
      throw new AssertionError(c.attack() + ": no answer (" + e.getMessage() + ")", e);
    }
    List<String> written = new ArrayList<>();
    for (String collection : COLLECTIONS.values()) {
      JsonNode items = KubeJson.MAPPER.readTree(send("GET", collection, null, null).body()).path("items");
      if (!items.isEmpty()) {
        written.add(collection + ": " + items.size());
        // Cleared, so that one failure does not fail every case after it.
        send("DELETE", collection, null, null);
      }
    }
    assertThat(response.statusCode()).as("%s: %s", c.attack(), abbreviated(response.body(), 400)).isIn(c.codes());
    assertThat(written).as("nothing written after %s", c.attack()).isEmpty();
    if (response.statusCode() == 200) {
      // A read of something that cannot exist (a namespace no object can be in) may list nothing, as Kubernetes does.
      assertThat(KubeJson.MAPPER.readTree(response.body()).path("items")).as("%s lists nothing", c.attack()).isEmpty();
      return;
    }
    JsonNode status = KubeJson.MAPPER.readTree(response.body());
    assertThat(status.path("kind").asText()).as("a Status: %s", abbreviated(response.body(), 400)).isEqualTo("Status");
    assertThat(status.path("code").asInt()).isEqualTo(response.statusCode());
  }

  // ---- the corpus ----

  private static final String CONFIG_MAP = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm\"},\"data\":{\"k\":\"v\"}}";
  private static final String POD = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"labels\":{\"app\":\"a\"}},"
      + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"dirigent/busybox:1\",\"ports\":[{\"containerPort\":80}],"
      + "\"env\":[{\"name\":\"A\",\"value\":\"1\"}],\"resources\":{\"limits\":{\"memory\":\"64Mi\"}}}]}}";
  private static final String SERVICE = "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"s\"},"
      + "\"spec\":{\"selector\":{\"app\":\"a\"},\"ports\":[{\"name\":\"http\",\"port\":80,\"targetPort\":8080,\"protocol\":\"TCP\"}]}}";
  private static final String DEPLOYMENT = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"},"
      + "\"spec\":{\"replicas\":1,\"selector\":{\"matchLabels\":{\"app\":\"a\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"a\"}},"
      + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"dirigent/busybox:1\"}]}}}}";
  private static final String SECRET = "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"sec\"},\"data\":{\"k\":\"dg==\"}}";
  private static final String ENDPOINTS = "{\"apiVersion\":\"v1\",\"kind\":\"Endpoints\",\"metadata\":{\"name\":\"e\"},"
      + "\"subsets\":[{\"addresses\":[{\"ip\":\"10.1.2.3\"}],\"ports\":[{\"name\":\"http\",\"port\":80}]}]}";

  private static final Map<String, String> COLLECTIONS = Map.of(
      "configmaps", "/api/v1/namespaces/" + NS + "/configmaps",
      "pods", "/api/v1/namespaces/" + NS + "/pods",
      "services", "/api/v1/namespaces/" + NS + "/services",
      "deployments", "/apis/apps/v1/namespaces/" + NS + "/deployments",
      "secrets", "/api/v1/namespaces/" + NS + "/secrets",
      "endpoints", "/api/v1/namespaces/" + NS + "/endpoints");
  private static final Map<String, String> TEMPLATES = Map.of(
      "configmaps", CONFIG_MAP, "pods", POD, "services", SERVICE, "deployments", DEPLOYMENT, "secrets", SECRET, "endpoints", ENDPOINTS);

  private static List<Case> corpus() {
    List<Case> cases = new ArrayList<>();
    badNames(cases);
    wrongTypes(cases);
    hostAccess(cases);
    ruleInjection(cases);
    pathEscapes(cases);
    malformedBodies(cases);
    oversized(cases);
    patches(cases);
    parameters(cases);
    quantitiesAndMetadata(cases);
    return cases;
  }

  private static void badNames(List<Case> cases) {
    List<String> anyKind = List.of("UPPER", "under_score", "-lead", "trail-", "a b", "tab\tname", "new\nline", "nul\u0000x",
        "ünïcödé", "emoji-\uD83D\uDE00", "a/b", "..", ".", "x".repeat(254), "a..b", "a%2Fb", "\u202Eevil", "semi;colon", "quo\"te");
    for (String resource : List.of("configmaps", "secrets", "pods", "deployments")) {
      for (String name : anyKind) {
        cases.add(create("name " + printable(name) + " for " + resource, resource, "/metadata/name", text(name), Set.of(400, 422)));
      }
    }
    // Services and namespaces are DNS labels: no dots, at most 63.
    for (String name : List.of("a.b", "x".repeat(64), "1.2.3.4", "UPPER", "-x")) {
      cases.add(create("service name " + printable(name), "services", "/metadata/name", text(name), Set.of(422)));
      cases.add(new Case("namespace name " + printable(name), "POST", "/api/v1/namespaces", "application/json",
          bytes("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":" + json(name) + "}}"), Set.of(422)));
    }
    for (String prefix : List.of("UPPER-", "under_score", "a/b", "..", "x".repeat(300) + "_")) {
      cases.add(new Case("generateName " + printable(prefix), "POST", COLLECTIONS.get("configmaps"), "application/json",
          bytes("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"generateName\":" + json(prefix) + "}}"), Set.of(422)));
    }
    cases.add(new Case("no name at all", "POST", COLLECTIONS.get("configmaps"), "application/json",
        bytes("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{}}"), Set.of(422)));
    cases.add(new Case("a namespace in the body that is not the URL's", "POST", COLLECTIONS.get("configmaps"), "application/json",
        bytes(CONFIG_MAP.replace("\"name\":\"cm\"", "\"name\":\"cm\",\"namespace\":\"kube-system\"")), Set.of(400)));
    cases.add(new Case("a kind that is not the URL's", "POST", COLLECTIONS.get("configmaps"), "application/json",
        bytes(SECRET), Set.of(400, 422)));
    cases.add(new Case("an apiVersion that is not the URL's", "POST", COLLECTIONS.get("configmaps"), "application/json",
        bytes(CONFIG_MAP.replace("\"apiVersion\":\"v1\"", "\"apiVersion\":\"apps/v1\"")), Set.of(400, 422)));
    cases.add(new Case("a PUT whose body names another object", "PUT", COLLECTIONS.get("configmaps") + "/other", "application/json",
        bytes(CONFIG_MAP), Set.of(400, 404, 422)));
  }

  private static void wrongTypes(List<Case> cases) {
    List<String> notAString = List.of("7", "true", "[]", "{}", "1.5");
    List<String> notAnInteger = List.of("\"80\"", "true", "1.5", "[]", "{}", "1e3");
    List<String> notAList = List.of("\"x\"", "7", "{}", "true");
    List<String> notAnObject = List.of("\"x\"", "7", "[]", "true");
    Map<String, List<String>> fields = new java.util.LinkedHashMap<>();
    fields.put("pods /metadata/labels", notAnObject);
    fields.put("pods /metadata/labels/app", notAString);
    fields.put("pods /metadata/annotations", notAnObject);
    fields.put("pods /metadata/finalizers", notAList);
    fields.put("pods /metadata/ownerReferences", notAList);
    fields.put("pods /spec/containers", notAList);
    fields.put("pods /spec/containers/0/name", notAString);
    fields.put("pods /spec/containers/0/image", notAString);
    fields.put("pods /spec/containers/0/ports", notAList);
    fields.put("pods /spec/containers/0/ports/0/containerPort", notAnInteger);
    fields.put("pods /spec/containers/0/env", notAList);
    fields.put("pods /spec/containers/0/env/0/value", notAString);
    fields.put("pods /spec/containers/0/command", notAList);
    fields.put("pods /spec/containers/0/resources", notAnObject);
    fields.put("pods /spec/restartPolicy", List.of("7", "[]", "{}"));
    fields.put("pods /spec/hostNetwork", List.of("\"true\"", "1", "[]"));
    fields.put("pods /spec/terminationGracePeriodSeconds", notAnInteger);
    fields.put("pods /spec/volumes", notAList);
    fields.put("deployments /spec/replicas", notAnInteger);
    fields.put("deployments /spec/selector", notAnObject);
    fields.put("deployments /spec/template/spec/containers", notAList);
    fields.put("services /spec/ports", notAList);
    fields.put("services /spec/ports/0/port", notAnInteger);
    fields.put("services /spec/selector", notAnObject);
    fields.put("services /spec/clusterIP", List.of("7", "[]", "{}"));
    fields.put("configmaps /data", notAnObject);
    fields.put("configmaps /data/k", notAString);
    fields.put("configmaps /immutable", List.of("\"yes\"", "1", "[]"));
    fields.put("secrets /data/k", List.of("\"%%% not base64 %%%\"", "7", "{}"));
    fields.put("secrets /type", List.of("7", "[]"));
    fields.put("endpoints /subsets", notAList);
    fields.put("endpoints /subsets/0/addresses/0/ip", List.of("7", "[]"));
    fields.forEach((field, values) -> {
      String resource = field.substring(0, field.indexOf(' '));
      String pointer = field.substring(field.indexOf(' ') + 1);
      for (String value : values) {
        // A value that reads but breaks a rule (1e3 for a port) may be a 422 rather than a 400.
        cases.add(create(resource + " " + pointer + " = " + value, resource, pointer, value, Set.of(400, 422)));
      }
    });
  }

  private static void hostAccess(List<Case> cases) {
    Map<String, String> podSpec = new java.util.LinkedHashMap<>();
    for (String path : List.of("/", "/etc", "/var/run/docker.sock", "/proc", "/root/.ssh", "/var/lib/dirigent")) {
      podSpec.put("hostPath " + path, "/spec/volumes=[{\"name\":\"h\",\"hostPath\":{\"path\":\"" + path + "\"}}]");
    }
    podSpec.put("hostNetwork", "/spec/hostNetwork=true");
    podSpec.put("hostPID", "/spec/hostPID=true");
    podSpec.put("hostIPC", "/spec/hostIPC=true");
    podSpec.put("privileged", "/spec/containers/0/securityContext={\"privileged\":true}");
    podSpec.put("privileged init container", "/spec/initContainers=[{\"name\":\"i\",\"image\":\"x\",\"securityContext\":{\"privileged\":true}}]");
    for (String capability : List.of("SYS_ADMIN", "NET_ADMIN", "ALL", "SYS_PTRACE", "SYS_MODULE", "DAC_READ_SEARCH", "BPF")) {
      podSpec.put("capability " + capability, "/spec/containers/0/securityContext={\"capabilities\":{\"add\":[\"" + capability + "\"]}}");
    }
    podSpec.put("hostPort 22", "/spec/containers/0/ports/0/hostPort=22");
    podSpec.put("hostPort 6443", "/spec/containers/0/ports/0/hostPort=6443");
    podSpec.put("pod seccomp unconfined", "/spec/securityContext={\"seccompProfile\":{\"type\":\"Unconfined\"}}");
    podSpec.put("container seccomp unconfined", "/spec/containers/0/securityContext={\"seccompProfile\":{\"type\":\"Unconfined\"}}");
    podSpec.put("apparmor unconfined", "/spec/containers/0/securityContext={\"appArmorProfile\":{\"type\":\"Unconfined\"}}");
    podSpec.put("unmasked /proc", "/spec/containers/0/securityContext={\"procMount\":\"Unmasked\"}");
    podSpec.put("unsafe sysctl", "/spec/securityContext={\"sysctls\":[{\"name\":\"kernel.msgmax\",\"value\":\"1\"}]}");
    podSpec.put("selinux user", "/spec/securityContext={\"seLinuxOptions\":{\"user\":\"system_u\"}}");
    podSpec.put("windows host process", "/spec/securityContext={\"windowsOptions\":{\"hostProcess\":true}}");
    podSpec.forEach((attack, edit) -> {
      String pointer = edit.substring(0, edit.indexOf('='));
      String value = edit.substring(edit.indexOf('=') + 1);
      cases.add(create("pod with " + attack, "pods", pointer, value, Set.of(403)));
    });
    // The same through a Deployment's template is accepted (as in Kubernetes); its pods are refused.
  }

  private static void ruleInjection(List<Case> cases) {
    List<String> portNames = List.of("p\"\nCOMMIT\n*filter\n-I INPUT 1 -j DROP\nCOMMIT\n", "http -j ACCEPT", "a\nb", "x".repeat(64),
        "UPPER", "under_score", "--dport", "$(reboot)", "`id`", "a;b");
    for (String name : portNames) {
      cases.add(create("service port name " + printable(name), "services", "/spec/ports/0/name", json(name), Set.of(422)));
      cases.add(create("endpoints port name " + printable(name), "endpoints", "/subsets/0/ports/0/name", json(name), Set.of(422)));
      cases.add(create("container port name " + printable(name), "pods", "/spec/containers/0/ports/0/name", json(name), Set.of(422)));
    }
    for (String protocol : List.of("tcp", "ICMP", "TCP -j ACCEPT", "TCP\n-A INPUT -j DROP", "ALL")) {
      cases.add(create("service protocol " + printable(protocol), "services", "/spec/ports/0/protocol", json(protocol), Set.of(422)));
      cases.add(create("endpoints protocol " + printable(protocol), "endpoints", "/subsets/0/ports/0/protocol", json(protocol), Set.of(422)));
    }
    for (String port : List.of("0", "65536", "-1", "99999999")) {
      cases.add(create("service port " + port, "services", "/spec/ports/0/port", port, Set.of(422)));
      cases.add(create("endpoints port " + port, "endpoints", "/subsets/0/ports/0/port", port, Set.of(422)));
    }
    for (String ip : List.of("10.96.0.9 -j ACCEPT", "256.1.1.1", "1.2.3", "10.0.0.1/24", "::1", "0x0a000001", "10.0.0.1\n-A INPUT -j DROP")) {
      cases.add(create("cluster IP " + printable(ip), "services", "/spec/clusterIP", json(ip), Set.of(422)));
    }
    for (String ip : List.of("127.0.0.1", "127.1.2.3", "169.254.169.254", "169.254.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255",
        "10.0.0.1 -j ACCEPT", "1.2.3", "localhost", "", "::1")) {
      cases.add(create("endpoint address " + printable(ip), "endpoints", "/subsets/0/addresses/0/ip", json(ip), Set.of(422)));
    }
    cases.add(create("service target port name with injection", "services", "/spec/ports/0/targetPort", json("x -j ACCEPT"), Set.of(422)));
    cases.add(create("duplicate service port", "services", "/spec/ports",
        "[{\"name\":\"a\",\"port\":80},{\"name\":\"b\",\"port\":80}]", Set.of(422)));
  }

  private static void pathEscapes(List<Case> cases) {
    for (String subPath : List.of("../../../../etc", "..", "a/../../b", "/etc", "../", "a/..", "./../x")) {
      cases.add(create("subPath " + subPath, "pods", "/spec/containers/0/volumeMounts",
          "[{\"name\":\"data\",\"mountPath\":\"/d\",\"subPath\":" + json(subPath) + "}]", Set.of(422), "/spec/volumes",
          "[{\"name\":\"data\",\"emptyDir\":{}}]"));
    }
    for (String volume : List.of("../../../../x", "/etc/cron.d", "a/b", "..", "UPPER", "x".repeat(64))) {
      cases.add(create("emptyDir named " + printable(volume), "pods", "/spec/volumes",
          "[{\"name\":" + json(volume) + ",\"emptyDir\":{}}]", Set.of(422)));
      cases.add(create("configMap volume named " + printable(volume), "pods", "/spec/volumes",
          "[{\"name\":" + json(volume) + ",\"configMap\":{\"name\":\"c\"}}]", Set.of(422)));
    }
    for (String item : List.of("../../x", "/etc/passwd", "..", "a/../../b", "..data")) {
      cases.add(create("secret item path " + item, "pods", "/spec/volumes",
          "[{\"name\":\"s\",\"secret\":{\"secretName\":\"t\",\"items\":[{\"key\":\"k\",\"path\":" + json(item) + "}]}}]", Set.of(422)));
    }
    for (String key : List.of(".", "..", "a/b", "../x", "", "a b")) {
      cases.add(create("configMap key " + printable(key), "configmaps", "/data", "{" + json(key) + ":\"v\"}", Set.of(422)));
    }
    for (String mountPath : List.of("relative", "", "/d/../../etc:ro", "/x:/host")) {
      cases.add(create("mount path " + printable(mountPath), "pods", "/spec/containers/0/volumeMounts",
          "[{\"name\":\"data\",\"mountPath\":" + json(mountPath) + "}]", Set.of(403, 422), "/spec/volumes",
          "[{\"name\":\"data\",\"emptyDir\":{}}]"));
    }
  }

  private static void malformedBodies(List<Case> cases) {
    String path = COLLECTIONS.get("configmaps");
    List<String> json = List.of(
        "", "{", "}", "[]", "null", "7", "\"string\"", "{\"apiVersion\":\"v1\"", CONFIG_MAP + "garbage", CONFIG_MAP + " " + CONFIG_MAP,
        CONFIG_MAP.replace("\"data\"", "\"data\":{},\"data\""), CONFIG_MAP.replace("\"v\"", "\"\\ud800\""),
        CONFIG_MAP.replace("\"v\"", "\"\\uDFFFx\""), CONFIG_MAP.replace("\"v\"", "\"\\x41\""), CONFIG_MAP.replace("\"v\"", "'v'"),
        CONFIG_MAP.replace("\"k\":\"v\"", "k:\"v\""), CONFIG_MAP.replace("}}", "},}}"), "{\"a\":" + "[".repeat(200) + "]".repeat(200) + "}",
        "{\"a\":" + "{\"b\":".repeat(150) + "1" + "}".repeat(150) + "}", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"},\"data\":{\"k\":NaN}}");
    for (String body : json) {
      cases.add(new Case("JSON body " + printable(abbreviated(body)), "POST", path, "application/json", bytes(body), Set.of(400, 422)));
    }
    cases.add(new Case("JSON body that is not UTF-8", "POST", path, "application/json",
        concat(bytes(CONFIG_MAP.substring(0, 80)), new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xc0}), Set.of(400)));
    List<String> yaml = List.of(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: y}\ndata: {a: '1'}\ndata: {a: '2'}\n",
        "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: &d [*c, *c]\ne: [*d, *d]\n",
        "!!java.net.URL [\"http://127.0.0.1:1/\"]\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: !!python/object:os.system {name: y}\n",
        "- just\n- a list\n",
        "key: [unclosed\n",
        "apiVersion: v1\n\tkind: tab-indented\n",
        "--- \napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: y}\ndata: {a: \"\\ud800\"}\n",
        "<<: *undefined\n");
    for (String body : yaml) {
      cases.add(new Case("YAML body " + printable(abbreviated(body)), "POST", path, "application/yaml", bytes(body), Set.of(400, 422)));
    }
    List<byte[]> protobuf = List.of(new byte[0], bytes("k8s"), bytes("k8s\0"), concat(bytes("k8s\0"), new byte[] {0x0a, (byte) 0xff, (byte) 0xff}),
        concat(bytes("k8s\0"), new byte[] {0x12, 0x7f, 0x01}), bytes("{\"kind\":\"ConfigMap\"}"),
        concat(bytes("k8s\0"), new byte[] {0x0a, 0x0c, 0x0a, 0x02, 'v', '1', 0x12, 0x06, 'W', 'i', 'd', 'g', 'e', 't'}));
    for (byte[] body : protobuf) {
      cases.add(new Case("protobuf body of " + body.length + " bytes", "POST", path, "application/vnd.kubernetes.protobuf", body, Set.of(400)));
    }
    for (String type : List.of("text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "application/json-patch+json", "image/png")) {
      cases.add(new Case("body as " + type, "POST", path, type, bytes(CONFIG_MAP), Set.of(400, 415)));
    }
    cases.add(new Case("POST without a body", "POST", path, "application/json", null, Set.of(400)));
  }

  private static void oversized(List<Case> cases) {
    String path = COLLECTIONS.get("configmaps");
    for (int mebibytes : List.of(4, 9, 20, 40)) {
      cases.add(new Case("a body of " + mebibytes + " MiB", "POST", path, "application/json", bytes("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
          + "\"metadata\":{\"name\":\"big\"},\"data\":{\"k\":\"" + "x".repeat(mebibytes << 20) + "\"}}"), Set.of(413)));
    }
    cases.add(new Case("an object over the store's limit", "POST", path, "application/json", bytes("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
        + "\"metadata\":{\"name\":\"big\"},\"data\":{\"k\":\"" + "x".repeat(2 << 20) + "\"}}"), Set.of(413)));
    cases.add(new Case("a million tiny keys", "POST", path, "application/json", bytes(manyKeys(200_000)), Set.of(413, 422)));
    cases.add(new Case("annotations over 256 KiB", "POST", path, "application/json", bytes("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
        + "\"metadata\":{\"name\":\"big\",\"annotations\":{\"a\":\"" + "y".repeat(300 * 1024) + "\"}}}"), Set.of(422)));
  }

  private static void patches(List<Case> cases) {
    // The target exists for patches of an object: a missing one is a 404, also a correct refusal.
    String path = COLLECTIONS.get("configmaps") + "/cm";
    List<String> jsonPatches = List.of("{}", "[{}]", "[{\"op\":\"add\",\"value\":1}]", "[{\"op\":\"explode\",\"path\":\"/a\"}]",
        "[{\"op\":\"remove\",\"path\":\"/nope/deeper\"}]", "[{\"op\":\"copy\",\"from\":\"/x\",\"path\":\"/y\"}]",
        "[{\"op\":\"add\",\"path\":\"no-slash\",\"value\":1}]", "[{\"op\":\"test\",\"path\":\"/kind\",\"value\":\"Pod\"}]",
        "[{\"op\":\"replace\",\"path\":\"/metadata/name\",\"value\":7}]", "[" + "{\"op\":\"test\",\"path\":\"/kind\",\"value\":\"ConfigMap\"},".repeat(10_001) + "{}]");
    for (String patch : jsonPatches) {
      cases.add(new Case("JSON patch " + abbreviated(patch), "PATCH", path, "application/json-patch+json", bytes(patch), Set.of(400, 404, 413, 422)));
    }
    for (String patch : List.of("[]", "7", "\"x\"", "{\"metadata\":{\"name\":\"renamed\"}}", "{\"data\":\"x\"}", "{", "{\"a\":1}garbage")) {
      cases.add(new Case("merge patch " + abbreviated(patch), "PATCH", path, "application/merge-patch+json", bytes(patch), Set.of(400, 404, 422)));
      cases.add(new Case("strategic merge patch " + abbreviated(patch), "PATCH", path, "application/strategic-merge-patch+json", bytes(patch),
          Set.of(400, 404, 422)));
    }
    for (String patch : List.of("{\"$patch\":\"explode\"}", "{\"data\":{\"$patch\":\"replace\",\"k\":7}}", "{\"$setElementOrder/data\":7}",
        "{\"$deleteFromPrimitiveList/finalizers\":{}}", "{\"$retainKeys\":\"x\"}")) {
      cases.add(new Case("strategic directive " + abbreviated(patch), "PATCH", path, "application/strategic-merge-patch+json", bytes(patch),
          Set.of(400, 404, 422)));
    }
    cases.add(new Case("patch as text/plain", "PATCH", path, "text/plain", bytes("{}"), Set.of(404, 415)));
    cases.add(new Case("apply without a field manager", "PATCH", path, "application/apply-patch+yaml", bytes(CONFIG_MAP), Set.of(400, 404)));
    cases.add(new Case("apply of a list", "PATCH", path + "?fieldManager=x", "application/apply-patch+yaml", bytes("- a\n- b\n"), Set.of(400, 404)));
  }

  private static void parameters(List<Case> cases) {
    String collection = COLLECTIONS.get("configmaps");
    List<String> queries = List.of("labelSelector=a%3D%3D%3Db", "labelSelector=a+in+(", "labelSelector=%21", "labelSelector=" + "a".repeat(400) + "%3Db",
        "labelSelector=a%3D" + enc("ü"), "fieldSelector=metadata.name", "fieldSelector=nope.field%3Dx", "fieldSelector=a%3D%3D%3Db",
        "limit=-1", "limit=abc", "limit=99999999999999999999", "continue=garbage", "continue=" + enc("eyJ4IjoxfQ=="),
        "resourceVersion=abc", "resourceVersion=-5", "resourceVersionMatch=Bogus", "watch=true&resourceVersion=abc",
        "watch=true&timeoutSeconds=abc", "watch=true&labelSelector=a+in+(", "watch=true&fieldSelector=nope%3Dx",
        "dryRun=Bogus", "fieldValidation=Bogus", "propagationPolicy=Bogus", "gracePeriodSeconds=-1", "gracePeriodSeconds=soon",
        "timeoutSeconds=-1&watch=true", "resourceVersionMatch=Exact");
    for (String query : queries) {
      String method = query.startsWith("dryRun") || query.startsWith("fieldValidation") ? "POST" : query.contains("propagationPolicy")
          || query.contains("gracePeriodSeconds") ? "DELETE" : "GET";
      String target = method.equals("DELETE") ? collection + "/cm?" + query : collection + "?" + query;
      cases.add(new Case(method + " with " + query, method, target, method.equals("POST") ? "application/json" : null,
          method.equals("POST") ? bytes(CONFIG_MAP) : null, Set.of(400, 404)));
    }
    for (String path : List.of("/api/v1/namespaces/" + NS + "/nosuchthings", "/api/v2/pods", "/apis/nosuch.group/v1/things",
        "/api/v1/namespaces/" + NS + "/configmaps/cm/nosubresource", "/api/v1/namespaces/" + NS + "/configmaps/..%2F..%2Fsecrets",
        "/api/v1/namespaces/" + NS + "/pods/x/exec", "/api/v1/namespaces/" + NS + "/pods/x/log",
        "/api/v1/namespaces/no-such-namespace/configmaps/cm", "/openapi/v3/apis/nosuch/v1", "/api/v1/namespaces/" + NS + "/configmaps/cm/history")) {
      cases.add(new Case("GET " + abbreviated(path), "GET", path, null, null, Set.of(400, 404)));
    }
    // Namespaces no object can be in: refused, or listed as empty; never another namespace's objects.
    for (String path : List.of("/api/v1/namespaces/..%2Fkube-system/secrets", "/api/v1/namespaces/%2e%2e/secrets",
        "/api/v1/namespaces/" + "n".repeat(300) + "/pods", "/api/v1/namespaces/UPPER/configmaps", "/api/v1/namespaces/kube-system%2F..%2Fx/secrets")) {
      cases.add(new Case("GET " + abbreviated(path), "GET", path, null, null, Set.of(200, 400, 404)));
    }
    cases.add(new Case("create in a namespace that does not exist", "POST", "/api/v1/namespaces/no-such-namespace/configmaps", "application/json",
        bytes(CONFIG_MAP), Set.of(404)));
    for (String method : List.of("PUT", "PATCH", "DELETE")) {
      cases.add(new Case(method + " on /version", method, "/version", "application/json", bytes("{}"), Set.of(404, 405)));
    }
    cases.add(new Case("POST to an object's path", "POST", COLLECTIONS.get("configmaps") + "/cm", "application/json", bytes(CONFIG_MAP),
        Set.of(404, 405)));
    cases.add(new Case("PUT to a collection", "PUT", COLLECTIONS.get("configmaps"), "application/json", bytes(CONFIG_MAP), Set.of(404, 405)));
    cases.add(new Case("delete a system namespace", "DELETE", "/api/v1/namespaces/kube-system", null, null, Set.of(403)));
  }

  private static void quantitiesAndMetadata(List<Case> cases) {
    for (String quantity : List.of("lots", "1e999999999", "1 Gi", "1GB", "0x10", "Infinity", "NaN", "--1", "1..2", "x".repeat(100))) {
      cases.add(create("memory limit " + abbreviated(quantity), "pods", "/spec/containers/0/resources/limits/memory", json(quantity), Set.of(400, 422)));
    }
    cases.add(create("a negative cpu request", "pods", "/spec/containers/0/resources/requests", "{\"cpu\":\"-1\"}", Set.of(422)));
    cases.add(create("a request above its limit", "pods", "/spec/containers/0/resources/requests", "{\"memory\":\"1Gi\"}", Set.of(422)));
    // (Annotation keys are checked without regard to case, as in Kubernetes: "UPPER/x" is one.)
    for (String key : List.of("", "a/b/c", "-lead", "x".repeat(64), "a b", "kubernetes.io/" + "x".repeat(64), "\u0000", "a_/x")) {
      cases.add(create("label key " + printable(abbreviated(key)), "configmaps", "/metadata/labels", "{" + json(key) + ":\"v\"}", Set.of(422)));
      cases.add(create("annotation key " + printable(abbreviated(key)), "configmaps", "/metadata/annotations", "{" + json(key) + ":\"v\"}",
          Set.of(422)));
    }
    for (String value : List.of("x".repeat(64), "a b", "-lead", "new\nline", "ü")) {
      cases.add(create("label value " + printable(abbreviated(value)), "configmaps", "/metadata/labels/app", json(value), Set.of(422)));
    }
    cases.add(create("an owner reference without a uid", "configmaps", "/metadata/ownerReferences",
        "[{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"p\"}]", Set.of(422)));
    cases.add(create("a finalizer that is no qualified name", "configmaps", "/metadata/finalizers", "[\"a b\"]", Set.of(422)));
    cases.add(create("a deployment whose selector does not match its template", "deployments", "/spec/selector",
        "{\"matchLabels\":{\"app\":\"other\"}}", Set.of(422)));
    cases.add(create("negative replicas", "deployments", "/spec/replicas", "-1", Set.of(422)));
    cases.add(create("a container without an image", "pods", "/spec/containers", "[{\"name\":\"c\"}]", Set.of(422)));
    cases.add(create("two containers of one name", "pods", "/spec/containers",
        "[{\"name\":\"c\",\"image\":\"i\"},{\"name\":\"c\",\"image\":\"i\"}]", Set.of(422)));
  }

  // ---- building cases ----

  /** A create of {@code resource}'s template with the JSON value at {@code pointer} replaced. */
  private static Case create(String attack, String resource, String pointer, String value, Set<Integer> codes) {
    return create(attack, resource, pointer, value, codes, null, null);
  }

  private static Case create(String attack, String resource, String pointer, String value, Set<Integer> codes, String pointer2, String value2) {
    ObjectNode object = (ObjectNode) read(TEMPLATES.get(resource));
    set(object, pointer, value);
    if (pointer2 != null) {
      set(object, pointer2, value2);
    }
    return new Case(attack, "POST", COLLECTIONS.get(resource), "application/json", bytes(object.toString()), codes);
  }

  private static void set(ObjectNode object, String pointer, String value) {
    com.fasterxml.jackson.core.JsonPointer at = com.fasterxml.jackson.core.JsonPointer.compile(pointer);
    JsonNode parent = object;
    com.fasterxml.jackson.core.JsonPointer head = at.head();
    if (head != null && !head.matches()) {
      parent = object.at(head);
    }
    if (parent.isMissingNode()) {
      parent = ensure(object, head);
    }
    String last = at.last().getMatchingProperty();
    JsonNode parsed = read(value);
    if (parent.isArray()) {
      int index = Integer.parseInt(last);
      com.fasterxml.jackson.databind.node.ArrayNode array = (com.fasterxml.jackson.databind.node.ArrayNode) parent;
      if (index < array.size()) {
        array.set(index, parsed);
      } else {
        array.add(parsed);
      }
    } else {
      ((ObjectNode) parent).set(last, parsed);
    }
  }

  /** Creates the objects along {@code pointer}. */
  private static JsonNode ensure(ObjectNode root, com.fasterxml.jackson.core.JsonPointer pointer) {
    JsonNode node = root;
    for (com.fasterxml.jackson.core.JsonPointer at = pointer; at != null && !at.matches(); at = at.tail()) {
      String name = at.getMatchingProperty();
      JsonNode next = node.path(name);
      if (next.isMissingNode()) {
        next = ((ObjectNode) node).putObject(name);
      }
      node = next;
    }
    return node;
  }

  private static JsonNode read(String json) {
    try {
      return KubeJson.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + json, e);
    }
  }

  private static String json(String text) {
    return com.fasterxml.jackson.databind.node.TextNode.valueOf(text).toString();
  }

  private static String text(String name) {
    return json(name);
  }

  private static String enc(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static String manyKeys(int count) {
    StringBuilder body = new StringBuilder("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"many\"},\"data\":{");
    for (int i = 0; i < count; i++) {
      body.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
    }
    return body.append("}}").toString();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  private static String printable(String text) {
    StringBuilder out = new StringBuilder();
    text.codePoints().limit(40).forEach(c -> out.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", c) : Character.toString(c)));
    return "\"" + out + (text.length() > 40 ? "…" : "") + "\"";
  }

  private static String abbreviated(String text) {
    return abbreviated(text, 80);
  }

  private static String abbreviated(String text, int length) {
    return text.length() > length ? text.substring(0, length) + "…(" + text.length() + ")" : text;
  }

  // ---- sending ----

  private HttpResponse<String> send(String method, String path, String contentType, byte[] body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(30));
    if (body == null) {
      request.method(method, BodyPublishers.noBody());
    } else {
      request.method(method, BodyPublishers.ofByteArray(body));
    }
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return http.send(request.build(), BodyHandlers.ofString());
  }

  private static long liveHeap() throws InterruptedException {
    var memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
