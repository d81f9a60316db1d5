package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.core.batch.BatchLabels;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.testing.Await;
import io.dirigent.node.runtime.SimulatedRuntime;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Jobs run by the controller manager on three simulated nodes, whose containers exit as the pods' annotations say. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobControllerTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  @RegisterExtension
  static final SimulatedCluster cluster = SimulatedCluster.of("job", 3);
  private String ns;

  @BeforeAll
  void namespace() {
    ns = cluster.namespace("ns");
  }

  /** A Job whose containers exit with {@code exitCode} after a fifth of a second. */
  private Job create(String name, int exitCode, UnaryOperator<JobBuilder> more) {
    JobBuilder job = new JobBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withNewSpec().withNewTemplate().withNewMetadata()
        .addToAnnotations(SimulatedRuntime.EXIT_CODE, String.valueOf(exitCode)).addToAnnotations(SimulatedRuntime.RUN_SECONDS, "0.2").endMetadata()
        .withNewSpec().withRestartPolicy("Never").addNewContainer().withName("main").withImage("dirigent/busybox:1").endContainer().endSpec()
        .endTemplate().endSpec();
    return Await.result(cluster.store().create(more.apply(job).build()));
  }

  private Optional<Job> job(String name) {
    return cluster.store().get(Job.class, ns, name).toCompletableFuture().handle((job, failure) -> Optional.ofNullable(failure == null ? job : null)).join();
  }

  private boolean hasCondition(String name, String type, String reason) {
    return job(name).map(job -> job.getStatus() != null && job.getStatus().getConditions() != null && job.getStatus().getConditions().stream()
        .anyMatch(c -> c.getType().equals(type) && c.getStatus().equals("True") && c.getReason().equals(reason))).orElse(false);
  }

  private List<Pod> pods(String jobName) {
    return Await.result(cluster.store().list(Pod.class, ListOptions.of(ObjectFilter.inNamespace(ns)))).items(Pod.class).stream()
        .filter(p -> jobName.equals(p.getMetadata().getLabels().get(BatchLabels.JOB_NAME))).toList();
  }

  private List<String> eventReasons(String name) {
    return Await.result(cluster.store().list(Event.class, ListOptions.of(ObjectFilter.inNamespace(ns)))).items(Event.class).stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()) && "Job".equals(e.getInvolvedObject().getKind())).map(Event::getReason).toList();
  }

  @Test
  void aJobRunsItsCompletionsTwoAtATimeAndCompletes() {
    Job created = create("three", 0, b -> b.editSpec().withCompletions(3).withParallelism(2).endSpec());
    assertThat(created.getSpec().getSelector().getMatchLabels()).containsEntry(BatchLabels.CONTROLLER_UID, created.getMetadata().getUid());
    Await.until("the job Complete", WAIT, () -> hasCondition("three", "Complete", "CompletionsReached"));
    Job done = job("three").orElseThrow();
    assertThat(done.getStatus().getSucceeded()).isEqualTo(3);
    assertThat(done.getStatus().getActive()).isZero();
    assertThat(done.getStatus().getStartTime()).isNotNull();
    assertThat(done.getStatus().getCompletionTime()).isNotNull();
    assertThat(done.getStatus().getConditions()).extracting(c -> c.getType()).containsExactly("SuccessCriteriaMet", "Complete");
    assertThat(pods("three")).hasSize(3).allSatisfy(pod -> assertThat(pod.getStatus().getPhase()).isEqualTo("Succeeded"));
    Await.until("the events", WAIT, () -> eventReasons("three").containsAll(List.of("SuccessfulCreate", "Completed")));
  }

  @Test
  void aJobWhosePodsFailIsRetriedUntilItsBackoffLimitThenFails() {
    create("failing", 1, b -> b.editSpec().withBackoffLimit(1).endSpec());
    Await.until("the job Failed", WAIT, () -> hasCondition("failing", "Failed", "BackoffLimitExceeded"));
    assertThat(job("failing").orElseThrow().getStatus().getFailed()).isEqualTo(2);
    assertThat(pods("failing")).hasSize(2).allSatisfy(pod -> assertThat(pod.getStatus().getPhase()).isEqualTo("Failed"));
    Await.until("the warning", WAIT, () -> eventReasons("failing").contains("BackoffLimitExceeded"));
  }

  @Test
  void anIndexedJobGivesEachPodItsIndexInNameHostnameAnnotationAndEnvironment() {
    create("indexed", 0, b -> b.editSpec().withCompletionMode("Indexed").withCompletions(3).withParallelism(3).endSpec());
    Await.until("the job Complete", WAIT, () -> hasCondition("indexed", "Complete", "CompletionsReached"));
    assertThat(job("indexed").orElseThrow().getStatus().getCompletedIndexes()).isEqualTo("0-2");
    List<Pod> pods = pods("indexed");
    assertThat(pods).extracting(p -> p.getMetadata().getAnnotations().get(BatchLabels.COMPLETION_INDEX)).containsExactlyInAnyOrder("0", "1", "2");
    for (Pod pod : pods) {
      String index = pod.getMetadata().getAnnotations().get(BatchLabels.COMPLETION_INDEX);
      assertThat(pod.getMetadata().getName()).startsWith("indexed-" + index + "-");
      assertThat(pod.getSpec().getHostname()).isEqualTo("indexed-" + index);
      assertThat(pod.getMetadata().getLabels()).containsEntry(BatchLabels.COMPLETION_INDEX, index);
      assertThat(pod.getSpec().getContainers().get(0).getEnv()).anySatisfy(env -> assertThat(env.getName()).isEqualTo("JOB_COMPLETION_INDEX"));
    }
  }

  @Test
  void aSuspendedJobRunsNothingUntilResumed() {
    create("later", 0, b -> b.editSpec().withSuspend(true).endSpec());
    Await.until("the job Suspended", WAIT, () -> hasCondition("later", "Suspended", "JobSuspended"));
    assertThat(pods("later")).isEmpty();
    assertThat(job("later").orElseThrow().getStatus().getStartTime()).isNull();
    Updates.change(cluster.store(), Job.class, ns, "later", job -> job.getSpec().setSuspend(false));
    Await.until("the job Complete", WAIT, () -> hasCondition("later", "Complete", "CompletionsReached"));
    assertThat(job("later").orElseThrow().getStatus().getConditions()).anySatisfy(c -> {
      assertThat(c.getType()).isEqualTo("Suspended");
      assertThat(c.getStatus()).isEqualTo("False");
      assertThat(c.getReason()).isEqualTo("JobResumed");
    });
  }

  @Test
  void aFinishedJobWithATimeToLiveIsDeletedWithItsPods() {
    create("brief", 0, b -> b.editSpec().withTtlSecondsAfterFinished(0).endSpec());
    Await.until("the job gone", WAIT, () -> job("brief").isEmpty());
    Await.until("its pods gone", WAIT, () -> pods("brief").isEmpty());
  }
}
