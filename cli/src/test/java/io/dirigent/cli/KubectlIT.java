package io.dirigent.cli;

import static io.dirigent.cli.testing.BinDirigent.run;
import static io.dirigent.cli.testing.LoopbackHttp.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.cli.testing.BinDirigent;
import io.dirigent.cli.testing.Kubectl;
import io.dirigent.cli.testing.Leftovers;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.testing.Await;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The unmodified kubectl against a real Dirigent — {@code bin/dirigent up} on the real Docker
 * engine, and a second worker member joining it — with the kubeconfig {@code up} writes, as a
 * user runs it. Outputs and exit codes are kubectl's own against Kubernetes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubectlIT {

  private static final Duration WAIT = Duration.ofSeconds(120);

  @TempDir static Path dataDir;
  @TempDir static Path workerDir;
  @TempDir static Path home;
  private Kubectl kubectl;
  private Process worker;
  private final String suffix = Long.toString(System.nanoTime() % 1_000_000, 36);
  private final String node = "kubectl-a-" + suffix;
  private final String otherNode = "kubectl-b-" + suffix;

  @BeforeAll
  void up() throws Exception {
    BinDirigent.Run up = run("up", "--data-dir", dataDir.toString(), "--port", "0", "--api-port", "0", "--node-name", node);
    assertThat(up.exit()).as(up.output()).isZero();
    kubectl = new Kubectl(home, dataDir.resolve("kubeconfig").toString());
    String member = Files.readString(dataDir.resolve("server.ready")).lines().filter(l -> l.startsWith("member=")).findFirst().orElseThrow();
    String seed = member.substring(member.indexOf('@') + 1);
    // A second worker on the same host: its own node, no service proxy of its own (the first one's
    // rules serve the host), and a member certificate from the first one's authority.
    BinDirigent.Run certificate = run("member-certificate", otherNode, "--data-dir", dataDir.toString(), "--out", workerDir.resolve("pki").toString());
    assertThat(certificate.exit()).as(certificate.output()).isZero();
    ProcessBuilder second = new ProcessBuilder(BinDirigent.SCRIPT.toString(), "server", "--roles", "worker", "--seed-nodes", seed,
        "--node-name", otherNode, "--data-dir", workerDir.toString(), "--port", "0")
        .redirectErrorStream(true).redirectOutput(workerDir.resolve("server.log").toFile());
    second.environment().put("DIRIGENT_SKIP_BUILD", "1");
    second.environment().put("JAVA_TOOL_OPTIONS", "-Ddirigent.proxy.mode=none");
    worker = second.start();
    Await.until("both nodes Ready", WAIT, () -> ok("get", "nodes").out().lines().filter(l -> l.contains(" Ready ")).count() == 2);
  }

  @AfterAll
  void down() throws Exception {
    if (worker != null) {
      worker.destroy();
      worker.waitFor(60, TimeUnit.SECONDS);
    }
    Leftovers.removeContainersOf(workerDir);
    BinDirigent.Run down = Leftovers.downAndRemove(dataDir);
    assertThat(down.exit()).as(down.output()).isZero();
    assertThat(Leftovers.containersOf(dataDir)).as("containers of this class's servers").isEmpty();
  }

  /** Runs kubectl and expects it to succeed. */
  private Kubectl.Run ok(String... args) {
    try {
      Kubectl.Run run = kubectl.run(args);
      assertThat(run.exit()).as("kubectl %s: %s", String.join(" ", args), run.all()).isZero();
      return run;
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private Kubectl.Run fails(String... args) throws Exception {
    Kubectl.Run run = kubectl.run(args);
    assertThat(run.exit()).as("kubectl %s: %s", String.join(" ", args), run.all()).isEqualTo(1);
    return run;
  }

  private void awaitOutput(String what, java.util.function.Predicate<String> condition, String... args) {
    Await.until(what, WAIT, () -> {
      try {
        Kubectl.Run run = kubectl.run(args);
        return run.exit() == 0 && condition.test(run.out());
      } catch (IOException | InterruptedException e) {
        throw new AssertionError(e);
      }
    });
  }

  private Path manifest(String name, String yaml) throws IOException {
    Path file = home.resolve(name + ".yaml");
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void versionAndApiResourcesDescribeTheServer() {
    assertThat(ok("version").out()).contains("Server Version: v1.31.0-dirigent");
    String resources = ok("api-resources").out();
    assertThat(resources).containsPattern("deployments\\s+deploy\\s+apps/v1\\s+true\\s+Deployment");
    assertThat(resources).containsPattern("pods\\s+po\\s+v1\\s+true\\s+Pod");
    assertThat(resources).containsPattern("nodes\\s+no\\s+v1\\s+false\\s+Node");
    // explain reads the kind's schema from the OpenAPI v3 document.
    assertThat(ok("explain", "deployment.spec.replicas").out()).containsPattern("KIND:\\s+Deployment").contains("FIELD: replicas <integer>");
  }

  @Test
  void theTutorialFlowRunsAndServesAcrossBothWorkers() throws Exception {
    assertThat(ok("create", "deployment", "hello", "--image=dirigent/httpenv:1").out()).isEqualTo("deployment.apps/hello created\n");
    assertThat(ok("scale", "deployment", "hello", "--replicas=4").out()).isEqualTo("deployment.apps/hello scaled\n");
    assertThat(ok("rollout", "status", "deployment/hello", "--timeout=120s").out()).contains("deployment \"hello\" successfully rolled out");
    assertThat(ok("expose", "deployment", "hello", "--port=8888", "--type=NodePort").out()).isEqualTo("service/hello exposed\n");

    String wide = ok("get", "pods", "-o", "wide", "-l", "app=hello").out();
    assertThat(wide.lines().findFirst().orElseThrow().split("\\s{2,}"))
        .containsExactly("NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES");
    assertThat(wide.lines().skip(1).filter(l -> l.contains("Running") && l.contains("1/1")).count()).isEqualTo(4);
    assertThat(wide).as("pods spread over both workers").contains(node).contains(otherNode);

    int nodePort = Integer.parseInt(ok("get", "service", "hello", "-o", "jsonpath={.spec.ports[0].nodePort}").out().trim());
    Set<String> answered = ConcurrentHashMap.newKeySet();
    Await.until("every replica answers through the NodePort", WAIT, () -> {
      try {
        answered.add(get(nodePort));
      } catch (IOException e) {
        // not serving yet
      }
      return answered.size() == 4;
    });

    String all = ok("get", "all").out();
    assertThat(all).contains("service/hello").contains("deployment.apps/hello").contains("replicaset.apps/hello-").contains("pod/hello-");
    assertThat(ok("describe", "deployment", "hello").out())
        .containsPattern("StrategyType:\\s+RollingUpdate")
        .containsPattern("NewReplicaSet:\\s+hello-\\S+ \\(4/4 replicas created\\)")
        .contains("ScalingReplicaSet");

    assertThat(ok("delete", "deployment", "hello").out()).isEqualTo("deployment.apps \"hello\" deleted\n");
    assertThat(ok("delete", "service", "hello").out()).isEqualTo("service \"hello\" deleted\n");
    awaitOutput("the pods gone", out -> out.isBlank(), "get", "pods", "-l", "app=hello", "--no-headers");
  }

  @Test
  void applyEditAndRolloutFlowsBehaveAsOnKubernetes() throws Exception {
    String yaml = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: app, labels: {app: app}}
        spec:
          replicas: 2
          selector: {matchLabels: {app: app}}
          template:
            metadata: {labels: {app: app}}
            spec:
              containers:
              - {name: web, image: "dirigent/httpenv:1", ports: [{containerPort: 8888}]}
        """;
    Path file = manifest("app", yaml);
    assertThat(ok("apply", "-f", file.toString()).out()).isEqualTo("deployment.apps/app created\n");
    assertThat(ok("apply", "-f", file.toString()).out()).isEqualTo("deployment.apps/app unchanged\n");
    Files.writeString(file, yaml.replace("replicas: 2", "replicas: 3"));
    assertThat(ok("apply", "-f", file.toString()).out()).isEqualTo("deployment.apps/app configured\n");
    assertThat(ok("get", "deployment", "app", "-o", "jsonpath={.spec.replicas}").out()).isEqualTo("3");
    assertThat(ok("apply", "--server-side", "-f", file.toString()).out()).isEqualTo("deployment.apps/app serverside-applied\n");
    ok("rollout", "status", "deployment/app", "--timeout=120s");

    // edit: kubectl writes the object to a file, the editor changes it, kubectl sends the difference.
    Kubectl.Run edited = kubectl.run(Map.of("EDITOR", "sed -i s/replicas:\\ 3/replicas:\\ 2/"), "edit", "deployment", "app");
    assertThat(edited.exit()).as(edited.all()).isZero();
    assertThat(edited.out()).isEqualTo("deployment.apps/app edited\n");
    assertThat(ok("get", "deployment", "app", "-o", "jsonpath={.spec.replicas}").out()).isEqualTo("2");

    assertThat(ok("set", "image", "deployment/app", "web=dirigent/httpenv:2").out()).isEqualTo("deployment.apps/app image updated\n");
    ok("rollout", "status", "deployment/app", "--timeout=120s");
    assertThat(ok("rollout", "history", "deployment/app").out()).containsPattern("(?m)^1\\s+<none>").containsPattern("(?m)^2\\s+<none>");
    assertThat(ok("rollout", "undo", "deployment/app").out()).isEqualTo("deployment.apps/app rolled back\n");
    ok("rollout", "status", "deployment/app", "--timeout=120s");
    // The first template's ReplicaSet came back as revision 3: revision 1 is gone from the history.
    String history = ok("rollout", "history", "deployment/app").out();
    assertThat(history).containsPattern("(?m)^2\\s+<none>").containsPattern("(?m)^3\\s+<none>").doesNotContainPattern("(?m)^1\\s");
    assertThat(ok("get", "deployment", "app", "-o", "jsonpath={.spec.template.spec.containers[0].image}").out()).isEqualTo("dirigent/httpenv:1");

    assertThat(ok("rollout", "restart", "deployment/app").out()).isEqualTo("deployment.apps/app restarted\n");
    assertThat(ok("rollout", "pause", "deployment/app").out()).isEqualTo("deployment.apps/app paused\n");
    assertThat(ok("rollout", "resume", "deployment/app").out()).isEqualTo("deployment.apps/app resumed\n");
    ok("rollout", "status", "deployment/app", "--timeout=120s");

    assertThat(ok("label", "deployment", "app", "tier=front").out()).isEqualTo("deployment.apps/app labeled\n");
    assertThat(ok("annotate", "deployment", "app", "owner=team-a").out()).isEqualTo("deployment.apps/app annotated\n");
    assertThat(ok("get", "deployment", "app", "--show-labels").out()).contains("app=app,tier=front");

    // replace with a stale resourceVersion is a conflict, as on Kubernetes.
    String live = ok("get", "deployment", "app", "-o", "yaml").out();
    ok("scale", "deployment", "app", "--replicas=1");
    Kubectl.Run stale = fails("replace", "-f", manifest("stale", live).toString());
    assertThat(stale.err()).contains("Error from server (Conflict)").contains("the object has been modified");
    assertThat(ok("replace", "-f", manifest("fresh", ok("get", "deployment", "app", "-o", "yaml").out()).toString()).out())
        .isEqualTo("deployment.apps/app replaced\n");

    assertThat(ok("delete", "-f", file.toString()).out()).isEqualTo("deployment.apps \"app\" deleted\n");
  }

  @Test
  void aReplicationControllerIsCreatedListedScaledAndDeletedAsOnKubernetes() throws Exception {
    assertThat(ok("api-resources").out()).containsPattern("replicationcontrollers\\s+rc\\s+v1\\s+true\\s+ReplicationController");
    // No selector and no labels: both default to the template's labels.
    Path file = manifest("rc-web", """
        apiVersion: v1
        kind: ReplicationController
        metadata: {name: rc-web}
        spec:
          replicas: 2
          template:
            metadata: {labels: {app: rc-web}}
            spec:
              containers:
              - {name: web, image: "dirigent/httpenv:1"}
        """);
    assertThat(ok("create", "-f", file.toString()).out()).isEqualTo("replicationcontroller/rc-web created\n");
    assertThat(ok("get", "rc", "rc-web", "-o", "jsonpath={.spec.selector.app} {.metadata.labels.app}").out()).isEqualTo("rc-web rc-web");
    awaitOutput("two ready replicas", "2"::equals, "get", "rc", "rc-web", "-o", "jsonpath={.status.readyReplicas}");
    assertThat(ok("get", "rc").out()).containsPattern("(?m)^NAME\\s+DESIRED\\s+CURRENT\\s+READY\\s+AGE$")
        .containsPattern("(?m)^rc-web\\s+2\\s+2\\s+2\\s+\\d+s$");
    assertThat(ok("get", "all").out()).contains("replicationcontroller/rc-web");
    assertThat(ok("describe", "rc", "rc-web").out()).containsPattern("Replicas:\\s+2 current / 2 desired");

    assertThat(ok("scale", "rc", "rc-web", "--replicas=1").out()).isEqualTo("replicationcontroller/rc-web scaled\n");
    awaitOutput("one replica", "1 1"::equals, "get", "rc", "rc-web", "-o", "jsonpath={.spec.replicas} {.status.replicas}");
    // kubectl has no rollout for ReplicationControllers: it refuses by itself, as against Kubernetes.
    assertThat(fails("rollout", "status", "rc/rc-web").err()).contains("no status viewer has been implemented for ReplicationController");

    Kubectl.Run invalid = fails("create", "-f", manifest("rc-bad", """
        apiVersion: v1
        kind: ReplicationController
        metadata: {name: rc-bad}
        spec:
          selector: {app: other}
          template:
            metadata: {labels: {app: rc-bad}}
            spec:
              containers:
              - {name: web, image: "dirigent/httpenv:1"}
        """).toString());
    assertThat(invalid.err()).contains("The ReplicationController \"rc-bad\" is invalid")
        .contains("spec.template.metadata.labels").contains("selector does not match labels in spec.template");

    assertThat(ok("delete", "rc", "rc-web").out()).isEqualTo("replicationcontroller \"rc-web\" deleted\n");
    awaitOutput("its pods gone", String::isEmpty, "get", "pods", "-l", "app=rc-web", "-o", "name");
  }

  @Test
  void aCustomResourceDefinitionIsServedValidatedScaledAndWatchedAsOnKubernetes() throws Exception {
    // The definition of Kubernetes' own walkthrough, with columns, scale and status.
    Path definition = manifest("crontabs", """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: crontabs.stable.example.com}
        spec:
          group: stable.example.com
          scope: Namespaced
          names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct]}
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      cronSpec: {type: string, pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'}
                      image: {type: string}
                      replicas: {type: integer, minimum: 1, maximum: 10, default: 1}
                  status:
                    type: object
                    properties:
                      replicas: {type: integer}
                      labelSelector: {type: string}
            subresources:
              status: {}
              scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas, labelSelectorPath: .status.labelSelector}
            additionalPrinterColumns:
            - {name: Spec, type: string, jsonPath: .spec.cronSpec}
            - {name: Replicas, type: integer, jsonPath: .spec.replicas}
            - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
        """);
    assertThat(ok("apply", "-f", definition.toString()).out()).isEqualTo("customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created\n");
    ok("wait", "--for=condition=established", "--timeout=60s", "crd/crontabs.stable.example.com");
    assertThat(ok("get", "crd", "crontabs.stable.example.com").out()).containsPattern("(?m)^NAME\\s+CREATED AT$")
        .containsPattern("(?m)^crontabs.stable.example.com\\s+\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$");
    awaitOutput("kubectl finding the new resource", out -> out.lines().anyMatch(line -> line.matches("crontabs\\s+ct\\s+stable.example.com/v1\\s+true\\s+CronTab")),
        "api-resources", "--api-group=stable.example.com");

    Path object = manifest("crontab", """
        apiVersion: stable.example.com/v1
        kind: CronTab
        metadata: {name: my-new-cron-object}
        spec: {cronSpec: "* * * * */5", image: my-awesome-cron-image}
        """);
    assertThat(ok("apply", "-f", object.toString()).out()).isEqualTo("crontab.stable.example.com/my-new-cron-object created\n");
    assertThat(ok("get", "ct").out()).containsPattern("(?m)^NAME\\s+SPEC\\s+REPLICAS\\s+AGE$")
        .containsPattern("(?m)^my-new-cron-object\\s+\\* \\* \\* \\* \\*/5\\s+1\\s+\\d+s$");

    assertThat(ok("explain", "crontab.spec.cronSpec").out()).containsPattern("KIND:\\s+CronTab").contains("FIELD: cronSpec <string>");
    assertThat(ok("describe", "crontab", "my-new-cron-object").out()).containsPattern("(?m)^Name:\\s+my-new-cron-object$")
        .containsPattern("(?m)^API Version:\\s+stable.example.com/v1$").containsPattern("(?m)^Kind:\\s+CronTab$")
        .containsPattern("(?m)^\\s+Cron Spec:\\s+\\* \\* \\* \\* \\*/5$");
    Kubectl.Run invalid = fails("apply", "-f", manifest("crontab-bad", """
        apiVersion: stable.example.com/v1
        kind: CronTab
        metadata: {name: bad}
        spec: {cronSpec: "every minute", replicas: 20}
        """).toString());
    assertThat(invalid.err()).contains("The CronTab \"bad\" is invalid")
        .contains("spec.replicas: Invalid value").contains("spec.replicas in body should be less than or equal to 10")
        .contains("spec.cronSpec in body should match");
    Kubectl.Run unknown = fails("apply", "-f", manifest("crontab-extra", """
        apiVersion: stable.example.com/v1
        kind: CronTab
        metadata: {name: extra}
        spec: {cronSpec: "* * * * *", colour: blue}
        """).toString());
    assertThat(unknown.err()).contains("unknown field \"spec.colour\"");

    Path watched = home.resolve("crontab-watch-" + suffix + ".log");
    Process watch = kubectl.start(watched, "get", "crontabs", "-w", "--output-watch-events");
    try {
      Await.until("the watch's first listing", WAIT, () -> readQuietly(watched).contains("my-new-cron-object"));
      assertThat(ok("scale", "crontab", "my-new-cron-object", "--replicas=3").out()).isEqualTo("crontab.stable.example.com/my-new-cron-object scaled\n");
      Await.until("the watch printing the scaled object", WAIT, () -> readQuietly(watched).lines()
          .anyMatch(line -> line.matches("MODIFIED\\s+my-new-cron-object\\s+.*\\s+3\\s+\\d+s")));
    } finally {
      watch.destroy();
    }

    assertThat(ok("delete", "crd", "crontabs.stable.example.com").out()).isEqualTo("customresourcedefinition.apiextensions.k8s.io \"crontabs.stable.example.com\" deleted\n");
    // Whether kubectl's discovery cache still names the resource or not, it is gone.
    assertThat(fails("get", "crontabs").err()).containsAnyOf("the server doesn't have a resource type \"crontabs\"",
        "the server could not find the requested resource");
  }

  @Test
  void aServiceGetsEndpointSlicesKubectlListsAsOnKubernetes() throws Exception {
    ok("create", "deployment", "sliced", "--image=dirigent/httpenv:1", "--replicas=2", "--port=8888");
    ok("expose", "deployment", "sliced", "--port=80", "--target-port=8888");
    awaitOutput("a slice with both pods, ready", out -> out.equals("true true"), "get", "endpointslices", "-l", "kubernetes.io/service-name=sliced",
        "-o", "jsonpath={.items[0].endpoints[*].conditions.ready}");
    assertThat(ok("get", "endpointslices", "-l", "kubernetes.io/service-name=sliced").out())
        .containsPattern("(?m)^NAME\\s+ADDRESSTYPE\\s+PORTS\\s+ENDPOINTS\\s+AGE$")
        .containsPattern("(?m)^sliced-\\w+\\s+IPv4\\s+8888\\s+[0-9.]+,[0-9.]+\\s+\\d+s$");
    ok("delete", "service", "sliced");
    awaitOutput("the slice gone with its service", String::isEmpty, "get", "endpointslices", "-l", "kubernetes.io/service-name=sliced", "-o", "name");
    ok("delete", "deployment", "sliced");
  }

  @Test
  void logsComeFromTheContainerAndItsPreviousRun() throws Exception {
    assertThat(ok("run", "talker", "--image=dirigent/busybox:1", "--", "sh", "-c", "echo hello from talker; sleep 3600").out())
        .isEqualTo("pod/talker created\n");
    awaitOutput("its log", out -> out.contains("hello from talker"), "logs", "talker");
    ok("create", "deployment", "chatty", "--image=dirigent/busybox:1", "--", "sh", "-c", "echo chatty says hi; sleep 3600");
    awaitOutput("a deployment's log", out -> out.contains("chatty says hi"), "logs", "deploy/chatty");

    ok("run", "crasher", "--image=dirigent/busybox:1", "--", "sh", "-c", "echo attempt; exit 3");
    awaitOutput("the crashed run's log", out -> out.contains("attempt"), "logs", "crasher", "--previous");
    ok("delete", "pod", "talker", "crasher", "--grace-period=1");
    ok("delete", "deployment", "chatty");
  }

  @Test
  void execRunsCommandsInTheContainerWithStdinOutputAndExitCodes() throws Exception {
    ok("run", "shell", "--image=dirigent/busybox:1", "--", "sleep", "3600");
    ok("wait", "--for=condition=Ready", "pod/shell", "--timeout=120s");

    assertThat(ok("exec", "shell", "--", "echo", "hello", "there").out()).isEqualTo("hello there\n");
    // Stdin reaches the command, and its end reaches it too: wc counts, then exits.
    Kubectl.Run counted = kubectl.runWithInput("one\ntwo\nthree\n", "exec", "-i", "shell", "--", "wc", "-l");
    assertThat(counted.exit()).as(counted.all()).isZero();
    assertThat(counted.out().strip()).isEqualTo("3");

    Kubectl.Run failed = kubectl.run("exec", "shell", "--", "sh", "-c", "echo to stdout; echo to stderr >&2; exit 3");
    assertThat(failed.exit()).as(failed.all()).isEqualTo(3);
    assertThat(failed.out()).isEqualTo("to stdout\n");
    assertThat(failed.err()).contains("to stderr\n").contains("command terminated with exit code 3");

    assertThat(fails("exec", "shell", "-c", "nope", "--", "true").err())
        .isEqualTo("Error from server (BadRequest): container nope is not valid for pod shell\n");
    ok("delete", "pod", "shell", "--grace-period=1");
  }

  @Test
  void attachJoinsTheStreamsOfARunningContainer() throws Exception {
    // stdinOnce: the container's stdin ends when the first attach's does, so it reads to its end.
    ok("apply", "-f", manifest("talker", """
        apiVersion: v1
        kind: Pod
        metadata: {name: talker}
        spec:
          restartPolicy: Never
          containers:
          - name: talker
            image: dirigent/busybox:1
            command: [sh, -c, 'while read line; do echo "got $line"; done; echo "stdin ended"']
            stdin: true
            stdinOnce: true
        """).toString());
    ok("wait", "--for=condition=Ready", "pod/talker", "--timeout=120s");

    Kubectl.Run attached = kubectl.runWithInput("one\ntwo\n", "attach", "-i", "talker");
    assertThat(attached.exit()).as(attached.all()).isZero();
    assertThat(attached.out()).isEqualTo("got one\ngot two\nstdin ended\n");
    assertThat(attached.err()).contains("If you don't see a command prompt, try pressing enter.");
    awaitOutput("talker Succeeded", out -> out.strip().equals("Succeeded"), "get", "pod", "talker", "-o", "jsonpath={.status.phase}");
    assertThat(fails("attach", "talker").err()).contains("cannot attach a container in a completed pod; current phase is Succeeded");
    ok("delete", "pod", "talker", "--grace-period=1");
  }

  @Test
  void attachWithATerminalTakesItsSizeAndInput() throws Exception {
    ok("apply", "-f", manifest("term", """
        apiVersion: v1
        kind: Pod
        metadata: {name: term}
        spec:
          containers:
          - name: term
            image: dirigent/busybox:1
            command: [sh]
            stdin: true
            tty: true
        """).toString());
    ok("wait", "--for=condition=Ready", "pod/term", "--timeout=120s");

    Path screen = home.resolve("attach-terminal.log");
    Process attach = kubectl.startOnTerminal(screen, 111, 33, "attach", "-it", "term");
    try {
      // The shell redraws its prompt when the terminal's size reaches it: then the resize has arrived.
      Await.until("the shell's prompt after the resize", WAIT, () -> {
        String shown = readQuietly(screen);
        return shown.contains("try pressing enter") && shown.substring(shown.indexOf("try pressing enter")).contains("/ # ");
      });
      attach.getOutputStream().write("stty size; exit\n".getBytes(StandardCharsets.UTF_8));
      attach.getOutputStream().flush();
      assertThat(attach.waitFor(60, TimeUnit.SECONDS)).as(readQuietly(screen)).isTrue();
      // The shell saw the client's terminal size (the resize channel) and ran what was typed.
      assertThat(readQuietly(screen)).contains("33 111").contains("Session ended, resume using 'kubectl attach term -c term -i -t'");
      assertThat(attach.exitValue()).isZero();
    } finally {
      attach.destroyForcibly();
    }
    ok("delete", "pod", "term", "--grace-period=1");
  }

  @Test
  void runInteractiveWithRmAttachesThenDeletesThePodAndExitsWithItsCode() throws Exception {
    Kubectl.Run run = kubectl.runWithInput("hello\n", "run", "echoer", "-i", "--rm", "--restart=Never", "--image=dirigent/busybox:1",
        "--", "sh", "-c", "read line; echo \"got $line\"; exit 3");
    assertThat(run.exit()).as(run.all()).isEqualTo(3);
    assertThat(run.out()).isEqualTo("got hello\npod \"echoer\" deleted\n");
    assertThat(run.err()).contains("pod default/echoer terminated (Error)");
    awaitOutput("echoer gone", out -> !out.contains("echoer"), "get", "pods", "-o", "name");
  }

  @Test
  void portForwardCarriesConnectionsToThePodAndReportsRefusedOnes() throws Exception {
    ok("run", "site", "--image=dirigent/busybox:1", "--", "sh", "-c",
        "mkdir /www && head -c 1000000 /dev/urandom > /www/blob && md5sum /www/blob | cut -d' ' -f1 > /www/sum && httpd -f -p 8080 -h /www");
    ok("wait", "--for=condition=Ready", "pod/site", "--timeout=120s");

    Path log = home.resolve("port-forward.log");
    Process forward = kubectl.start(log, "port-forward", "pod/site", ":8080");
    try {
      int port = forwardedPort(log);
      HttpClient http = HttpClient.newHttpClient();
      String sum = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/sum")).build(),
          HttpResponse.BodyHandlers.ofString()).body().strip();
      // A megabyte through the tunnel, twice, on fresh connections: every byte arrives.
      for (int i = 0; i < 2; i++) {
        byte[] blob = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/blob")).build(),
            HttpResponse.BodyHandlers.ofByteArray()).body();
        assertThat(blob).hasSize(1_000_000);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(blob))).isEqualTo(sum);
      }
      assertThat(Files.readString(log)).contains("Forwarding from 127.0.0.1:" + port + " -> 8080").contains("Handling connection for " + port);
    } finally {
      forward.destroy();
      forward.waitFor(30, TimeUnit.SECONDS);
    }

    // Nothing listens on 9999: the connection is refused in the pod, kubectl says so and gives up.
    Path refusedLog = home.resolve("port-forward-refused.log");
    Process refused = kubectl.start(refusedLog, "port-forward", "pod/site", ":9999");
    try {
      int port = forwardedPort(refusedLog);
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.setSoTimeout(10_000);
        assertThat(socket.getInputStream().read()).isEqualTo(-1);
      }
      assertThat(refused.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(refused.exitValue()).isEqualTo(1);
      assertThat(Files.readString(refusedLog)).contains("an error occurred forwarding " + port + " -> 9999")
          .contains("connection refused").contains("error: lost connection to pod");
    } finally {
      refused.destroyForcibly();
    }
    ok("delete", "pod", "site", "--grace-period=1");
  }

  /** The local port kubectl port-forward chose, from its first line. */
  private static int forwardedPort(Path log) {
    java.util.regex.Pattern forwarding = java.util.regex.Pattern.compile("Forwarding from 127\\.0\\.0\\.1:(\\d+) ->");
    int[] port = {0};
    Await.until("kubectl port-forward listening", WAIT, () -> {
      var matcher = forwarding.matcher(readQuietly(log));
      if (matcher.find()) {
        port[0] = Integer.parseInt(matcher.group(1));
      }
      return port[0] > 0;
    });
    return port[0];
  }

  @Test
  void getDescribeLogsAndWatchShowWhatKubectlShowsAgainstKubernetes() throws Exception {
    String ns = "shapes-" + suffix;
    ok("create", "namespace", ns);
    assertThat(ok("create", "secret", "generic", "creds", "--from-literal=user=admin", "-n", ns).out()).isEqualTo("secret/creds created\n");
    assertThat(ok("get", "secret", "creds", "-n", ns, "-o", "jsonpath={.data.user}").out()).isEqualTo("YWRtaW4=");
    assertThat(ok("create", "service", "clusterip", "db", "--tcp=5432:5432", "-n", ns).out()).isEqualTo("service/db created\n");
    ok("run", "ticker", "--image=dirigent/busybox:1", "-n", ns, "--", "sh", "-c", "i=0; while true; do echo tick $i; i=$((i+1)); sleep 1; done");
    ok("create", "deployment", "web", "--image=dirigent/httpenv:1", "-n", ns);
    ok("wait", "--for=condition=Ready", "pod/ticker", "-n", ns, "--timeout=120s");
    ok("rollout", "status", "deployment/web", "-n", ns, "--timeout=120s");

    assertThat(ok("get", "pod", "ticker", "-n", ns, "-o", "name").out()).isEqualTo("pod/ticker\n");
    JsonNode list = KubeJson.MAPPER.readTree(ok("get", "pods", "-n", ns, "-l", "run=ticker", "-o", "json").out());
    assertThat(list.path("kind").asText()).isEqualTo("List");
    assertThat(list.path("items").get(0).path("metadata").path("name").asText()).isEqualTo("ticker");
    String everywhere = ok("get", "pods", "-A").out();
    assertThat(everywhere.lines().findFirst().orElseThrow().split("\\s{2,}"))
        .containsExactly("NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE");
    assertThat(everywhere).containsPattern(ns + "\\s+ticker\\s+1/1\\s+Running");

    assertThat(ok("describe", "pod", "ticker", "-n", ns).out())
        .containsPattern("Name:\\s+ticker").containsPattern("Namespace:\\s+" + ns).containsPattern("Node:\\s+kubectl-")
        .containsPattern("Status:\\s+Running").containsPattern("IP:\\s+\\d+\\.\\d+\\.\\d+\\.\\d+")
        .contains("Events:").contains("Scheduled").contains("Started");
    assertThat(ok("describe", "replicaset", "-l", "app=web", "-n", ns).out())
        .containsPattern("Replicas:\\s+1 current / 1 desired").containsPattern("Controlled By:\\s+Deployment/web")
        .contains("Events:").contains("SuccessfulCreate");
    assertThat(ok("describe", "service", "db", "-n", ns).out())
        .containsPattern("Type:\\s+ClusterIP").containsPattern("IP:\\s+10\\.96\\.").containsPattern("Port:\\s+5432-5432\\s+5432/TCP");
    assertThat(ok("describe", "node", node).out())
        .containsPattern("Name:\\s+" + node).contains("Conditions:").contains("Capacity:").contains("Allocatable:")
        .containsPattern("Ready\\s+True");

    // logs -f keeps the stream open and prints what the container writes as it writes it.
    Path followed = home.resolve("follow-" + suffix + ".log");
    Process follow = kubectl.start(followed, "logs", "-f", "ticker", "-n", ns);
    try {
      String first = Files.readString(followed);
      Await.until("new lines while following", WAIT, () -> {
        try {
          String now = Files.readString(followed);
          return now.lines().count() >= first.lines().count() + 3;
        } catch (IOException e) {
          return false;
        }
      });
      assertThat(follow.isAlive()).isTrue();
    } finally {
      follow.destroy();
    }

    // get -w prints a new line for each change it is told of.
    ok("create", "configmap", "early", "--from-literal=k=v", "-n", ns);
    Path watched = home.resolve("watch-" + suffix + ".log");
    Process watch = kubectl.start(watched, "get", "configmaps", "-n", ns, "-w", "--output-watch-events");
    try {
      Await.until("the watch's first listing", WAIT, () -> readQuietly(watched).contains("early"));
      ok("create", "configmap", "late", "--from-literal=k=v", "-n", ns);
      Await.until("the watch printing the new ConfigMap", WAIT, () -> readQuietly(watched).lines()
          .anyMatch(line -> line.matches("ADDED\\s+late\\s+1\\s+.*")));
    } finally {
      watch.destroy();
    }
    assertThat(ok("delete", "namespace", ns).out()).isEqualTo("namespace \"" + ns + "\" deleted\n");
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }

  @Test
  void cordonAndDrainEmptyANode() throws Exception {
    ok("create", "deployment", "movable", "--image=dirigent/busybox:1", "--replicas=2", "--", "sleep", "3600");
    ok("rollout", "status", "deployment/movable", "--timeout=120s");
    assertThat(ok("cordon", otherNode).out()).isEqualTo("node/" + otherNode + " cordoned\n");
    assertThat(ok("get", "node", otherNode).out()).contains("Ready,SchedulingDisabled");
    Kubectl.Run drained = ok("drain", otherNode, "--ignore-daemonsets", "--force", "--timeout=120s");
    assertThat(drained.out()).contains("node/" + otherNode + " drained");
    awaitOutput("every pod of the deployment on the other node", out -> out.lines().filter(l -> l.contains("Running")).count() == 2
        && !out.contains(otherNode), "get", "pods", "-l", "app=movable", "-o", "wide", "--no-headers");
    assertThat(ok("uncordon", otherNode).out()).isEqualTo("node/" + otherNode + " uncordoned\n");
    ok("delete", "deployment", "movable");
  }

  @Test
  void drainEvictsThroughTheDisruptionBudgetAndWaitsOnIt() throws Exception {
    ok("create", "deployment", "guarded", "--image=dirigent/busybox:1", "--replicas=2", "--", "sleep", "3600");
    ok("patch", "deployment", "guarded", "-p",
        "{\"spec\":{\"template\":{\"spec\":{\"nodeSelector\":{\"kubernetes.io/hostname\":\"" + otherNode + "\"}}}}}");
    ok("rollout", "status", "deployment/guarded", "--timeout=120s");
    assertThat(ok("create", "poddisruptionbudget", "guarded", "--selector=app=guarded", "--min-available=2").out())
        .isEqualTo("poddisruptionbudget.policy/guarded created\n");
    awaitOutput("the budget counts both pods healthy", out -> out.strip().equals("2 2 0"),
        "get", "pdb", "guarded", "-o", "jsonpath={.status.currentHealthy} {.status.desiredHealthy} {.status.disruptionsAllowed}");
    assertThat(ok("get", "pdb", "guarded").out()).matches("(?s)NAME\\s+MIN AVAILABLE\\s+MAX UNAVAILABLE\\s+ALLOWED DISRUPTIONS\\s+AGE\n"
        + "guarded\\s+2\\s+N/A\\s+0\\s+\\S+\n");
    try {
      // Two must stay: drain evicts neither, says why, and gives up at its timeout.
      Kubectl.Run refused = fails("drain", otherNode, "--ignore-daemonsets", "--force", "--timeout=12s");
      assertThat(refused.all()).contains("Cannot evict pod as it would violate the pod's disruption budget.");
      assertThat(runningOn(otherNode, "app=guarded")).isEqualTo(2);

      // One must stay: one pod goes; its replacement cannot start anywhere (the only node it may
      // run on is cordoned), so the other stays.
      ok("patch", "pdb", "guarded", "-p", "{\"spec\":{\"minAvailable\":1}}");
      awaitOutput("one disruption allowed", out -> out.strip().equals("1"), "get", "pdb", "guarded", "-o", "jsonpath={.status.disruptionsAllowed}");
      fails("drain", otherNode, "--ignore-daemonsets", "--force", "--timeout=12s");
      assertThat(runningOn(otherNode, "app=guarded")).isEqualTo(1);

      // No budget: the rest goes.
      ok("delete", "pdb", "guarded");
      assertThat(ok("drain", otherNode, "--ignore-daemonsets", "--force", "--timeout=60s").out()).contains("node/" + otherNode + " drained");
      assertThat(runningOn(otherNode, "app=guarded")).isZero();
    } finally {
      ok("uncordon", otherNode);
      ok("delete", "deployment", "guarded");
    }
  }

  @Test
  void quotasAndLimitRangesAdmitAsOnKubernetes() throws Exception {
    String ns = "quota-" + suffix;
    ok("create", "namespace", ns);
    try {
      assertThat(ok("create", "quota", "small", "-n", ns, "--hard=pods=1,requests.cpu=1").out()).isEqualTo("resourcequota/small created\n");
      ok("apply", "-n", ns, "-f", manifest("limits-" + suffix, """
          apiVersion: v1
          kind: LimitRange
          metadata: {name: limits}
          spec:
            limits:
            - type: Container
              max: {cpu: "1"}
              defaultRequest: {cpu: 300m}
          """).toString());
      awaitOutput("the quota counted", out -> out.contains("pods: 0/1") && out.contains("requests.cpu: 0/1"), "get", "quota", "small", "-n", ns);
      ok("run", "first", "-n", ns, "--image=dirigent/busybox:1", "--restart=Never", "--", "sleep", "3600");
      assertThat(ok("get", "pod", "first", "-n", ns, "-o", "jsonpath={.spec.containers[0].resources.requests.cpu} {.spec.containers[0].resources.limits.cpu}")
          .out()).as("the LimitRange's defaults").isEqualTo("300m 1");
      awaitOutput("the quota counts the pod", out -> out.contains("pods: 1/1") && out.contains("requests.cpu: 300m/1"), "get", "quota", "small", "-n", ns);
      Kubectl.Run refused = fails("run", "second", "-n", ns, "--image=dirigent/busybox:1", "--restart=Never", "--", "sleep", "3600");
      assertThat(refused.err()).contains("Error from server (Forbidden): pods \"second\" is forbidden: "
          + "exceeded quota: small, requested: pods=1, used: pods=1, limited: pods=1");
      ok("delete", "quota", "small", "-n", ns);
      assertThat(ok("create", "priorityclass", "high-" + suffix, "--value=1000").out()).isEqualTo("priorityclass.scheduling.k8s.io/high-" + suffix + " created\n");
      assertThat(ok("get", "priorityclass", "system-node-critical", "--no-headers").out()).matches("system-node-critical\\s+2000001000\\s+false\\s+\\S+\\s+PreemptLowerPriority\n");
      ok("run", "urgent", "-n", ns, "--image=dirigent/busybox:1", "--restart=Never", "--overrides={\"apiVersion\":\"v1\",\"spec\":{\"priorityClassName\":\"high-"
          + suffix + "\"}}", "--", "sleep", "3600");
      assertThat(ok("get", "pod", "urgent", "-n", ns, "-o", "jsonpath={.spec.priority}").out()).isEqualTo("1000");
      Kubectl.Run tooBig = fails("run", "big", "-n", ns, "--image=dirigent/busybox:1", "--restart=Never", "--overrides="
          + "{\"apiVersion\":\"v1\",\"spec\":{\"containers\":[{\"name\":\"big\",\"image\":\"dirigent/busybox:1\",\"resources\":{\"limits\":{\"cpu\":\"2\"}}}]}}",
          "--", "sleep", "3600");
      assertThat(tooBig.err()).contains("pods \"big\" is forbidden: maximum cpu usage per Container is 1, but limit is 2");
    } finally {
      kubectl.run("delete", "priorityclass", "high-" + suffix, "--ignore-not-found");
      ok("delete", "namespace", ns, "--wait=false");
    }
  }

  /** How many pods of {@code selector} run on {@code node} now. */
  private long runningOn(String node, String selector) throws Exception {
    return ok("get", "pods", "-l", selector, "-o", "wide", "--no-headers").out().lines()
        .filter(line -> line.contains(" Running ") && line.contains(" " + node + " ")).count();
  }

  @Test
  void errorsAreKubernetesOwnWithExitCodeOne() throws Exception {
    assertThat(fails("get", "widgets").err()).contains("error: the server doesn't have a resource type \"widgets\"");
    assertThat(fails("get", "pod", "nosuch").err()).contains("Error from server (NotFound): pods \"nosuch\" not found");
    ok("create", "namespace", "twice-" + suffix);
    assertThat(fails("create", "namespace", "twice-" + suffix).err())
        .contains("Error from server (AlreadyExists): namespaces \"twice-" + suffix + "\" already exists");
    Path invalid = manifest("invalid", """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: broken}
        spec:
          replicas: -1
          selector: {matchLabels: {app: broken}}
          template:
            metadata: {labels: {app: other}}
            spec: {containers: [{name: c, image: "dirigent/busybox:1"}]}
        """);
    Kubectl.Run broken = fails("apply", "-f", invalid.toString());
    assertThat(broken.err()).contains("The Deployment \"broken\" is invalid:").contains("spec.replicas");
    Path unknown = manifest("unknown", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: strict}\nfoo: bar\n");
    assertThat(fails("create", "-f", unknown.toString()).err()).contains("unknown field \"foo\"");
    ok("delete", "namespace", "twice-" + suffix);
  }

  @ParameterizedTest(name = "kubectl 1.{0}")
  @ValueSource(ints = {27, 28, 29, 30, 31, 32, 33})
  void everyClientFrom127To133RunsTheCoreCommands(int minor) throws Exception {
    String ns = "v" + minor + "-" + suffix;
    // 1.27 prints the whole version.Info, later clients the gitVersion alone.
    assertThat(kubectl.minor(minor, "version").out()).containsPattern("Server Version: .*v1.31.0-dirigent");
    assertThat(kubectl.minor(minor, "get", "nodes", "--no-headers").out().lines().count()).isEqualTo(2);
    assertThat(kubectl.minor(minor, "create", "namespace", ns).out()).isEqualTo("namespace/" + ns + " created\n");
    // 1.32 and later send this create as protobuf.
    assertThat(kubectl.minor(minor, "create", "deployment", "d", "--image=dirigent/busybox:1", "-n", ns, "--", "sleep", "3600").out())
        .isEqualTo("deployment.apps/d created\n");
    assertThat(kubectl.minor(minor, "create", "configmap", "c", "--from-literal=k=v", "-n", ns).out()).isEqualTo("configmap/c created\n");
    Kubectl.Run rolled = kubectl.minor(minor, "rollout", "status", "deployment/d", "-n", ns, "--timeout=120s");
    assertThat(rolled.exit()).as(rolled.all()).isZero();
    String deployments = kubectl.minor(minor, "get", "deployments", "-n", ns).out();
    assertThat(deployments).containsPattern("NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE").containsPattern("d\\s+1/1\\s+1\\s+1");
    assertThat(kubectl.minor(minor, "get", "configmap", "c", "-n", ns, "-o", "jsonpath={.data.k}").out()).isEqualTo("v");
    Kubectl.Run deleted = kubectl.minor(minor, "delete", "namespace", ns);
    assertThat(deleted.exit()).as(deleted.all()).isZero();
    assertThat(deleted.out()).isEqualTo("namespace \"" + ns + "\" deleted\n");
  }


}
