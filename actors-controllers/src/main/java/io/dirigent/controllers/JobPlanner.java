package io.dirigent.controllers;

import io.dirigent.core.api.ConditionStatus;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.batch.JobConditions;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.UncountedTerminatedPods;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What a Job's reconcile does, decided without I/O from the Job and its pods at {@code now}, as
 * Kubernetes' job controller decides it (1.31):
 *
 * <ol>
 *   <li>A finished Job (Complete or Failed) only waits for ttlSecondsAfterFinished, then is deleted.
 *   <li>A failure — a podFailurePolicy FailJob rule, more counted failures than backoffLimit (or,
 *       restarting OnFailure, that many restarts), or activeDeadlineSeconds passed — marks
 *       FailureTarget and deletes the running pods; success — completions reached (every index, when
 *       Indexed) — marks SuccessCriteriaMet. Once no pod runs or terminates, Failed or Complete follows.
 *   <li>A suspended Job runs no pods. Otherwise it runs min(parallelism, completions − succeeded),
 *       after a failure only once its back-off (10 s doubled per failure since the last success, at
 *       most 10 min) has passed.
 * </ol>
 *
 * Example: completions 5, parallelism 2, 3 succeeded, 1 running: one more pod (min(2, 5−3) − 1).
 */
final class JobPlanner {

  /** Kubernetes' DefaultJobPodFailureBackOff and MaxJobPodFailureBackOff. */
  static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(10);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(10);
  static final int DEFAULT_BACKOFF_LIMIT = 6;

  /** An event to record on the Job once the status that carries it is written. */
  record JobEvent(String type, String reason, String message) {}

  /**
   * The decision: the status to write; how many NonIndexed pods or which indexes to create; the
   * pods to delete; the events; when to look again (null: on the next change); whether the Job's
   * time to live is over and it goes.
   */
  record Plan(JobStatus status, int create, List<Integer> createIndexes, List<Pod> delete, List<JobEvent> events, Duration recheck,
      boolean expired) {
    Plan {
      Objects.requireNonNull(status, "status");
      createIndexes = List.copyOf(createIndexes);
      delete = List.copyOf(delete);
      events = List.copyOf(events);
    }
  }

  private JobPlanner() {}

  static Plan plan(Job job, List<Pod> pods, Instant now, Duration backoffBase) {
    JobSpec spec = job.getSpec();
    JobStatus previous = job.getStatus() == null ? new JobStatus() : job.getStatus();
    List<JobCondition> conditions = previous.getConditions() == null ? new ArrayList<>() : new ArrayList<>(previous.getConditions());
    boolean indexed = "Indexed".equals(spec.getCompletionMode());
    Integer completions = spec.getCompletions();
    int parallelism = spec.getParallelism() == null ? 1 : spec.getParallelism();
    List<Pod> active = pods.stream().filter(JobPods::active).toList();
    int terminating = (int) pods.stream().filter(JobPods::terminating).count();
    SortedSet<Integer> succeededIndexes = new TreeSet<>();
    SortedSet<Integer> activeIndexes = new TreeSet<>();
    int succeededPods = 0;
    Instant lastSuccess = Instant.EPOCH;
    for (Pod pod : pods) {
      if (JobPods.succeeded(pod)) {
        succeededPods++;
        lastSuccess = later(lastSuccess, JobPods.finishedAt(pod));
        if (indexed) {
          JobPods.index(pod, completions).ifPresent(succeededIndexes::add);
        }
      } else if (indexed && JobPods.active(pod)) {
        JobPods.index(pod, completions).ifPresent(activeIndexes::add);
      }
    }
    List<Pod> counted = new ArrayList<>();
    Optional<String> failJob = Optional.empty();
    for (Pod pod : pods) {
      if (!JobPods.failed(pod)) {
        continue;
      }
      PodFailurePolicies.Verdict verdict = PodFailurePolicies.judge(spec.getPodFailurePolicy(), pod);
      if (verdict.action() == PodFailurePolicies.Action.FAIL_JOB && failJob.isEmpty()) {
        failJob = Optional.of(verdict.message());
      }
      if (verdict.action() != PodFailurePolicies.Action.IGNORE) {
        counted.add(pod);
      }
    }
    int succeeded = indexed ? succeededIndexes.size() : Math.max(orZero(previous.getSucceeded()), succeededPods);
    int failed = Math.max(orZero(previous.getFailed()), counted.size());
    Instant start = previous.getStartTime() == null ? null : Instant.parse(previous.getStartTime());
    String completionTime = previous.getCompletionTime();
    List<JobEvent> events = new ArrayList<>();
    List<Pod> delete = new ArrayList<>();
    int create = 0;
    List<Integer> createIndexes = new ArrayList<>();
    Duration recheck = null;
    boolean expired = false;

    if (isTrue(conditions, JobConditions.COMPLETE) || isTrue(conditions, JobConditions.FAILED)) {
      delete.addAll(active);
      Long ttl = spec.getTtlSecondsAfterFinished() == null ? null : spec.getTtlSecondsAfterFinished().longValue();
      if (ttl != null) {
        Instant expiry = finishedAt(conditions, completionTime).plusSeconds(ttl);
        expired = !now.isBefore(expiry);
        recheck = expired ? null : Duration.between(now, expiry);
      }
    } else {
      Optional<JobCondition> target = find(conditions, JobConditions.FAILURE_TARGET).or(() -> find(conditions, JobConditions.SUCCESS_CRITERIA_MET));
      boolean suspended = Boolean.TRUE.equals(spec.getSuspend());
      if (target.isEmpty()) {
        String[] failure = failure(spec, failJob, failed, active, suspended, start, now);
        boolean complete = indexed ? completions != null && succeededIndexes.size() >= completions
            : completions != null ? succeeded >= completions : succeeded > 0 && active.isEmpty();
        if (failure != null) {
          target = Optional.of(set(conditions, JobConditions.FAILURE_TARGET, failure[0], failure[1], now));
          events.add(new JobEvent("Warning", failure[0], failure[1]));
        } else if (complete) {
          target = Optional.of(set(conditions, JobConditions.SUCCESS_CRITERIA_MET, JobConditions.COMPLETIONS_REACHED,
              JobConditions.COMPLETIONS_REACHED_MESSAGE, now));
        }
      }
      if (target.isPresent()) {
        delete.addAll(active);
        if (active.isEmpty() && terminating == 0) {
          JobCondition reached = target.get();
          if (reached.getType().equals(JobConditions.FAILURE_TARGET)) {
            set(conditions, JobConditions.FAILED, reached.getReason(), reached.getMessage(), now);
          } else {
            set(conditions, JobConditions.COMPLETE, reached.getReason(), reached.getMessage(), now);
            completionTime = KubeJson.timestamp(now);
            events.add(new JobEvent("Normal", "Completed", "Job completed"));
          }
          Long ttl = spec.getTtlSecondsAfterFinished() == null ? null : spec.getTtlSecondsAfterFinished().longValue();
          recheck = ttl == null ? null : Duration.ofSeconds(ttl);
        }
      } else if (suspended) {
        delete.addAll(active);
        if (!isTrue(conditions, JobConditions.SUSPENDED)) {
          set(conditions, JobConditions.SUSPENDED, JobConditions.JOB_SUSPENDED, "Job suspended", now);
          events.add(new JobEvent("Normal", "Suspended", "Job suspended"));
        }
      } else {
        if (isTrue(conditions, JobConditions.SUSPENDED)) {
          set(conditions, JobConditions.SUSPENDED, JobConditions.JOB_RESUMED, "Job resumed", now).setStatus(ConditionStatus.FALSE);
          events.add(new JobEvent("Normal", "Resumed", "Job resumed"));
          // The deadline counts from the resumption, as in Kubernetes.
          start = now;
        }
        start = start == null ? now : start;
        Instant retryAt = retryAt(counted, lastSuccess, backoffBase);
        int wanted = wantedActive(completions, parallelism, succeeded, active.size());
        if (now.isBefore(retryAt) && active.size() < wanted) {
          recheck = Duration.between(now, retryAt);
        } else if (indexed) {
          createIndexes.addAll(missingIndexes(completions, succeededIndexes, activeIndexes, Math.max(0, parallelism - active.size())));
        } else if (active.size() < wanted) {
          create = wanted - active.size();
        }
        if (active.size() > Math.max(wanted, 0) && !indexed) {
          delete.addAll(ReplicaSetController.ranked(active).subList(0, active.size() - wanted));
        } else if (indexed && active.size() > parallelism) {
          delete.addAll(ReplicaSetController.ranked(active).subList(0, active.size() - parallelism));
        }
        if (spec.getActiveDeadlineSeconds() != null) {
          Duration left = Duration.between(now, start.plusSeconds(spec.getActiveDeadlineSeconds()));
          recheck = recheck == null || left.compareTo(recheck) < 0 ? left : recheck;
        }
      }
    }

    boolean finished = isTrue(conditions, JobConditions.COMPLETE) || isTrue(conditions, JobConditions.FAILED);
    int stillActive = finished ? 0 : active.size();
    JobStatusBuilder status = new JobStatusBuilder()
        .withActive(stillActive)
        .withReady((int) (finished ? 0 : active.stream().filter(EndpointsController::ready).count()))
        .withSucceeded(succeeded)
        .withFailed(failed)
        .withTerminating(terminating)
        .withStartTime(start == null ? null : KubeJson.timestamp(start))
        .withCompletionTime(completionTime)
        .withConditions(conditions.isEmpty() ? null : conditions)
        .withUncountedTerminatedPods(new UncountedTerminatedPods());
    if (indexed) {
      status.withCompletedIndexes(JobPods.intervals(succeededIndexes));
    }
    return new Plan(status.build(), create, createIndexes, delete, events, recheck, expired);
  }

  /** Why the Job fails now, {reason, message}; null if it does not. */
  private static String[] failure(JobSpec spec, Optional<String> failJob, int failed, List<Pod> active, boolean suspended, Instant start,
      Instant now) {
    int backoffLimit = spec.getBackoffLimit() == null ? DEFAULT_BACKOFF_LIMIT : spec.getBackoffLimit();
    if (failJob.isPresent()) {
      return new String[] {JobConditions.POD_FAILURE_POLICY, failJob.get()};
    }
    if (failed > backoffLimit || restartsExceeded(spec, active, backoffLimit)) {
      return new String[] {JobConditions.BACKOFF_LIMIT_EXCEEDED, JobConditions.BACKOFF_LIMIT_EXCEEDED_MESSAGE};
    }
    if (!suspended && start != null && spec.getActiveDeadlineSeconds() != null && !now.isBefore(start.plusSeconds(spec.getActiveDeadlineSeconds()))) {
      return new String[] {JobConditions.DEADLINE_EXCEEDED, JobConditions.DEADLINE_EXCEEDED_MESSAGE};
    }
    return null;
  }

  /** Pods restarting OnFailure count each restart as a failure (Kubernetes' pastBackoffLimitOnFailure). */
  private static boolean restartsExceeded(JobSpec spec, List<Pod> active, int backoffLimit) {
    if (!"OnFailure".equals(spec.getTemplate().getSpec().getRestartPolicy())) {
      return false;
    }
    int restarts = active.stream().mapToInt(JobPods::restarts).sum();
    return backoffLimit == 0 ? restarts > 0 : restarts >= backoffLimit;
  }

  /** How many pods should run: min(parallelism, completions − succeeded); without completions, parallelism until one succeeds. */
  static int wantedActive(Integer completions, int parallelism, int succeeded, int active) {
    if (completions == null) {
      return succeeded > 0 ? Math.min(active, parallelism) : parallelism;
    }
    return Math.max(0, Math.min(parallelism, completions - succeeded));
  }

  /** The lowest indexes neither succeeded nor running, at most {@code room} of them. */
  static List<Integer> missingIndexes(int completions, SortedSet<Integer> succeeded, SortedSet<Integer> active, int room) {
    List<Integer> missing = new ArrayList<>();
    for (int i = 0; i < completions && missing.size() < room; i++) {
      if (!succeeded.contains(i) && !active.contains(i)) {
        missing.add(i);
      }
    }
    return missing;
  }

  /**
   * When a new pod may start after failures: the last failure since the last success plus the
   * back-off, {@code base} doubled for each such failure after the first, at most {@link #MAX_BACKOFF}.
   */
  static Instant retryAt(List<Pod> counted, Instant lastSuccess, Duration base) {
    int failures = 0;
    Instant lastFailure = Instant.EPOCH;
    for (Pod pod : counted) {
      Instant finished = JobPods.finishedAt(pod);
      if (finished.isAfter(lastSuccess)) {
        failures++;
        lastFailure = later(lastFailure, finished);
      }
    }
    if (failures == 0) {
      return Instant.EPOCH;
    }
    Duration backoff = base;
    for (int i = 1; i < failures && backoff.compareTo(MAX_BACKOFF) < 0; i++) {
      backoff = backoff.multipliedBy(2);
    }
    return lastFailure.plus(backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff);
  }

  private static Instant finishedAt(List<JobCondition> conditions, String completionTime) {
    if (completionTime != null) {
      return Instant.parse(completionTime);
    }
    return find(conditions, JobConditions.FAILED).or(() -> find(conditions, JobConditions.COMPLETE))
        .map(c -> Instant.parse(c.getLastTransitionTime())).orElse(Instant.EPOCH);
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value;
  }

  static boolean isTrue(List<JobCondition> conditions, String type) {
    return find(conditions, type).isPresent();
  }

  private static Optional<JobCondition> find(List<JobCondition> conditions, String type) {
    return conditions.stream().filter(c -> type.equals(c.getType()) && ConditionStatus.TRUE.equals(c.getStatus())).findFirst();
  }

  /** Sets the condition of {@code type} to True with this reason, in place of one there was; returns it. */
  private static JobCondition set(List<JobCondition> conditions, String type, String reason, String message, Instant now) {
    String at = KubeJson.timestamp(now);
    JobCondition condition = new JobConditionBuilder().withType(type).withStatus(ConditionStatus.TRUE).withReason(reason).withMessage(message)
        .withLastProbeTime(at).withLastTransitionTime(at).build();
    conditions.removeIf(c -> type.equals(c.getType()));
    conditions.add(condition);
    return condition;
  }
}
