package io.dirigent.cli;

import static io.dirigent.cli.testing.BinDirigent.run;
import static io.dirigent.cli.testing.LoopbackHttp.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.cli.testing.BinDirigent.Run;
import io.dirigent.cli.testing.Leftovers;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zero-downtime update, end to end on real Docker through {@code bin/dirigent}: a Deployment
 * of three {@code dirigent/httpenv:1} replicas behind a NodePort Service, requests sent through
 * it without pause while the Deployment rolls to {@code :2}. No request fails, and the answers
 * come from every replica of each version. The scheduler, the controllers, the node agent and
 * the service proxy all take part.
 */
class RolloutEndToEndIT {

  private static final String MANIFEST = """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        replicas: 3
        selector: {matchLabels: {app: web}}
        strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
        template:
          metadata: {labels: {app: web}}
          spec:
            terminationGracePeriodSeconds: 10
            containers:
            - name: web
              image: dirigent/httpenv:VERSION
              ports: [{name: http, containerPort: 8888}]
              readinessProbe: {httpGet: {port: http}, periodSeconds: 1}
              lifecycle: {preStop: {sleep: {seconds: 3}}}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec:
        type: NodePort
        selector: {app: web}
        ports: [{port: 80, targetPort: http}]
      """;

  @Test
  void aRollingUpdateThroughANodePortLosesNoRequest(@TempDir Path dataDir) throws Exception {
    String node = "rollout-" + Long.toString(System.nanoTime() % 1_000_000, 36);
    Run up = run("up", "--data-dir", dataDir.toString(), "--port", "0", "--api-port", "0", "--node-name", node);
    assertThat(up.exit()).as(up.output()).isZero();
    String kubeconfig = dataDir.resolve("kubeconfig").toString();
    AtomicBoolean sending = new AtomicBoolean(true);
    try {
      Path manifest = dataDir.resolve("web.yaml");
      Files.writeString(manifest, MANIFEST.replace("VERSION", "1"));
      Run applied = run("apply", "-f", manifest.toString(), "--kubeconfig", kubeconfig);
      assertThat(applied.exit()).as(applied.output()).isZero();
      Run service = run("get", "service", "web", "-o", "json", "--kubeconfig", kubeconfig);
      JsonNode json = KubeJson.MAPPER.readTree(service.output().substring(service.output().indexOf('{')));
      int nodePort = json.path("spec").path("ports").get(0).path("nodePort").asInt();
      assertThat(nodePort).isBetween(30000, 32767);

      Set<String> first = ConcurrentHashMap.newKeySet();
      Await.until("three v1 replicas answer through the NodePort", Duration.ofSeconds(90), () -> {
        try {
          first.add(get(nodePort));
        } catch (IOException e) {
          // not serving yet
        }
        return first.size() == 3;
      });

      List<String> failures = new CopyOnWriteArrayList<>();
      List<String> answers = new CopyOnWriteArrayList<>();
      AtomicInteger sent = new AtomicInteger();
      Thread client = new Thread(() -> {
        while (sending.get()) {
          sent.incrementAndGet();
          try {
            answers.add(get(nodePort));
          } catch (IOException e) {
            failures.add(e.toString());
          }
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "rollout-client");
      client.start();

      Files.writeString(manifest, MANIFEST.replace("VERSION", "2"));
      Run rolled = run("apply", "-f", manifest.toString(), "--kubeconfig", kubeconfig);
      assertThat(rolled.exit()).as(rolled.output()).isZero();
      Await.until("only v2 answers, from three replicas", Duration.ofSeconds(180), () -> {
        // A snapshot first: a view of the live list fails when the client adds an answer meanwhile.
        List<String> all = List.copyOf(answers);
        List<String> recent = all.subList(Math.max(0, all.size() - 60), all.size());
        return recent.size() == 60 && recent.stream().allMatch(a -> a.startsWith("v2 "))
            && recent.stream().collect(Collectors.toSet()).size() == 3;
      });
      sending.set(false);
      client.join(10_000);

      assertThat(failures).as("requests that failed during the rollout, of %d sent", sent.get()).isEmpty();
      assertThat(first).as("v1 answered from every replica").hasSize(3);
      assertThat(answers.stream().filter(a -> a.startsWith("v2 ")).collect(Collectors.toSet())).as("v2 from every replica").hasSize(3);
      // The old pods finish their preStop sleep and go; three remain.
      Await.until("three pods left", Duration.ofSeconds(60), () -> {
        try {
          return run("get", "pods", "--kubeconfig", kubeconfig).output().lines().filter(line -> line.startsWith("web-")).count() == 3;
        } catch (Exception e) {
          return false;
        }
      });
    } finally {
      sending.set(false);
      // down leaves the pods running (a next server adopts them): their six containers go here.
      Run down = Leftovers.downAndRemove(dataDir);
      assertThat(down.exit()).as(down.output()).isZero();
    }
    assertThat(Leftovers.containersOf(dataDir)).as("containers of the rollout's server").isEmpty();
  }

}
