package io.dirigent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.cli.testing.BinDirigent;
import io.dirigent.cli.testing.Kubectl;
import io.dirigent.cli.testing.Leftovers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs and CronJobs with the unmodified kubectl against {@code bin/dirigent up} on the real Docker
 * engine: a Job runs to completion and {@code kubectl wait} sees it, a failing one reaches its
 * backoffLimit, a Job is made from a CronJob by hand as {@code kubectl create job --from} does,
 * and bad schedules, time zones and sizes are refused with Kubernetes' messages.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobsIT {

  @TempDir static Path dataDir;
  @TempDir static Path home;
  private Kubectl kubectl;
  private final String node = "jobs-" + Long.toString(System.nanoTime() % 1_000_000, 36);

  @BeforeAll
  void up() throws Exception {
    BinDirigent.Run up = BinDirigent.run("up", "--data-dir", dataDir.toString(), "--port", "0", "--api-port", "0", "--node-name", node);
    assertThat(up.exit()).as(up.output()).isZero();
    kubectl = new Kubectl(home, dataDir.resolve("kubeconfig").toString());
  }

  @AfterAll
  void down() throws Exception {
    BinDirigent.Run down = Leftovers.downAndRemove(dataDir);
    assertThat(down.exit()).as(down.output()).isZero();
    assertThat(Leftovers.containersOf(dataDir)).as("containers of this class's server").isEmpty();
  }

  private Kubectl.Run ok(String... args) throws IOException, InterruptedException {
    Kubectl.Run run = kubectl.run(args);
    assertThat(run.exit()).as("kubectl %s: %s", String.join(" ", args), run.all()).isZero();
    return run;
  }

  private Kubectl.Run fails(String... args) throws IOException, InterruptedException {
    Kubectl.Run run = kubectl.run(args);
    assertThat(run.exit()).as("kubectl %s: %s", String.join(" ", args), run.all()).isEqualTo(1);
    return run;
  }

  private Path manifest(String name, String yaml) throws IOException {
    Path file = home.resolve(name + ".yaml");
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void aJobRunsToCompletionAndKubectlWaitsForIt() throws Exception {
    assertThat(ok("create", "job", "hello", "--image=dirigent/busybox:1", "--", "sh", "-c", "echo hello from a job").out())
        .isEqualTo("job.batch/hello created\n");
    assertThat(ok("wait", "--for=condition=complete", "job/hello", "--timeout=120s").out()).isEqualTo("job.batch/hello condition met\n");
    String table = ok("get", "job", "hello").out();
    assertThat(table.lines().findFirst().orElseThrow()).matches("NAME\\s+STATUS\\s+COMPLETIONS\\s+DURATION\\s+AGE");
    assertThat(table).containsPattern("hello\\s+Complete\\s+1/1\\s+\\d+s\\s+\\d+s");
    assertThat(ok("logs", "job/hello").out()).isEqualTo("hello from a job\n");
    assertThat(ok("get", "pods", "-l", "batch.kubernetes.io/job-name=hello", "-o", "jsonpath={.items[*].status.phase}").out()).isEqualTo("Succeeded");
    assertThat(fails("set", "image", "job/hello", "hello=dirigent/httpenv:1").err()).contains("Job.batch \"hello\" is invalid: spec.template")
        .contains("field is immutable");
  }

  @Test
  void aJobWhosePodsFailStopsAtItsBackoffLimit() throws Exception {
    ok("apply", "-f", manifest("failing", """
        apiVersion: batch/v1
        kind: Job
        metadata: {name: failing}
        spec:
          backoffLimit: 1
          template:
            spec:
              restartPolicy: Never
              containers:
              - {name: main, image: "dirigent/busybox:1", command: [sh, -c, "exit 3"]}
        """).toString());
    assertThat(ok("wait", "--for=condition=failed", "job/failing", "--timeout=120s").out()).isEqualTo("job.batch/failing condition met\n");
    assertThat(ok("get", "job", "failing", "-o", "jsonpath={.status.failed} {.status.conditions[?(@.type==\"Failed\")].reason}").out())
        .isEqualTo("2 BackoffLimitExceeded");
    assertThat(ok("get", "job", "failing").out()).containsPattern("failing\\s+Failed\\s+0/1");
    assertThat(ok("get", "events", "--field-selector", "involvedObject.name=failing", "-o", "jsonpath={.items[*].reason}").out())
        .contains("BackoffLimitExceeded");
  }

  @Test
  void aJobIsMadeFromACronJobByHand() throws Exception {
    assertThat(ok("create", "cronjob", "tick", "--image=dirigent/busybox:1", "--schedule=* * * * *", "--", "sh", "-c", "echo tick").out())
        .isEqualTo("cronjob.batch/tick created\n");
    String table = ok("get", "cronjob", "tick").out();
    assertThat(table.lines().findFirst().orElseThrow()).matches("NAME\\s+SCHEDULE\\s+TIMEZONE\\s+SUSPEND\\s+ACTIVE\\s+LAST SCHEDULE\\s+AGE");
    assertThat(table).containsPattern("tick\\s+\\* \\* \\* \\* \\*\\s+<none>\\s+False\\s+\\d+\\s+\\S+\\s+\\d+s");

    assertThat(ok("create", "job", "tick-by-hand", "--from=cronjob/tick").out()).isEqualTo("job.batch/tick-by-hand created\n");
    assertThat(ok("wait", "--for=condition=complete", "job/tick-by-hand", "--timeout=120s").out()).isEqualTo("job.batch/tick-by-hand condition met\n");
    assertThat(ok("get", "job", "tick-by-hand", "-o",
        "jsonpath={.metadata.annotations.cronjob\\.kubernetes\\.io/instantiate} {.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}")
        .out()).isEqualTo("manual CronJob/tick");
    assertThat(ok("logs", "job/tick-by-hand").out()).isEqualTo("tick\n");
    ok("delete", "cronjob", "tick");
  }

  @Test
  void badSchedulesTimeZonesAndSizesAreRefusedWithKubernetesMessages() throws Exception {
    assertThat(fails("create", "cronjob", "bad", "--image=dirigent/busybox:1", "--schedule=61 * * * *").err())
        .contains("CronJob.batch \"bad\" is invalid: spec.schedule: Invalid value: \"61 * * * *\": end of range (61) above maximum (59): 61");
    assertThat(fails("create", "cronjob", "bad", "--image=dirigent/busybox:1", "--schedule=CRON_TZ=UTC 0 3 * * *").err())
        .contains("cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
    assertThat(fails("apply", "-f", manifest("zone", """
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: zone}
        spec:
          schedule: "0 3 * * *"
          timeZone: Mars/Olympus
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: main, image: "dirigent/busybox:1"}]
        """).toString()).err())
        .contains("spec.timeZone: Invalid value: \"Mars/Olympus\": unknown time zone Mars/Olympus");
    assertThat(fails("apply", "-f", manifest("huge", """
        apiVersion: batch/v1
        kind: Job
        metadata: {name: huge}
        spec:
          completionMode: Indexed
          completions: 1000000
          parallelism: 1000000
          template:
            spec:
              restartPolicy: Never
              containers: [{name: main, image: "dirigent/busybox:1"}]
        """).toString()).err())
        .contains("spec.parallelism: Invalid value:").contains("must be less than or equal to 100000 when completion mode is Indexed");
    assertThat(fails("apply", "-f", manifest("always", """
        apiVersion: batch/v1
        kind: Job
        metadata: {name: always}
        spec:
          template:
            spec:
              containers: [{name: main, image: "dirigent/busybox:1"}]
        """).toString()).err())
        .contains("spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"");
  }
}
