package io.dirigent.cli;

import static io.dirigent.cli.testing.BinDirigent.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.cli.testing.BinDirigent;
import io.dirigent.cli.testing.Kubectl;
import io.dirigent.cli.testing.Leftovers;
import io.dirigent.core.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * PersistentVolumeClaims of the default local-path class with the unmodified kubectl against
 * {@code bin/dirigent up} on the real Docker engine: a pod writes a file, is deleted, and the pod
 * made again under its name on the same node reads it; deleting the claim removes the directory.
 * Hostile volumes never reach the host.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VolumesIT {

  private static final Duration WAIT = Duration.ofSeconds(120);

  @TempDir static Path dataDir;
  @TempDir static Path home;
  @TempDir static Path outside;
  private Kubectl kubectl;
  private final String node = "volumes-" + Long.toString(System.nanoTime() % 1_000_000, 36);

  @BeforeAll
  void up() throws Exception {
    BinDirigent.Run up = run("up", "--data-dir", dataDir.toString(), "--port", "0", "--api-port", "0", "--node-name", node);
    assertThat(up.exit()).as(up.output()).isZero();
    kubectl = new Kubectl(home, dataDir.resolve("kubeconfig").toString());
    Await.until("the node Ready", WAIT, () -> ok("get", "nodes").out().contains(" Ready "));
  }

  @AfterAll
  void down() throws Exception {
    kubectl.run("delete", "pods", "--all", "--grace-period=1");
    BinDirigent.Run down = Leftovers.downAndRemove(dataDir);
    assertThat(down.exit()).as(down.output()).isZero();
    assertThat(Leftovers.containersOf(dataDir)).as("containers of this class's server").isEmpty();
  }

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

  private Path pod(String name, String claim, String script) throws IOException {
    return manifest(name + "-" + claim, """
        apiVersion: v1
        kind: Pod
        metadata: {name: %s}
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: app
            image: dirigent/busybox:1
            command: ["sh", "-c", "%s; sleep 3600"]
            volumeMounts: [{name: data, mountPath: /data}]
          volumes:
          - name: data
            persistentVolumeClaim: {claimName: %s}
        """.formatted(name, script, claim));
  }

  @Test
  void theDefaultClassIsK3sLocalPath() {
    assertThat(ok("get", "storageclass").out())
        .containsPattern("local-path \\(default\\)\\s+dirigent.io/local-path\\s+Delete\\s+WaitForFirstConsumer\\s+false");
  }

  @Test
  void aFileWrittenToAClaimOutlivesItsPodAndGoesWithTheClaim() throws Exception {
    ok("apply", "-f", manifest("claim", """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: data}
        spec:
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 64Mi}}
        """).toString());
    awaitOutput("the claim Pending in the default class", out -> out.matches("(?s).*data\\s+Pending\\s+local-path.*"), "get", "pvc", "data");

    ok("apply", "-f", pod("writer", "data", "echo kept-across-pods > /data/file").toString());
    awaitOutput("the writer Running", out -> out.contains("Running"), "get", "pod", "writer");
    awaitOutput("the claim Bound", out -> out.matches("(?s).*data\\s+Bound\\s+pvc-\\S+\\s+64Mi\\s+RWO\\s+local-path.*"), "get", "pvc", "data");
    String volume = ok("get", "pvc", "data", "-o", "jsonpath={.spec.volumeName}").out().trim();
    assertThat(ok("get", "pv", volume).out()).containsPattern(volume + "\\s+64Mi\\s+RWO\\s+Delete\\s+Bound\\s+default/data\\s+local-path");
    String path = ok("get", "pv", volume, "-o", "jsonpath={.spec.local.path}").out().trim();
    assertThat(Path.of(path)).startsWith(dataDir.resolve("volumes"));
    Await.until("the file on the host", WAIT, () -> Files.exists(Path.of(path, "file")));
    assertThat(Path.of(path, "file")).hasContent("kept-across-pods");

    ok("delete", "pod", "writer");
    ok("apply", "-f", pod("writer", "data", "cat /data/file").toString());
    awaitOutput("the pod made again reads the file", out -> out.contains("kept-across-pods"), "logs", "writer");
    assertThat(ok("get", "pod", "writer", "-o", "jsonpath={.spec.nodeName}").out()).isEqualTo(node);

    ok("delete", "pod", "writer");
    ok("delete", "pvc", "data");
    Await.until("the volume's directory removed", WAIT, () -> !Files.exists(Path.of(path)));
    awaitOutput("the volume gone", out -> !out.contains(volume), "get", "pv");
  }

  @Test
  void aStatefulSetsPodsKeepTheirClaimsAcrossDeletionAndScaling() throws Exception {
    ok("apply", "-f", manifest("web", """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: web}
        spec:
          serviceName: web
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: dirigent/busybox:1
                command: ["sh", "-c", "if [ -f /data/file ]; then echo found $(cat /data/file); else echo first-$(hostname) > /data/file; echo wrote; fi; sleep 3600"]
                volumeMounts: [{name: data, mountPath: /data}]
          volumeClaimTemplates:
          - metadata: {name: data}
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 32Mi}}
        """).toString());
    // As on Kubernetes, whose defaulting sets partition 0: kubectl reports a partitioned roll out.
    assertThat(ok("rollout", "status", "statefulset/web", "--timeout=120s").out()).contains("partitioned roll out complete: 2 new pods have been updated...");
    assertThat(ok("get", "statefulset", "web").out()).containsPattern("web\\s+2/2\\s+");
    String claims = ok("get", "pvc").out();
    assertThat(claims).containsPattern("data-web-0\\s+Bound\\s+pvc-\\S+\\s+32Mi\\s+RWO\\s+local-path");
    assertThat(claims).containsPattern("data-web-1\\s+Bound\\s+pvc-\\S+\\s+32Mi\\s+RWO\\s+local-path");
    awaitOutput("web-0 wrote its file", out -> out.contains("wrote"), "logs", "web-0");

    ok("delete", "pod", "web-0");
    awaitOutput("web-0 made again finds its file", out -> out.contains("found first-web-0"), "logs", "web-0");
    assertThat(ok("get", "pod", "web-0", "-o", "jsonpath={.spec.hostname}.{.spec.subdomain}").out()).isEqualTo("web-0.web");

    assertThat(ok("scale", "statefulset", "web", "--replicas=1").out()).isEqualTo("statefulset.apps/web scaled\n");
    awaitOutput("web-1 gone", out -> !out.contains("web-1"), "get", "pods");
    assertThat(ok("get", "pvc", "data-web-1").out()).contains("Bound");
    ok("scale", "statefulset", "web", "--replicas=2");
    awaitOutput("web-1 back with its file", out -> out.contains("found first-web-1"), "logs", "web-1");

    assertThat(ok("rollout", "history", "statefulset/web").out()).containsPattern("(?m)^1\\s");
    ok("set", "env", "statefulset/web", "MODE=two");
    assertThat(ok("rollout", "status", "statefulset/web", "--timeout=120s").out()).contains("partitioned roll out complete: 2 new pods have been updated...");
    assertThat(ok("get", "pod", "web-0", "-o", "jsonpath={.spec.containers[0].env[0].value}").out()).isEqualTo("two");
    assertThat(ok("rollout", "history", "statefulset/web").out()).containsPattern("(?m)^1\\s").containsPattern("(?m)^2\\s");
    assertThat(ok("rollout", "undo", "statefulset/web").out()).isEqualTo("statefulset.apps/web rolled back\n");
    ok("rollout", "status", "statefulset/web", "--timeout=120s");
    awaitOutput("web-0 back on the first template", out -> out.isEmpty(), "get", "pod", "web-0", "-o", "jsonpath={.spec.containers[0].env}");
    awaitOutput("web-0 made again still finds its file", out -> out.contains("found first-web-0"), "logs", "web-0");

    ok("delete", "statefulset", "web");
    awaitOutput("its pods gone", out -> !out.contains("web-"), "get", "pods");
    assertThat(ok("get", "pvc").out()).as("claims stay after the set").contains("data-web-0", "data-web-1");
    ok("delete", "pvc", "data-web-0", "data-web-1");
    awaitOutput("their volumes gone", out -> !out.contains("default/data-web-"), "get", "pv");
    try (Stream<Path> left = Files.list(dataDir.resolve("volumes"))) {
      assertThat(left).noneMatch(dir -> dir.getFileName().toString().contains("data-web-"));
    }
  }

  @Test
  void hostileVolumesAreRefusedOrNeverReachTheHost() throws Exception {
    Kubectl.Run climbing = fails("apply", "-f", manifest("climbing", """
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: climbing}
        spec:
          capacity: {storage: 1Gi}
          accessModes: [ReadWriteOnce]
          hostPath: {path: /var/lib/../../etc}
        """).toString());
    assertThat(climbing.err()).contains("spec.hostPath.path: Invalid value: \"/var/lib/../../etc\": must not contain '..'");
    Kubectl.Run huge = fails("apply", "-f", manifest("huge", """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: huge}
        spec:
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 1e300}}
        """).toString());
    assertThat(huge.err()).contains("must be less than or equal to 8Ei");
    Kubectl.Run bad = fails("apply", "-f", manifest("bad", """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: bad}
        spec:
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: lots}}
        """).toString());
    assertThat(bad.err()).contains("quantities must match the regular expression");

    // A volume the API takes (an absolute path) but outside the node's volumes directory: the pod never gets it.
    ok("apply", "-f", manifest("outside", """
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: outside}
        spec:
          capacity: {storage: 1Gi}
          accessModes: [ReadWriteOnce]
          storageClassName: manual
          hostPath: {path: %s/escaped}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: outside}
        spec:
          storageClassName: manual
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 1Gi}}
        """.formatted(outside)).toString());
    awaitOutput("the claim Bound to the volume", out -> out.contains("Bound"), "get", "pvc", "outside");
    ok("apply", "-f", pod("escaper", "outside", "echo owned > /data/file").toString());
    awaitOutput("the pod refused its volume", out -> out.contains("outside this node's volumes directory"), "describe", "pod", "escaper");
    assertThat(ok("get", "pod", "escaper").out()).contains("CreateContainerConfigError");
    try (Stream<Path> files = Files.list(outside)) {
      assertThat(files).as("nothing made outside the volumes directory").isEmpty();
    }
    ok("delete", "pod", "escaper");
    ok("delete", "pvc", "outside");
    ok("delete", "pv", "outside");
  }
}
