package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.core.api.KubeJson;
import io.dirigent.core.batch.BatchLabels;
import io.dirigent.core.batch.JobConditions;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a Job's reconcile decides, from the Job and its pods at a fixed moment (the manual clock is {@link #NOW}). */
class JobPlannerTest {

  private static final Instant NOW = Instant.parse("2024-03-10T12:00:00Z");
  private static final Duration BACKOFF = Duration.ofSeconds(10);
  private static int serial;

  private static Job job(UnaryOperator<JobBuilder> spec) {
    JobBuilder builder = new JobBuilder().withNewMetadata().withName("pi").withNamespace("default").withUid("job-uid").endMetadata()
        .withNewSpec().withCompletions(1).withParallelism(1).withBackoffLimit(6).withCompletionMode("NonIndexed").withSuspend(false)
        .withNewTemplate().withNewSpec().withRestartPolicy("Never").addNewContainer().withName("main").withImage("busybox:1").endContainer()
        .endSpec().endTemplate().endSpec();
    return spec.apply(builder).build();
  }

  private static Job started(UnaryOperator<JobBuilder> spec) {
    return job(b -> spec.apply(b).withNewStatus().withStartTime(KubeJson.timestamp(NOW.minusSeconds(60))).endStatus());
  }

  private static Pod pod(String phase, Instant finished, int exitCode) {
    PodBuilder pod = new PodBuilder().withNewMetadata().withName("pi-" + serial++).withNamespace("default")
        .withCreationTimestamp(KubeJson.timestamp(NOW.minusSeconds(120))).endMetadata()
        .withNewStatus().withPhase(phase).endStatus();
    if (finished != null) {
      pod.editStatus().withContainerStatuses(new ContainerStatusBuilder().withName("main").withRestartCount(0)
          .withNewState().withNewTerminated().withExitCode(exitCode).withFinishedAt(KubeJson.timestamp(finished)).endTerminated().endState().build())
          .endStatus();
    }
    return pod.build();
  }

  private static Pod running() {
    return pod("Running", null, 0);
  }

  private static Pod succeeded() {
    return pod("Succeeded", NOW.minusSeconds(30), 0);
  }

  private static Pod failed(Instant at) {
    return pod("Failed", at, 1);
  }

  private static Pod withIndex(Pod pod, int index) {
    pod.getMetadata().setAnnotations(java.util.Map.of(BatchLabels.COMPLETION_INDEX, String.valueOf(index)));
    return pod;
  }

  private static JobCondition condition(String type) {
    return new JobConditionBuilder().withType(type).withStatus("True").withReason("r").withMessage("m")
        .withLastTransitionTime(KubeJson.timestamp(NOW.minusSeconds(20))).build();
  }

  private static List<String> conditions(JobPlanner.Plan plan) {
    List<String> types = new ArrayList<>();
    if (plan.status().getConditions() != null) {
      plan.status().getConditions().forEach(c -> types.add(c.getType() + "=" + c.getStatus() + "/" + c.getReason()));
    }
    return types;
  }

  static Stream<Arguments> plans() {
    return Stream.of(
        Arguments.of("a new job starts parallelism pods and its clock",
            job(b -> b.editSpec().withCompletions(5).withParallelism(2).endSpec()), List.of(),
            (Consumer<JobPlanner.Plan>) plan -> {
              assertThat(plan.create()).isEqualTo(2);
              assertThat(plan.status().getStartTime()).isEqualTo(KubeJson.timestamp(NOW));
            }),
        Arguments.of("with 3 of 5 completions done and one running it starts one more",
            started(b -> b.editSpec().withCompletions(5).withParallelism(2).endSpec()), List.of(succeeded(), succeeded(), succeeded(), running()),
            (Consumer<JobPlanner.Plan>) plan -> {
              assertThat(plan.create()).isEqualTo(1);
              assertThat(plan.status().getSucceeded()).isEqualTo(3);
              assertThat(plan.status().getActive()).isEqualTo(1);
            }),
        Arguments.of("all completions done marks SuccessCriteriaMet then Complete, with the completion time and an event",
            started(b -> b), List.of(succeeded()),
            (Consumer<JobPlanner.Plan>) plan -> {
              assertThat(conditions(plan)).containsExactly("SuccessCriteriaMet=True/CompletionsReached", "Complete=True/CompletionsReached");
              assertThat(plan.status().getCompletionTime()).isEqualTo(KubeJson.timestamp(NOW));
              assertThat(plan.events()).containsExactly(new JobPlanner.JobEvent("Normal", "Completed", "Job completed"));
            }),
        Arguments.of("success with a pod still running deletes it and waits for it before Complete",
            started(b -> b.editSpec().withParallelism(2).endSpec()), List.of(succeeded(), running()),
            (Consumer<JobPlanner.Plan>) plan -> {
              assertThat(conditions(plan)).containsExactly("SuccessCriteriaMet=True/CompletionsReached");
              assertThat(plan.delete()).hasSize(1);
              assertThat(plan.status().getCompletionTime()).isNull();
            }),
        Arguments.of("more failures than backoffLimit fail the job and stop its running pods",
            started(b -> b.editSpec().withBackoffLimit(1).withParallelism(1).endSpec()), List.of(failed(NOW.minusSeconds(50)), failed(NOW.minusSeconds(5))),
            (Consumer<JobPlanner.Plan>) plan -> {
              assertThat(conditions(plan)).containsExactly("FailureTarget=True/BackoffLimitExceeded", "Failed=True/BackoffLimitExceeded");
              assertThat(plan.events()).containsExactly(new JobPlanner.JobEvent("Warning", "BackoffLimitExceeded", "Job has reached the specified backoff limit"));
              assertThat(plan.status().getFailed()).isEqualTo(2);
              assertThat(plan.create()).isZero();
            }),
        Arguments.of("a failure waits its ten-second back-off before the next pod",
            started(b -> b), List.of(failed(NOW.minusSeconds(4))),
            (Consumer<JobPlanner.Plan>) plan -> {
              assertThat(plan.create()).isZero();
              assertThat(plan.recheck()).isEqualTo(Duration.ofSeconds(6));
            }),
        Arguments.of("the back-off doubles with the second failure",
            started(b -> b), List.of(failed(NOW.minusSeconds(40)), failed(NOW.minusSeconds(15))),
            (Consumer<JobPlanner.Plan>) plan -> {
              assertThat(plan.create()).isZero();
              assertThat(plan.recheck()).isEqualTo(Duration.ofSeconds(5));
            }),
        Arguments.of("once the back-off has passed the failed pod is replaced",
            started(b -> b), List.of(failed(NOW.minusSeconds(11))),
            (Consumer<JobPlanner.Plan>) plan -> assertThat(plan.create()).isEqualTo(1)),
        Arguments.of("a job active longer than activeDeadlineSeconds fails with DeadlineExceeded",
            started(b -> b.editSpec().withActiveDeadlineSeconds(30L).endSpec()), List.of(running()),
            (Consumer<JobPlanner.Plan>) plan -> {
              assertThat(conditions(plan)).containsExactly("FailureTarget=True/DeadlineExceeded");
              assertThat(plan.delete()).hasSize(1);
            }),
        Arguments.of("a job within its deadline looks again when it runs out",
            started(b -> b.editSpec().withActiveDeadlineSeconds(100L).endSpec()), List.of(running()),
            (Consumer<JobPlanner.Plan>) plan -> assertThat(plan.recheck()).isEqualTo(Duration.ofSeconds(40))),
        Arguments.of("a FailJob rule on exit code 42 fails the job at once, naming the container",
            started(b -> b.editSpec().withNewPodFailurePolicy().addNewRule().withAction("FailJob").withNewOnExitCodes().withOperator("In")
                .withValues(42).endOnExitCodes().endRule().endPodFailurePolicy().endSpec()),
            List.of(namedFailure(42)),
            (Consumer<JobPlanner.Plan>) plan -> {
              assertThat(conditions(plan)).containsExactly("FailureTarget=True/PodFailurePolicy", "Failed=True/PodFailurePolicy");
              assertThat(plan.status().getConditions().get(0).getMessage())
                  .isEqualTo("Container main for pod default/pi-x failed with exit code 42 matching FailJob rule at index 0");
            }),
        Arguments.of("an Ignore rule on DisruptionTarget does not count the failure and replaces the pod at once",
            started(b -> b.editSpec().withBackoffLimit(0).withNewPodFailurePolicy().addNewRule().withAction("Ignore").addNewOnPodCondition()
                .withType("DisruptionTarget").withStatus("True").endOnPodCondition().endRule().endPodFailurePolicy().endSpec()),
            List.of(disrupted()),
            (Consumer<JobPlanner.Plan>) plan -> {
              assertThat(plan.status().getFailed()).isZero();
              assertThat(plan.create()).isEqualTo(1);
            }),
        Arguments.of("a suspended job deletes its pods and says Suspended",
            started(b -> b.editSpec().withSuspend(true).endSpec()), List.of(running()),
            (Consumer<JobPlanner.Plan>) plan -> {
              assertThat(plan.delete()).hasSize(1);
              assertThat(conditions(plan)).containsExactly("Suspended=True/JobSuspended");
              assertThat(plan.create()).isZero();
            }),
        Arguments.of("an indexed job starts the lowest missing indexes",
            started(b -> b.editSpec().withCompletionMode("Indexed").withCompletions(4).withParallelism(2).endSpec()),
            List.of(withIndex(succeeded(), 0), withIndex(running(), 1)),
            (Consumer<JobPlanner.Plan>) plan -> {
              assertThat(plan.createIndexes()).containsExactly(2);
              assertThat(plan.status().getCompletedIndexes()).isEqualTo("0");
            }),
        Arguments.of("an indexed job counts each index once and lists them as intervals",
            started(b -> b.editSpec().withCompletionMode("Indexed").withCompletions(5).withParallelism(1).endSpec()),
            List.of(withIndex(succeeded(), 0), withIndex(succeeded(), 1), withIndex(succeeded(), 1), withIndex(succeeded(), 3)),
            (Consumer<JobPlanner.Plan>) plan -> {
              assertThat(plan.status().getSucceeded()).isEqualTo(3);
              assertThat(plan.status().getCompletedIndexes()).isEqualTo("0-1,3");
              assertThat(plan.createIndexes()).containsExactly(2);
            }),
        Arguments.of("a finished job whose ttl has passed expires",
            job(b -> b.editSpec().withTtlSecondsAfterFinished(60).endSpec().withNewStatus().withConditions(condition("Complete"))
                .withCompletionTime(KubeJson.timestamp(NOW.minusSeconds(61))).endStatus()), List.of(succeeded()),
            (Consumer<JobPlanner.Plan>) plan -> assertThat(plan.expired()).isTrue()),
        Arguments.of("a finished job within its ttl looks again when it ends",
            job(b -> b.editSpec().withTtlSecondsAfterFinished(60).endSpec().withNewStatus().withConditions(condition("Failed")).endStatus()),
            List.of(),
            (Consumer<JobPlanner.Plan>) plan -> {
              assertThat(plan.expired()).isFalse();
              assertThat(plan.recheck()).isEqualTo(Duration.ofSeconds(40));
            }),
        Arguments.of("restarts of pods restarting OnFailure count toward backoffLimit",
            started(b -> b.editSpec().withBackoffLimit(2).editTemplate().editSpec().withRestartPolicy("OnFailure").endSpec().endTemplate().endSpec()),
            List.of(restarted(2)),
            (Consumer<JobPlanner.Plan>) plan -> assertThat(conditions(plan)).containsExactly("FailureTarget=True/BackoffLimitExceeded")));
  }

  private static Pod namedFailure(int code) {
    Pod pod = pod("Failed", NOW.minusSeconds(1), code);
    pod.getMetadata().setName("pi-x");
    return pod;
  }

  private static Pod disrupted() {
    Pod pod = pod("Failed", NOW.minusSeconds(1), 137);
    pod.getStatus().setConditions(List.of(new io.fabric8.kubernetes.api.model.PodConditionBuilder().withType("DisruptionTarget").withStatus("True").build()));
    return pod;
  }

  private static Pod restarted(int restarts) {
    Pod pod = running();
    pod.getStatus().setContainerStatuses(List.of(new ContainerStatusBuilder().withName("main").withRestartCount(restarts).build()));
    return pod;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("plans")
  void theJobControllerDecides(String sentence, Job job, List<Pod> pods, Consumer<JobPlanner.Plan> check) {
    check.accept(JobPlanner.plan(job, pods, NOW, BACKOFF));
  }

  static Stream<Arguments> wanted() {
    return Stream.of(
        Arguments.of("min of parallelism and the completions left", 5, 2, 3, 1, 2),
        Arguments.of("no more than the completions left", 5, 4, 3, 0, 2),
        Arguments.of("none once all completions are done", 5, 4, 5, 0, 0),
        Arguments.of("without completions, parallelism until one succeeds", null, 3, 0, 0, 3),
        Arguments.of("without completions, no new pods once one succeeded", null, 3, 1, 2, 2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wanted")
  void theActivePodsWantedAre(String sentence, Integer completions, int parallelism, int succeeded, int active, int expected) {
    assertThat(JobPlanner.wantedActive(completions, parallelism, succeeded, active)).isEqualTo(expected);
  }
}
