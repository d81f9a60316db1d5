package io.dirigent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.api.testing.TestApiServer;
import io.dirigent.cli.client.Kubeconfig;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.testing.Await;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's client commands against a real API server (store on the in-memory journal). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientCommandsTest {

  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  private TestApiServer server;

  @BeforeAll
  void start() throws Exception {
    server = TestApiServer.start(Map.of("dirigent.api.watch-timeout", "3s"));
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  record Run(int exit, String out, String err) {}

  @Test
  void createFromAMultiDocumentFileThenAgainIsAlreadyExists(@TempDir Path dir) throws Exception {
    String ns = namespace();
    Path file = dir.resolve("app.yaml");
    Files.writeString(file, MANIFEST);

    Run created = run("create", "-f", file.toString(), "-n", ns);
    assertThat(created.exit()).as(created.err()).isZero();
    assertThat(created.out().lines()).containsExactly("configmap/web-config created", "deployment.apps/web created");

    Run again = run("create", "-f", file.toString(), "-n", ns);
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err().lines()).containsExactly(
        "error: configmap/web-config: configmaps \"web-config\" already exists",
        "error: deployment.apps/web: deployments.apps \"web\" already exists");
  }

  @Test
  void applyCreatesThenConfiguresWhatChangedAndLeavesTheRest(@TempDir Path dir) throws Exception {
    String ns = namespace();
    Files.writeString(dir.resolve("a.yaml"), MANIFEST);
    assertThat(run("apply", "-f", dir.toString(), "-n", ns).out().lines())
        .containsExactly("configmap/web-config created", "deployment.apps/web created");

    Files.writeString(dir.resolve("a.yaml"), MANIFEST.replace("color: blue", "color: green"));
    Run applied = run("apply", "-f", dir.toString(), "-n", ns);
    assertThat(applied.exit()).as(applied.err()).isZero();
    assertThat(applied.out().lines()).containsExactly("configmap/web-config configured", "deployment.apps/web unchanged");
    JsonNode config = KubeJson.MAPPER.readTree(run("get", "cm", "web-config", "-n", ns, "-o", "json").out());
    assertThat(config.path("data").path("color").asText()).isEqualTo("green");
  }

  @Test
  void getPrintsTablesJsonYamlAndNames(@TempDir Path dir) throws Exception {
    String ns = namespace();
    Files.writeString(dir.resolve("a.yaml"), MANIFEST);
    run("create", "-f", dir.toString(), "-n", ns);

    Run table = run("get", "deployments", "-n", ns);
    assertThat(table.exit()).isZero();
    List<String> lines = table.out().lines().toList();
    assertThat(lines.get(0)).matches("NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE");
    assertThat(lines.get(1)).matches("web\\s+0/2\\s+0\\s+0\\s+\\d+s");

    Run all = run("get", "cm", "-A", "-l", "app=web");
    assertThat(all.out()).contains("NAMESPACE").containsPattern(ns + "\\s+web-config\\s+1\\s+\\d+s");

    assertThat(run("get", "deploy", "web", "-n", ns, "-o", "name").out().strip()).isEqualTo("deployment.apps/web");
    JsonNode json = KubeJson.MAPPER.readTree(run("get", "deploy", "web", "-n", ns, "-o", "json").out());
    assertThat(json.path("spec").path("replicas").asInt()).isEqualTo(2);
    assertThat(run("get", "cm", "-n", ns, "-o", "yaml").out()).contains("kind: \"List\"").contains("color: \"blue\"");

    Run none = run("get", "pods", "-n", ns);
    assertThat(none.exit()).isZero();
    assertThat(none.err().strip()).isEqualTo("No resources found in " + ns + " namespace.");
  }

  @Test
  void getWatchPrintsChangesUntilTheServerEndsTheWatch() throws Exception {
    String ns = namespace();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CompletableFuture<Integer> watching = CompletableFuture.supplyAsync(() -> Dirigent.commandLine()
        .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute("get", "cm", "-n", ns, "-w", "--server", server.url()));
    // The empty list printed (its header alone): what is created from now on can only come through the watch.
    Await.until("the watch's list printed", Duration.ofSeconds(30), () -> out.toString().startsWith("NAME"));
    assertThat(run("delete", "cm", "-n", ns, "-l", "nothing=here").err()).contains("No resources found");
    Run created = runWithInput(CONFIG_MAP, "create", "-f", "-", "-n", ns);
    assertThat(created.exit()).as(created.err()).isZero();
    int exit = watching.get(30, TimeUnit.SECONDS);
    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString().lines()).as("the header from the list, then the row from the watch").hasSize(2);
    assertThat(out.toString().lines().skip(1).findFirst().orElseThrow()).containsPattern("lonely\\s+1\\s+\\d+s");
  }

  @Test
  void deleteByNameSelectorAndManifest(@TempDir Path dir) throws Exception {
    String ns = namespace();
    Files.writeString(dir.resolve("a.yaml"), MANIFEST);
    run("create", "-f", dir.toString(), "-n", ns);
    runWithInput(CONFIG_MAP, "create", "-f", "-", "-n", ns);

    Run byName = run("delete", "configmap", "lonely", "-n", ns);
    assertThat(byName.out().strip()).isEqualTo("configmap \"lonely\" deleted");
    Run missing = run("delete", "configmap", "lonely", "-n", ns);
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err().strip()).isEqualTo("error: configmaps \"lonely\" not found");

    Run bySelector = run("delete", "cm", "-l", "app=web", "-n", ns);
    assertThat(bySelector.out().strip()).isEqualTo("configmap \"web-config\" deleted");
    Run byManifest = run("delete", "-f", dir.toString(), "-n", ns);
    // The config map is gone already: that one line is an error, the deployment is still deleted.
    assertThat(byManifest.out().lines()).containsExactly("deployment.apps/web deleted");
    assertThat(byManifest.exit()).isEqualTo(1);
    assertThat(byManifest.err().strip()).isEqualTo("error: configmap/web-config: configmaps \"web-config\" not found");
  }

  @Test
  void historyShowsEveryVersionAndWhatChanged(@TempDir Path dir) throws Exception {
    String ns = namespace();
    Files.writeString(dir.resolve("a.yaml"), MANIFEST);
    run("apply", "-f", dir.toString(), "-n", ns);
    Files.writeString(dir.resolve("a.yaml"), MANIFEST.replace("color: blue", "color: green"));
    run("apply", "-f", dir.toString(), "-n", ns);
    run("delete", "cm", "web-config", "-n", ns);

    Run history = run("history", "configmap", "web-config", "-n", ns);
    assertThat(history.exit()).as(history.err()).isZero();
    List<String> lines = history.out().lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).matches("VERSION\\s+TIME\\s+OPERATION\\s+CHANGES");
    assertThat(lines.get(1)).contains("CREATE").endsWith("created");
    assertThat(lines.get(2)).contains("UPDATE").endsWith("data.color: blue → green");
    assertThat(lines.get(3)).contains("DELETE").endsWith("deleted");
  }

  @Test
  void aSecretsHistoryShowsThatItsValuesChangedButNotTheValues(@TempDir Path dir) throws Exception {
    String ns = namespace();
    String secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: db, labels: {tier: one}}\nstringData: {password: first-value, user: app}\n";
    Files.writeString(dir.resolve("s.yaml"), secret);
    assertThat(run("apply", "-f", dir.toString(), "-n", ns).exit()).isZero();
    Files.writeString(dir.resolve("s.yaml"), secret.replace("first-value", "second-value").replace(", user: app", ", token: t0ken")
        .replace("tier: one", "tier: two"));
    assertThat(run("apply", "-f", dir.toString(), "-n", ns).exit()).isZero();

    Run history = run("history", "secret", "db", "-n", ns);
    assertThat(history.exit()).as(history.err()).isZero();
    assertThat(history.out()).doesNotContain("value").doesNotContain("dmFsdWU").doesNotContain("t0ken").doesNotContain("dDBrZW4");
    assertThat(history.out().lines().toList().get(2))
        .contains("data.password: changed").contains("data.token: added").contains("data.user: removed").contains("metadata.labels.tier: one → two");
  }

  @Test
  void theKubeconfigNamesTheServerAndNamespace(@TempDir Path dir) throws Exception {
    String ns = namespace();
    runWithInput(CONFIG_MAP, "create", "-f", "-", "-n", ns);
    Path kubeconfig = dir.resolve("kubeconfig");
    Kubeconfig.write(kubeconfig, "test", server.url(), Kubeconfig.Tls.NONE);
    Files.writeString(kubeconfig, Files.readString(kubeconfig).replace("namespace: default", "namespace: " + ns));

    Run run = runPlain("get", "cm", "--kubeconfig", kubeconfig.toString(), "-o", "name");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out().strip()).isEqualTo("configmap/lonely");
  }

  @Test
  void globalFlagsMayComeBeforeTheCommand() {
    String ns = namespace();
    runWithInput(CONFIG_MAP, "create", "-f", "-", "-n", ns);
    Run before = runPlain("--server", server.url(), "-n", ns, "get", "cm", "-o", "name");
    assertThat(before.exit()).as(before.err()).isZero();
    assertThat(before.out().strip()).isEqualTo("configmap/lonely");
    Run split = runPlain("--namespace=" + ns, "get", "cm", "--server", server.url(), "-o", "name");
    assertThat(split.out().strip()).isEqualTo("configmap/lonely");
    Run nested = runPlain("-n", ns, "--server", server.url(), "create", "deployment", "nested", "--image=dirigent/busybox:1");
    assertThat(nested.out().strip()).isEqualTo("deployment.apps/nested created");
  }

  @Test
  void usageErrorsAreOneLineNotTheUsageText() {
    Run unknownCommand = runPlain("gte", "pods");
    assertThat(unknownCommand.exit()).isEqualTo(1);
    assertThat(unknownCommand.err()).isEqualTo("error: unknown command \"gte\" for \"dirigent\"; did you mean \"get\"?\n");
    Run unknownFlag = runPlain("get", "pods", "--watsh");
    assertThat(unknownFlag.exit()).isEqualTo(1);
    assertThat(unknownFlag.err()).isEqualTo("error: unknown flag: --watsh; did you mean \"--watch\"? (see 'dirigent get --help')\n");
    Run shorthand = runPlain("logs", "p", "-z");
    assertThat(shorthand.err()).isEqualTo("error: unknown shorthand flag: 'z' in -z (see 'dirigent logs --help')\n");
    Run missing = runPlain("scale", "deployment", "web");
    assertThat(missing.err()).isEqualTo("error: missing required option: '--replicas=<replicas>' (see 'dirigent scale --help')\n");
    Run help = runPlain("get", "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).startsWith("Usage: dirigent get ").contains("--kubeconfig=FILE").contains("--context=NAME");
  }

  @Test
  void failuresAreOneClearLineAndANonZeroExit(@TempDir Path dir) throws Exception {
    Run unknownType = run("get", "widgets");
    assertThat(unknownType.exit()).isEqualTo(1);
    assertThat(unknownType.err().strip()).isEqualTo("error: the server doesn't have a resource type \"widgets\"");

    Run unreachable = runPlain("get", "pods", "--server", "http://127.0.0.1:1");
    assertThat(unreachable.exit()).isEqualTo(1);
    assertThat(unreachable.err().strip()).isEqualTo("error: cannot reach the API server at http://127.0.0.1:1 (is it running? bin/dirigent up)");

    Run noConfig = runPlain("get", "pods", "--kubeconfig", dir.resolve("missing").toString());
    assertThat(noConfig.exit()).isEqualTo(1);
    assertThat(noConfig.err().strip()).startsWith("error: no kubeconfig at ");

    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "apiVersion: v1\nkind: Widget\nmetadata: {name: w}\n");
    Run badKind = run("create", "-f", bad.toString());
    assertThat(badKind.exit()).isEqualTo(1);
    assertThat(badKind.err().strip()).isEqualTo("error: " + bad + ": no resource for kind \"Widget\" in version \"v1\"");

    Path typo = dir.resolve("typo.yaml");
    Files.writeString(typo, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: typo}\ndtaa: {a: b}\n");
    Run misspelt = run("apply", "-f", typo.toString());
    assertThat(misspelt.exit()).isEqualTo(1);
    assertThat(misspelt.err().strip()).isEqualTo("error: configmap/typo: strict decoding error: unknown field \"dtaa\"");
    assertThat(run("get", "cm", "typo").exit()).isEqualTo(1);

    Run missingFile = run("create", "-f", dir.resolve("nope.yaml").toString());
    assertThat(missingFile.err().strip()).isEqualTo("error: cannot read " + dir.resolve("nope.yaml") + ": no such file");

    Run badOutput = run("get", "pods", "-o", "xml");
    assertThat(badOutput.exit()).isEqualTo(1);
    assertThat(badOutput.err().strip()).isEqualTo("error: unknown output format \"xml\": use wide, json, yaml or name");
  }

  @Test
  void createDeploymentScaleAndExposeIt() throws Exception {
    String ns = namespace();
    Run created = run("create", "deployment", "web", "--image=dirigent/busybox:1", "--replicas=2", "-n", ns);
    assertThat(created.exit()).as(created.err()).isZero();
    assertThat(created.out().strip()).isEqualTo("deployment.apps/web created");
    JsonNode deployment = KubeJson.MAPPER.readTree(run("get", "deploy", "web", "-n", ns, "-o", "json").out());
    assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(2);
    assertThat(deployment.path("spec").path("template").path("spec").path("containers").get(0).path("name").asText()).isEqualTo("busybox");

    Run scaled = run("scale", "deployment", "web", "--replicas=4", "-n", ns);
    assertThat(scaled.out().strip()).isEqualTo("deployment.apps/web scaled");
    assertThat(KubeJson.MAPPER.readTree(run("get", "deploy", "web", "-n", ns, "-o", "json").out()).path("spec").path("replicas").asInt())
        .isEqualTo(4);
    assertThat(run("scale", "configmap", "x", "--replicas=1", "-n", ns).err().strip()).isEqualTo("error: configmaps cannot be scaled");

    Run exposed = run("expose", "deployment", "web", "--port=80", "--target-port=8080", "--type=NodePort", "-n", ns);
    assertThat(exposed.exit()).as(exposed.err()).isZero();
    assertThat(exposed.out().strip()).isEqualTo("service/web exposed");
    JsonNode service = KubeJson.MAPPER.readTree(run("get", "svc", "web", "-n", ns, "-o", "json").out());
    assertThat(service.path("spec").path("selector").path("app").asText()).isEqualTo("web");
    assertThat(service.path("spec").path("type").asText()).isEqualTo("NodePort");
    assertThat(service.path("spec").path("ports").get(0).path("targetPort").asInt()).isEqualTo(8080);

    assertThat(run("create", "namespace", ns + "-x").out().strip()).isEqualTo("namespace/" + ns + "-x created");
  }

  @Test
  void describeShowsTheObjectAndItsEvents() throws Exception {
    String ns = namespace();
    run("create", "deployment", "web", "--image=dirigent/busybox:1", "-n", ns);
    runWithInput("""
        {"apiVersion":"v1","kind":"Event","metadata":{"name":"web.1"},
         "involvedObject":{"kind":"Deployment","name":"web","namespace":"%s"},
         "reason":"ScalingReplicaSet","message":"Scaled up replica set web-1 to 1","type":"Normal",
         "source":{"component":"deployment-controller"}}
        """.formatted(ns), "create", "-f", "-", "-n", ns);
    Run described = run("describe", "deployment", "web", "-n", ns);
    assertThat(described.exit()).as(described.err()).isZero();
    assertThat(described.out())
        .contains("Name:         web")
        .contains("Namespace:    " + ns)
        .contains("Labels:       app=web")
        .contains("Spec:")
        .contains("  replicas: 1")
        .containsPattern("Normal\\s+ScalingReplicaSet\\s+\\d+s\\s+deployment-controller\\s+Scaled up replica set web-1 to 1");
  }

  @Test
  void logsAndExecSayWhyTheyAreUnavailable() {
    String ns = namespace();
    runWithInput("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"dirigent/busybox:1"}]}}
        """, "create", "-f", "-", "-n", ns);
    Run logs = run("logs", "p", "-n", ns, "--tail", "5");
    assertThat(logs.exit()).isEqualTo(1);
    assertThat(logs.err().strip()).isEqualTo("error: pod p does not have a host assigned");
    // The server refuses the WebSocket upgrade with a Status; its message is what the user reads.
    Run exec = runPlain("--server", server.url(), "exec", "p", "-n", ns, "--", "true");
    assertThat(exec.exit()).isEqualTo(1);
    assertThat(exec.err().strip()).isEqualTo("error: pod p does not have a host assigned");
  }

  @Test
  void cordonAndUncordonANode() throws Exception {
    String node = "node-" + NAMESPACES.incrementAndGet();
    Run created = runWithInput("{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"" + node + "\"}}", "create", "-f", "-");
    assertThat(created.exit()).as(created.err()).isZero();
    assertThat(run("cordon", node).out().strip()).isEqualTo("node/" + node + " cordoned");
    assertThat(KubeJson.MAPPER.readTree(run("get", "node", node, "-o", "json").out()).path("spec").path("unschedulable").asBoolean()).isTrue();
    assertThat(run("get", "nodes").out()).containsPattern(node + "\\s+Unknown,SchedulingDisabled");
    assertThat(run("uncordon", node).out().strip()).isEqualTo("node/" + node + " uncordoned");
    assertThat(KubeJson.MAPPER.readTree(run("get", "node", node, "-o", "json").out()).path("spec").has("unschedulable")).isFalse();
    assertThat(run("cordon", "no-such-node").err().strip()).isEqualTo("error: nodes \"no-such-node\" not found");
  }

  @Test
  void versionShowsClientAndServer() {
    Run version = run("version");
    assertThat(version.exit()).isZero();
    assertThat(version.out()).contains("Client Version: dirigent ").containsPattern("Server Version: v1\\.\\d+\\.0-dirigent");
    Run offline = runPlain("version", "--server", "http://127.0.0.1:1");
    assertThat(offline.exit()).isEqualTo(1);
    assertThat(offline.out()).contains("Client Version");
  }

  // ---- helpers ----

  private static final String MANIFEST = """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: web-config
        labels: {app: web}
      data:
        color: blue
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 2
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            containers: [{name: web, image: "dirigent/busybox:1"}]
      """;

  private static final String CONFIG_MAP = """
      {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "lonely"}, "data": {"a": "b"}}
      """;

  private String namespace() {
    String name = "cli-" + NAMESPACES.incrementAndGet();
    Run created = runWithInput("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name + "\"}}", "create", "-f", "-");
    assertThat(created.exit()).as(created.err()).isZero();
    return name;
  }

  /** Runs a client command against the test server. */
  private Run run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--server");
    all.add(server.url());
    return runPlain(all.toArray(String[]::new));
  }

  private Run runWithInput(String input, String... args) {
    var original = System.in;
    synchronized (ClientCommandsTest.class) {
      System.setIn(new java.io.ByteArrayInputStream(input.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      try {
        return run(args);
      } finally {
        System.setIn(original);
      }
    }
  }

  private static Run runPlain(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Dirigent.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new Run(exit, out.toString(), err.toString());
  }
}
