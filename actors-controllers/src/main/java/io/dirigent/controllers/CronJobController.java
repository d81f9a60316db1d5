package io.dirigent.controllers;

import io.dirigent.core.api.KubeJson;
import io.dirigent.core.batch.BatchLabels;
import io.dirigent.core.batch.CronSchedule;
import io.dirigent.core.events.EventRecorder;
import io.dirigent.core.informer.Index;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts each CronJob's Jobs on its schedule, as Kubernetes' cronjob controller: the most recent
 * due time (a warning past {@value CronJobPlanner#MAX_MISSED} missed ones), not when too late
 * for startingDeadlineSeconds, not beside a running one under Forbid, after deleting the running
 * ones under Replace; keeps {@code status.active}, lastScheduleTime and lastSuccessfulTime, and
 * deletes finished Jobs past the history limits. A Job's name is the CronJob's and the scheduled
 * minute, so a create repeated after a lost answer finds it there instead of starting a second.
 */
final class CronJobController implements Controller {

  private static final Logger log = LoggerFactory.getLogger(CronJobController.class);

  private final Store store;
  private final EventRecorder events;
  private final Clock clock;

  CronJobController(Store store, EventRecorder events, Clock clock) {
    this.store = store;
    this.events = events;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "cronjob";
  }

  @Override
  public List<Watch> watches() {
    return List.of(
        new Watch(CronJob.class, (change, cache) -> List.of(Cache.key(change.object()))),
        new Watch(Job.class, (change, cache) -> Owners.controllerKey(change.object(), "CronJob").map(List::of).orElse(List.of())));
  }

  @Override
  public CompletionStage<?> reconcile(String key, Cache cache) {
    Optional<CronJob> found = cache.get(CronJob.class, key);
    if (found.isEmpty() || found.get().getMetadata().getDeletionTimestamp() != null) {
      return CompletableFuture.completedFuture(null);
    }
    CronJob cronJob = found.get();
    List<Job> jobs = cache.indexed(Job.class, Index.CONTROLLER, cronJob.getMetadata().getUid());
    return sync(key, cronJob, jobs, clock.instant());
  }

  private CompletionStage<?> sync(String key, CronJob cronJob, List<Job> jobs, Instant now) {
    CronJobStatus previous = cronJob.getStatus() == null ? new CronJobStatus() : cronJob.getStatus();
    List<Job> running = new ArrayList<>();
    String lastSuccessful = previous.getLastSuccessfulTime();
    List<Runnable> notes = new ArrayList<>();
    List<String> wasActive = previous.getActive() == null ? List.of() : previous.getActive().stream().map(ObjectReference::getUid).toList();
    for (Job job : jobs) {
      Optional<String> outcome = CronJobPlanner.finished(job);
      if (outcome.isEmpty()) {
        running.add(job);
        continue;
      }
      if (wasActive.contains(job.getMetadata().getUid())) {
        notes.add(() -> record(cronJob, EventRecorder.NORMAL, "SawCompletedJob", "Saw completed job: %s, condition: %s".formatted(job.getMetadata().getName(), outcome.get())));
      }
      String completed = job.getStatus().getCompletionTime();
      if (completed != null && (lastSuccessful == null || completed.compareTo(lastSuccessful) > 0)) {
        lastSuccessful = completed;
      }
    }
    List<Job> history = CronJobPlanner.pastHistory(jobs, limit(cronJob.getSpec().getSuccessfulJobsHistoryLimit(), 3),
        limit(cronJob.getSpec().getFailedJobsHistoryLimit(), 1));
    List<CompletionStage<?>> writes = new ArrayList<>();
    for (Job old : history) {
      log.debug("cronjob={} deleting job={} past the history limit", key, old.getMetadata().getName());
      writes.add(deleteJob(cronJob, old));
    }
    String lastScheduled = previous.getLastScheduleTime();
    Duration recheck = null;
    Job toCreate = null;
    List<Job> toReplace = List.of();
    Optional<ZoneId> zoneOf = zone(key, cronJob, notes);
    Optional<CronSchedule> scheduleOf = schedule(key, cronJob, notes);
    if (!Boolean.TRUE.equals(cronJob.getSpec().getSuspend()) && zoneOf.isPresent() && scheduleOf.isPresent()) {
      ZoneId zone = zoneOf.get();
      CronSchedule schedule = scheduleOf.get();
      CronJobPlanner.Due due = CronJobPlanner.due(schedule, zone, Instant.parse(cronJob.getMetadata().getCreationTimestamp()),
          lastScheduled == null ? null : Instant.parse(lastScheduled), cronJob.getSpec().getStartingDeadlineSeconds(), now);
      recheck = CronJobPlanner.until(now, due.next());
      if (due.missed() > CronJobPlanner.MAX_MISSED) {
        notes.add(() -> record(cronJob, EventRecorder.WARNING, "TooManyMissedTimes",
            "too many missed start times: > %d. Set or decrease .spec.startingDeadlineSeconds or check clock skew".formatted(CronJobPlanner.MAX_MISSED)));
      }
      if (due.time().isPresent()) {
        Instant scheduled = due.time().get();
        String policy = cronJob.getSpec().getConcurrencyPolicy() == null ? "Allow" : cronJob.getSpec().getConcurrencyPolicy();
        if (due.tooLate()) {
          log.debug("cronjob={} missed time={}: later than startingDeadlineSeconds", key, scheduled);
          notes.add(() -> record(cronJob, EventRecorder.WARNING, "MissSchedule", "Missed scheduled time to start a job: " + scheduled.atZone(zone)));
        } else if (policy.equals("Forbid") && !running.isEmpty()) {
          log.debug("cronjob={} not starting time={}: a job still runs and the policy is Forbid", key, scheduled);
          notes.add(() -> record(cronJob, EventRecorder.NORMAL, "JobAlreadyActive",
              "Not starting job because prior execution is running and concurrency policy is Forbid"));
        } else {
          toReplace = policy.equals("Replace") ? List.copyOf(running) : List.of();
          toCreate = jobFor(cronJob, scheduled, zone);
          lastScheduled = KubeJson.timestamp(scheduled);
        }
      }
    }
    List<Job> stillRunning = new ArrayList<>(running);
    stillRunning.removeAll(toReplace);
    for (Job replaced : toReplace) {
      log.debug("cronjob={} replacing job={}", key, replaced.getMetadata().getName());
      writes.add(deleteJob(cronJob, replaced));
    }
    String lastScheduleTime = lastScheduled;
    String lastSuccessfulTime = lastSuccessful;
    CompletionStage<Optional<Job>> created = toCreate == null ? CompletableFuture.completedFuture(Optional.empty()) : createJob(key, cronJob, toCreate);
    Duration again = recheck;
    return CompletableFuture.allOf(writes.stream().map(CompletionStage::toCompletableFuture).toArray(CompletableFuture[]::new))
        .thenCombine(created, (done, job) -> job)
        .thenCompose(job -> {
          List<ObjectReference> active = new ArrayList<>(stillRunning.stream().map(CronJobController::reference).toList());
          job.filter(j -> active.stream().noneMatch(r -> r.getUid().equals(j.getMetadata().getUid()))).ifPresent(j -> active.add(reference(j)));
          CronJobStatus status = new CronJobStatusBuilder().withActive(active.isEmpty() ? null : active)
              .withLastScheduleTime(lastScheduleTime).withLastSuccessfulTime(lastSuccessfulTime).build();
          return writeStatus(cronJob, status);
        })
        .thenApply(written -> {
          notes.forEach(Runnable::run);
          return again;
        });
  }

  /** The CronJob's zone; empty, with Kubernetes' warning, for one this server does not know (validation let it in elsewhere). */
  private Optional<ZoneId> zone(String key, CronJob cronJob, List<Runnable> notes) {
    try {
      return Optional.of(CronJobPlanner.zone(cronJob.getSpec().getTimeZone()));
    } catch (java.time.DateTimeException e) {
      log.debug("cronjob={} unknown timeZone={}: not scheduling", key, cronJob.getSpec().getTimeZone());
      notes.add(() -> record(cronJob, EventRecorder.WARNING, "UnknownTimeZone",
          "invalid timeZone: \"%s\": %s".formatted(cronJob.getSpec().getTimeZone(), e.getMessage())));
      return Optional.empty();
    }
  }

  /** The CronJob's schedule; empty, with Kubernetes' warning, for one stored before validation refused it. */
  private Optional<CronSchedule> schedule(String key, CronJob cronJob, List<Runnable> notes) {
    try {
      return Optional.of(CronSchedule.parse(cronJob.getSpec().getSchedule()));
    } catch (IllegalArgumentException | NullPointerException e) {
      log.debug("cronjob={} unparseable schedule={}: not scheduling", key, cronJob.getSpec().getSchedule());
      notes.add(() -> record(cronJob, EventRecorder.WARNING, "UnparseableSchedule",
          "unparseable schedule: \"%s\" : %s".formatted(cronJob.getSpec().getSchedule(), e.getMessage())));
      return Optional.empty();
    }
  }

  private static int limit(Integer value, int fallback) {
    return value == null ? fallback : value;
  }

  /** The Job for {@code scheduled}: the template's, owned by the CronJob, with the scheduled time noted. */
  static Job jobFor(CronJob cronJob, Instant scheduled, ZoneId zone) {
    var template = cronJob.getSpec().getJobTemplate();
    ObjectMeta meta = new ObjectMeta();
    meta.setName(CronJobPlanner.jobName(cronJob, scheduled));
    meta.setNamespace(cronJob.getMetadata().getNamespace());
    Map<String, String> labels = template.getMetadata() == null || template.getMetadata().getLabels() == null ? Map.of() : template.getMetadata().getLabels();
    meta.setLabels(labels.isEmpty() ? null : new HashMap<>(labels));
    Map<String, String> annotations = template.getMetadata() == null || template.getMetadata().getAnnotations() == null
        ? new HashMap<>() : new HashMap<>(template.getMetadata().getAnnotations());
    annotations.put(BatchLabels.SCHEDULED_TIMESTAMP, scheduled.atZone(zone).toOffsetDateTime().toString());
    meta.setAnnotations(annotations);
    meta.setOwnerReferences(List.of(Owners.reference(cronJob)));
    JobSpec spec = KubeJson.toTyped(KubeJson.MAPPER.valueToTree(template.getSpec()), JobSpec.class);
    return new JobBuilder().withMetadata(meta).withSpec(spec).build();
  }

  /** Creates the Job; one already there (a create repeated after a lost answer) is taken as it is, if it is ours. */
  private CompletionStage<Optional<Job>> createJob(String key, CronJob cronJob, Job job) {
    String name = job.getMetadata().getName();
    return store.create(job).<Optional<Job>>thenApply(created -> {
      log.debug("cronjob={} created job={}", key, name);
      record(cronJob, EventRecorder.NORMAL, "SuccessfulCreate", "Created job " + name);
      return Optional.of(created);
    }).exceptionallyCompose(failure -> {
      Throwable cause = StoreException.cause(failure);
      if (cause instanceof StoreException e && e.reason() == StoreError.Reason.ALREADY_EXISTS) {
        return store.get(Job.class, job.getMetadata().getNamespace(), name)
            .thenApply(existing -> Owners.ownedBy(existing, cronJob) ? Optional.of(existing) : Optional.<Job>empty());
      }
      record(cronJob, EventRecorder.WARNING, "FailedCreate", "Error creating job: " + cause.getMessage());
      throw new CompletionException(cause);
    });
  }

  private CompletionStage<?> deleteJob(CronJob cronJob, Job job) {
    String name = job.getMetadata().getName();
    return store.delete(Job.class, job.getMetadata().getNamespace(), name,
            DeleteOptions.defaults().withPreconditions(job.getMetadata().getUid(), null).withPropagation(DeleteOptions.Propagation.BACKGROUND))
        .handle((deleted, failure) -> {
          if (failure == null) {
            record(cronJob, EventRecorder.NORMAL, "SuccessfulDelete", "Deleted job " + name);
          } else if (!(StoreException.cause(failure) instanceof StoreException e && e.reason() == StoreError.Reason.NOT_FOUND)) {
            record(cronJob, EventRecorder.WARNING, "FailedDelete", "Deleted job: " + StoreException.cause(failure).getMessage());
          }
          return null;
        });
  }

  static ObjectReference reference(Job job) {
    return new ObjectReferenceBuilder().withApiVersion("batch/v1").withKind("Job").withName(job.getMetadata().getName())
        .withNamespace(job.getMetadata().getNamespace()).withUid(job.getMetadata().getUid())
        .withResourceVersion(job.getMetadata().getResourceVersion()).build();
  }

  private CompletionStage<Boolean> writeStatus(CronJob cronJob, CronJobStatus status) {
    if (cronJob.getStatus() != null && sameStatus(cronJob.getStatus(), status)) {
      return CompletableFuture.completedFuture(false);
    }
    CronJob update = Cache.copy(cronJob);
    update.getMetadata().setResourceVersion(null);
    update.setStatus(status);
    return store.updateStatus(update).thenApply(written -> true);
  }

  /** The same but for the active Jobs' resourceVersions, which change as they run. */
  private static boolean sameStatus(CronJobStatus a, CronJobStatus b) {
    return KubeJson.sameContent(KubeJson.MAPPER.valueToTree(withoutVersions(a)), KubeJson.MAPPER.valueToTree(withoutVersions(b)));
  }

  private static CronJobStatus withoutVersions(CronJobStatus status) {
    CronJobStatus copy = new CronJobStatusBuilder(status).build();
    if (copy.getActive() != null) {
      copy.setActive(copy.getActive().stream().map(r -> new ObjectReferenceBuilder(r).withResourceVersion(null).build()).toList());
    }
    return copy;
  }

  private void record(CronJob cronJob, String type, String reason, String message) {
    if (events != null) {
      events.record(cronJob, null, type, reason, message);
    }
  }
}
