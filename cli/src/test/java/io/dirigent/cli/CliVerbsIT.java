package io.dirigent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.cli.testing.BinDirigent;
import io.dirigent.cli.testing.BinDirigent.Run;
import io.dirigent.cli.testing.Leftovers;
import io.dirigent.cli.testing.LoopbackHttp;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.testing.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code dirigent} CLI as a person uses it: every command through {@code bin/dirigent},
 * against {@code bin/dirigent up} on the real Docker engine, with the kubeconfig {@code up} writes
 * named by {@code $KUBECONFIG} — global flags before or after the command, usage errors, rollouts,
 * exec (with a real terminal), port forwarding, labels and annotations, edit, set image, watching,
 * and the served resource types.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliVerbsIT {

  private static final Duration WAIT = Duration.ofSeconds(120);

  @TempDir static Path dataDir;
  @TempDir static Path work;
  private final String node = "cli-" + Long.toString(System.nanoTime() % 1_000_000, 36);
  private String kubeconfig;
  private String api;
  private Map<String, String> env;

  @BeforeAll
  void up() throws Exception {
    Run up = BinDirigent.run("up", "--data-dir", dataDir.toString(), "--port", "0", "--api-port", "0", "--node-name", node);
    assertThat(up.exit()).as(up.output()).isZero();
    assertThat(up.output()).as("up says how to point kubectl at the cluster")
        .contains("export KUBECONFIG=" + dataDir.resolve("kubeconfig"));
    kubeconfig = dataDir.resolve("kubeconfig").toString();
    api = Files.readString(dataDir.resolve("server.ready")).lines().filter(l -> l.startsWith("api=")).findFirst().orElseThrow().substring(4);
    env = Map.of("KUBECONFIG", kubeconfig);
    Await.until("the node Ready", WAIT, () -> dirigent("get", "nodes").output().contains(" Ready "));
  }

  @AfterAll
  void down() throws Exception {
    // The pods this class made keep running after down, for a next server to adopt: removed here.
    Run down = Leftovers.downAndRemove(dataDir);
    assertThat(down.exit()).as(down.output()).isZero();
    assertThat(Leftovers.containersOf(dataDir)).as("containers of this class's server").isEmpty();
  }

  // ---- global flags and usage errors ----

  @Test
  void globalFlagsGoBeforeOrAfterTheCommand() throws Exception {
    apply("flags.yaml", """
        apiVersion: v1
        kind: Namespace
        metadata: {name: flags}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: only-here, namespace: flags}
        data: {a: b}
        """);
    for (List<String> args : List.of(
        List.of("--kubeconfig", kubeconfig, "-n", "flags", "get", "configmaps"),
        List.of("get", "configmaps", "--kubeconfig", kubeconfig, "--namespace", "flags"),
        List.of("-n", "flags", "get", "--kubeconfig=" + kubeconfig, "configmaps"),
        // --server overrides the kubeconfig's server and keeps its certificates, as kubectl's does.
        List.of("--kubeconfig", kubeconfig, "--server", api, "get", "configmaps", "-n", "flags"))) {
      Run run = BinDirigent.run(args.toArray(String[]::new));
      assertThat(run.exit()).as("%s: %s", args, run.output()).isZero();
      assertThat(run.output()).as("%s", args).containsPattern("only-here\\s+1\\s+\\d+s");
    }

    // Two contexts, the current one unreachable: --context picks the other, before or after the command.
    Path contexts = work.resolve("contexts.yaml");
    Files.writeString(contexts, """
        apiVersion: v1
        kind: Config
        clusters:
        - {name: gone, cluster: {server: "http://127.0.0.1:1"}}
        - {name: real, cluster: {server: "%s", certificate-authority: "%s"}}
        users: [{name: u, user: {client-certificate-data: %s, client-key-data: %s}}]
        contexts:
        - {name: gone, context: {cluster: gone, user: u}}
        - {name: real, context: {cluster: real, user: u, namespace: flags}}
        current-context: gone
        """.formatted(api, dataDir.resolve("pki").resolve("ca.crt"), fromKubeconfig("client-certificate-data"), fromKubeconfig("client-key-data")));
    assertThat(BinDirigent.run("--kubeconfig", contexts.toString(), "--context", "real", "get", "cm").output()).contains("only-here");
    assertThat(BinDirigent.run("get", "cm", "--context", "real", "--kubeconfig", contexts.toString()).output()).contains("only-here");
    Run current = BinDirigent.run("get", "cm", "--kubeconfig", contexts.toString());
    assertThat(current.exit()).isEqualTo(1);
    assertThat(current.output().strip()).isEqualTo("error: cannot reach the API server at http://127.0.0.1:1 (is it running? bin/dirigent up)");
    Run missing = BinDirigent.run("get", "cm", "--kubeconfig", contexts.toString(), "--context", "nope");
    assertThat(missing.output().strip()).isEqualTo("error: context \"nope\" does not exist in kubeconfig " + contexts);
  }

  @Test
  void anUnknownCommandOrFlagIsOneLineNamingTheClosestValidOne() throws Exception {
    Run command = dirigent("gte", "pods");
    assertThat(command.exit()).isEqualTo(1);
    assertThat(command.output().strip()).isEqualTo("error: unknown command \"gte\" for \"dirigent\"; did you mean \"get\"?");

    Run flag = dirigent("get", "pods", "--namespac", "default");
    assertThat(flag.exit()).isEqualTo(1);
    assertThat(flag.output().strip())
        .isEqualTo("error: unknown flag: --namespac; did you mean \"--namespace\"? (see 'dirigent get --help')");

    Run nested = dirigent("rollout", "stauts", "deploy/x");
    assertThat(nested.exit()).isEqualTo(1);
    assertThat(nested.output().strip()).isEqualTo("error: unknown command \"stauts\" for \"dirigent rollout\"; did you mean \"status\"?");

    Run nothingClose = dirigent("--kubeconfig", kubeconfig, "frobnicate");
    assertThat(nothingClose.output().strip()).isEqualTo("error: unknown command \"frobnicate\" for \"dirigent\"");
    assertThat(nothingClose.output().lines().count()).isEqualTo(1);
  }

  // ---- rollouts ----

  @Test
  void rolloutStatusHistoryUndoRestartPauseAndResume() throws Exception {
    // Ready only 6 s after start: long enough that the CLI starting up and applying (several seconds
    // on a loaded machine) still finds the rollout under way.
    apply("roll.yaml", deployment("roll", "dirigent/httpenv:1", 2).replace("initialDelaySeconds: 2", "initialDelaySeconds: 6"));

    Run status = dirigent("rollout", "status", "deployment/roll", "--timeout=120s");
    assertThat(status.exit()).as(status.output()).isZero();
    List<String> lines = status.output().lines().toList();
    // The readiness probe's delay keeps the pods unavailable for a while: the waiting is shown.
    assertThat(lines).anyMatch(line -> line.startsWith("Waiting for deployment \"roll\" rollout to finish: "));
    assertThat(lines).allMatch(line -> line.startsWith("Waiting for deployment") || line.equals("deployment \"roll\" successfully rolled out"));
    assertThat(lines.get(lines.size() - 1)).isEqualTo("deployment \"roll\" successfully rolled out");

    assertThat(dirigent("set", "image", "deployment/roll", "web=dirigent/httpenv:2").output().strip())
        .isEqualTo("deployment.apps/roll image updated");
    assertThat(dirigent("rollout", "status", "deploy", "roll").output()).endsWith("deployment \"roll\" successfully rolled out\n");
    assertThat(image("roll")).isEqualTo("dirigent/httpenv:2");
    Run unknownContainer = dirigent("set", "image", "deploy/roll", "nosuch=dirigent/httpenv:1");
    assertThat(unknownContainer.exit()).isEqualTo(1);
    assertThat(unknownContainer.output().strip()).isEqualTo("error: unable to find container named \"nosuch\"");

    Run history = dirigent("rollout", "history", "deployment/roll");
    assertThat(history.output().lines().toList()).containsExactly(
        "deployment.apps/roll ", "REVISION   CHANGE-CAUSE", "1          <none>", "2          <none>", "");
    assertThat(dirigent("rollout", "history", "deployment/roll", "--revision=1").output())
        .startsWith("deployment.apps/roll with revision #1\nPod Template:\n").contains("image: \"dirigent/httpenv:1\"");

    assertThat(dirigent("rollout", "undo", "deployment/roll").output().strip()).isEqualTo("deployment.apps/roll rolled back");
    dirigent("rollout", "status", "deployment/roll");
    assertThat(image("roll")).isEqualTo("dirigent/httpenv:1");
    assertThat(dirigent("rollout", "history", "deploy/roll").output()).contains("2          <none>").contains("3          <none>")
        .doesNotContain("1          <none>");
    Run noSuchRevision = dirigent("rollout", "undo", "deployment/roll", "--to-revision=99");
    assertThat(noSuchRevision.exit()).isEqualTo(1);
    assertThat(noSuchRevision.output().strip()).isEqualTo("error: unable to find specified revision 99 in history");

    Set<String> before = podNames("app=roll");
    assertThat(dirigent("rollout", "restart", "deployment/roll").output().strip()).isEqualTo("deployment.apps/roll restarted");
    assertThat(dirigent("rollout", "status", "deployment/roll").exit()).isZero();
    Await.until("every pod replaced", WAIT, () -> {
      Set<String> now = podNames("app=roll");
      return now.size() == 2 && now.stream().noneMatch(before::contains);
    });

    assertThat(dirigent("rollout", "pause", "deployment/roll").output().strip()).isEqualTo("deployment.apps/roll paused");
    assertThat(dirigent("rollout", "pause", "deployment/roll").output().strip()).isEqualTo("error: deployments.apps \"roll\" is already paused");
    dirigent("set", "image", "deployment/roll", "web=dirigent/httpenv:2");
    Run restartPaused = dirigent("rollout", "restart", "deployment/roll");
    assertThat(restartPaused.exit()).isEqualTo(1);
    assertThat(restartPaused.output().strip()).isEqualTo("error: can't restart paused deployment (run rollout resume first)");
    assertThat(dirigent("rollout", "resume", "deployment/roll").output().strip()).isEqualTo("deployment.apps/roll resumed");
    assertThat(dirigent("rollout", "status", "deployment/roll").exit()).isZero();
    Await.until("the paused change rolled out", WAIT, () -> podNames("app=roll").size() == 2
        && dirigent("get", "pods", "-l", "app=roll", "-o", "yaml").output().contains("dirigent/httpenv:2")
        && !dirigent("get", "pods", "-l", "app=roll", "-o", "yaml").output().contains("dirigent/httpenv:1"));
  }

  @Test
  void rolloutStatusGivesUpAtItsTimeout() throws Exception {
    String never = deployment("never", "dirigent/httpenv:1", 1).replace("httpGet: {port: 8888}", "exec: {command: [\"false\"]}");
    apply("never.yaml", never);
    Run status = dirigent("rollout", "status", "deployment/never", "--timeout=3s");
    assertThat(status.exit()).isEqualTo(1);
    assertThat(status.output()).endsWith("error: timed out waiting for the condition\n");
    Run once = dirigent("rollout", "status", "deployment/never", "--watch=false");
    assertThat(once.exit()).isZero();
    assertThat(once.output()).startsWith("Waiting for ");
  }

  // ---- exec and port-forward ----

  @Test
  void execRunsACommandWithItsOutputExitCodeAndInput() throws Exception {
    startShellPod("shell");
    Run echo = dirigent("exec", "shell", "--", "echo", "hello", "pod");
    assertThat(echo.exit()).as(echo.output()).isZero();
    assertThat(echo.output()).isEqualTo("hello pod\n");

    Run failing = dirigent("exec", "pod/shell", "--", "sh", "-c", "echo out; echo err >&2; exit 3");
    assertThat(failing.exit()).isEqualTo(3);
    assertThat(failing.output()).contains("out\n").contains("err\n").contains("command terminated with exit code 3");

    Run input = shell("printf 'one\\ntwo\\n' | \"$DIRIGENT\" exec -i shell -- wc -l");
    assertThat(input.exit()).as(input.output()).isZero();
    assertThat(input.output().strip()).isEqualTo("2");

    Run noPod = dirigent("exec", "no-such-pod", "--", "true");
    assertThat(noPod.exit()).isEqualTo(1);
    assertThat(noPod.output().strip()).isEqualTo("error: pods \"no-such-pod\" not found");
  }

  @Test
  void execWithATerminalMakesThisTerminalTheCommands() throws Exception {
    startShellPod("terminal");
    // script(1) gives bin/dirigent a real terminal of 27 rows and 91 columns; a shell in the pod
    // reads its terminal's size and exits with a code of its own.
    ProcessBuilder builder = new ProcessBuilder("script", "-qec",
        "stty cols 91 rows 27; \"$DIRIGENT\" exec -it terminal -- sh; echo EXIT=$?", "/dev/null").redirectErrorStream(true);
    builder.environment().putAll(shellEnvironment());
    Process process = builder.start();
    OutputStream typed = process.getOutputStream();
    typed.write("stty size; exit 5\r".getBytes(StandardCharsets.US_ASCII));
    typed.flush();
    String output = readUntilExit(process);
    typed.close();
    assertThat(output).contains("27 91").contains("command terminated with exit code 5").contains("EXIT=5");
  }

  @Test
  void portForwardCarriesLocalConnectionsToThePod() throws Exception {
    apply("fwd.yaml", deployment("fwd", "dirigent/httpenv:1", 1));
    assertThat(dirigent("rollout", "status", "deployment/fwd").exit()).isZero();
    assertThat(dirigent("expose", "deployment", "fwd", "--port=80", "--target-port=8888").exit()).isZero();

    for (String target : List.of("deployment/fwd", "svc/fwd")) {
      String port = target.startsWith("svc") ? ":80" : ":http";
      try (Background forward = new Background(BinDirigent.start(env, "port-forward", target, port))) {
        Matcher forwarding = forward.await("Forwarding from 127\\.0\\.0\\.1:(\\d+) -> 8888");
        int local = Integer.parseInt(forwarding.group(1));
        assertThat(LoopbackHttp.get(local)).as("through %s", target).startsWith("fwd-");
        assertThat(LoopbackHttp.get(local)).startsWith("fwd-");
        forward.await("(?s).*Handling connection for " + local + ".*Handling connection for " + local);
      }
    }
    Run badPort = dirigent("port-forward", "deployment/fwd", "8080:nosuch");
    assertThat(badPort.exit()).isEqualTo(1);
    assertThat(badPort.output().strip()).matches("error: Pod 'fwd-[a-z0-9-]+' does not have a named port 'nosuch'");
  }

  // ---- labels, annotations, edit, watch, resources ----

  @Test
  void labelAndAnnotateSetAndRemoveKeys() throws Exception {
    apply("tagged.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: tagged}\ndata: {a: b}\n");

    assertThat(dirigent("label", "configmap", "tagged", "tier=web").output().strip()).isEqualTo("configmap/tagged labeled");
    Run clash = dirigent("label", "cm/tagged", "tier=db");
    assertThat(clash.exit()).isEqualTo(1);
    assertThat(clash.output().strip()).isEqualTo("error: 'tier' already has a value (web), and --overwrite is false");
    assertThat(dirigent("label", "cm/tagged", "tier=db", "--overwrite").output().strip()).isEqualTo("configmap/tagged labeled");
    assertThat(dirigent("get", "cm", "-l", "tier=db", "-o", "name").output().strip()).isEqualTo("configmap/tagged");
    assertThat(dirigent("label", "cm", "tagged", "tier-").output().strip()).isEqualTo("configmap/tagged labeled");
    assertThat(json("cm", "tagged").path("metadata").path("labels").has("tier")).isFalse();

    assertThat(dirigent("annotate", "cm/tagged", "owner=team-a").output().strip()).isEqualTo("configmap/tagged annotated");
    assertThat(dirigent("annotate", "cm/tagged", "owner=team-a").output().strip()).isEqualTo("configmap/tagged not annotated");
    assertThat(json("cm", "tagged").path("metadata").path("annotations").path("owner").asText()).isEqualTo("team-a");
    Run invalid = dirigent("label", "cm/tagged", "bad key=x");
    assertThat(invalid.exit()).isEqualTo(1);
    assertThat(invalid.output()).startsWith("error: ").contains("bad key");
  }

  @Test
  void editSavesTheEditorsChangeAndReportsAConflictWithTheFileKept() throws Exception {
    apply("edited.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: edited}\ndata: {color: blue}\n");

    Path recolor = editor("recolor.sh", "sed -i 's/color: \"blue\"/color: \"green\"/' \"$1\"");
    Run edited = dirigent(Map.of("EDITOR", recolor.toString()), "edit", "configmap/edited");
    assertThat(edited.exit()).as(edited.output()).isZero();
    assertThat(edited.output().strip()).isEqualTo("configmap/edited edited");
    assertThat(json("cm", "edited").path("data").path("color").asText()).isEqualTo("green");

    Run unchanged = dirigent(Map.of("EDITOR", "true"), "edit", "cm", "edited");
    assertThat(unchanged.output().strip()).isEqualTo("Edit cancelled, no changes made.");

    // Someone else changes the object while the editor is open.
    Path racing = editor("racing.sh", "\"$DIRIGENT\" annotate cm/edited meanwhile=yes >/dev/null\n"
        + "sed -i 's/color: \"green\"/color: \"red\"/' \"$1\"");
    Map<String, String> racingEnv = new HashMap<>(Map.of("EDITOR", racing.toString()));
    racingEnv.put("DIRIGENT", BinDirigent.SCRIPT.toString());
    Run conflict = dirigent(racingEnv, "edit", "cm/edited");
    assertThat(conflict.exit()).isEqualTo(1);
    assertThat(conflict.output().strip()).startsWith("error: configmap/edited could not be saved: ")
        .contains("the object has been modified").contains("your changes are saved in ");
    Path kept = Path.of(conflict.output().strip().replaceAll(".*your changes are saved in ", ""));
    assertThat(Files.readString(kept)).contains("color: \"red\"");
    assertThat(json("cm", "edited").path("data").path("color").asText()).as("nothing half-written").isEqualTo("green");
  }

  @Test
  void getWatchShowsChangesAsTheyHappen() throws Exception {
    apply("watched-ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: watched}\n");
    try (Background watch = new Background(BinDirigent.start(env, "get", "configmaps", "-w", "-n", "watched"))) {
      watch.await("(?s).*NAME\\s+DATA\\s+AGE.*");
      apply("watched.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: appears, namespace: watched}\ndata: {a: b}\n");
      watch.await("(?s).*appears\\s+1\\s+\\d+s.*");
      dirigent("label", "cm/appears", "-n", "watched", "seen=yes");
      watch.await("(?s).*appears\\s+1\\s+\\d+s.*appears\\s+1\\s+\\d+s.*");
    }
  }

  @Test
  void apiResourcesListsTheServedTypesFromDiscovery() throws Exception {
    Run resources = dirigent("api-resources");
    assertThat(resources.exit()).isZero();
    assertThat(resources.output().lines().findFirst().orElseThrow()).matches("NAME\\s+SHORTNAMES\\s+APIVERSION\\s+NAMESPACED\\s+KIND");
    assertThat(resources.output())
        .containsPattern("deployments\\s+deploy\\s+apps/v1\\s+true\\s+Deployment")
        .containsPattern("pods\\s+po\\s+v1\\s+true\\s+Pod")
        .containsPattern("nodes\\s+no\\s+v1\\s+false\\s+Node");
    String clusterWide = dirigent("api-resources", "--namespaced=false", "-o", "name").output();
    assertThat(clusterWide.lines()).contains("nodes", "namespaces").doesNotContain("pods", "deployments.apps");
  }

  // ---- helpers ----

  private Run dirigent(String... args) {
    return dirigent(Map.of(), args);
  }

  private Run dirigent(Map<String, String> extra, String... args) {
    Map<String, String> all = new HashMap<>(env);
    all.putAll(extra);
    try {
      return BinDirigent.run(all, args);
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private void apply(String name, String yaml) throws IOException {
    Path file = work.resolve(name);
    Files.writeString(file, yaml);
    Run applied = dirigent("apply", "-f", file.toString());
    assertThat(applied.exit()).as(applied.output()).isZero();
  }

  private JsonNode json(String type, String name) throws IOException {
    return KubeJson.MAPPER.readTree(dirigent("get", type, name, "-o", "json").output());
  }

  private String image(String deployment) throws IOException {
    return json("deployment", deployment).path("spec").path("template").path("spec").path("containers").get(0).path("image").asText();
  }

  private Set<String> podNames(String selector) {
    return dirigent("get", "pods", "-l", selector, "-o", "name").output().lines()
        .filter(line -> line.startsWith("pod/")).collect(Collectors.toSet());
  }

  /** A Deployment of {@code image} (httpenv, on port 8888 named http), ready 2 s after it starts. */
  private static String deployment(String name, String image, int replicas) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: %1$s}
        spec:
          replicas: %3$d
          selector: {matchLabels: {app: %1$s}}
          template:
            metadata: {labels: {app: %1$s}}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: web
                image: %2$s
                ports: [{name: http, containerPort: 8888}]
                readinessProbe: {httpGet: {port: 8888}, initialDelaySeconds: 2, periodSeconds: 1}
        """.formatted(name, image, replicas);
  }

  private void startShellPod(String name) throws IOException {
    apply(name + ".yaml", """
        apiVersion: v1
        kind: Pod
        metadata: {name: %s}
        spec:
          terminationGracePeriodSeconds: 1
          containers: [{name: shell, image: "dirigent/busybox:1", command: [sleep, "3600"]}]
        """.formatted(name));
    Await.until(name + " Running", WAIT, () -> dirigent("get", "pod", name).output().contains("Running"));
  }

  private Path editor(String name, String body) throws IOException {
    Path script = work.resolve(name);
    Files.writeString(script, "#!/bin/sh\nset -e\n" + body + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  private Map<String, String> shellEnvironment() {
    return Map.of("KUBECONFIG", kubeconfig, "DIRIGENT", BinDirigent.SCRIPT.toString(), "DIRIGENT_SKIP_BUILD", "1");
  }

  /** {@code sh -c command} with {@code $DIRIGENT} naming bin/dirigent. */
  private Run shell(String command) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true);
    builder.environment().putAll(shellEnvironment());
    Process process = builder.start();
    process.getOutputStream().close();
    String output = readUntilExit(process);
    return new Run(process.exitValue(), output);
  }

  private static String readUntilExit(Process process) throws IOException, InterruptedException {
    try (Background output = new Background(process)) {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError("still running after 60 s; output so far: " + output.text());
      }
      output.reader.join(10_000);
      return output.text();
    }
  }

  /** A process whose output is collected as it comes, stopped at the end. */
  private static final class Background implements AutoCloseable {
    final Process process;
    final StringBuffer output = new StringBuffer();
    final Thread reader;

    Background(Process process) {
      this.process = process;
      this.reader = new Thread(() -> {
        byte[] buffer = new byte[4096];
        try (InputStream in = process.getInputStream()) {
          for (int read; (read = in.read(buffer)) >= 0; ) {
            output.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
          }
        } catch (IOException e) {
          // The process ended.
        }
      }, "background-output");
      reader.setDaemon(true);
      reader.start();
    }

    String text() {
      return output.toString();
    }

    /** Waits until the output so far matches {@code regex} somewhere; the match. */
    Matcher await(String regex) {
      Pattern pattern = Pattern.compile(regex);
      Matcher[] found = {null};
      Await.until("output matching " + regex, WAIT, () -> {
        Matcher matcher = pattern.matcher(text());
        if (matcher.find()) {
          found[0] = matcher;
          return true;
        }
        assertThat(process.isAlive() || matcher.find()).as("the process ended: %s", text()).isTrue();
        return false;
      });
      return found[0];
    }

    @Override
    public void close() {
      process.destroy();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A field of the user in the kubeconfig {@code up} wrote (the administrator's certificate and key). */
  private String fromKubeconfig(String field) throws IOException {
    return Files.readString(Path.of(kubeconfig)).lines().map(String::strip).filter(line -> line.startsWith(field + ":"))
        .findFirst().orElseThrow().substring(field.length() + 1).strip();
  }
}
