package io.dirigent.controllers;

import io.dirigent.core.api.KubeJson;
import io.dirigent.core.events.EventRecorder;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreException;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each Job's pods to completion: {@link JobPlanner} decides from the Job and the pods it
 * owns (claimed through {@link ControllerRefs}), this loop carries the decision out — creates
 * (NonIndexed, or the missing indexes), deletes, the status, its events — and deletes a finished
 * Job with its pods once ttlSecondsAfterFinished has passed (Kubernetes' TTL-after-finished
 * controller, foreground as there). Expectations stop it creating twice while its cache lags.
 */
final class JobController implements Controller {

  /** The most pods created in one reconcile (Kubernetes' MaxPodCreateDeletePerSync); the rest follow once these are seen. */
  private static final int MAX_BURST = 500;
  private static final Logger log = LoggerFactory.getLogger(JobController.class);

  private final Store store;
  private final PodControl pods;
  private final EventRecorder events;
  private final Clock clock;
  private final Duration backoff;
  private final Expectations expectations;

  /** {@code backoff}: the wait after a pod's failure before the next, doubled per failure ({@link JobPlanner#DEFAULT_BACKOFF}). */
  JobController(Store store, EventRecorder events, Clock clock, Duration backoff) {
    this.store = store;
    this.pods = new PodControl(store, events);
    this.events = events;
    this.clock = clock;
    this.backoff = backoff;
    this.expectations = new Expectations(clock);
  }

  @Override
  public String name() {
    return "job";
  }

  @Override
  public List<Watch> watches() {
    return List.of(
        new Watch(Job.class, (change, cache) -> {
          if (change.deleted()) {
            expectations.forget(Cache.key(change.object()));
          }
          return List.of(Cache.key(change.object()));
        }),
        new Watch(Pod.class, (change, cache) -> {
          List<String> owner = expectations.ownerOfPod(change, "Job");
          return owner.isEmpty() ? ControllerRefs.adopters(change, cache, Job.class, job -> job.getSpec().getSelector()) : owner;
        }));
  }

  @Override
  public CompletionStage<?> reconcile(String key, Cache cache) {
    Optional<Job> found = cache.get(Job.class, key);
    if (found.isEmpty() || found.get().getMetadata().getDeletionTimestamp() != null) {
      return CompletableFuture.completedFuture(null);
    }
    Job job = found.get();
    boolean satisfied = expectations.satisfied(key);
    return ControllerRefs.claim(store, job, job.getSpec().getSelector(), ControllerRefs.candidates(cache, Pod.class, job))
        .thenCompose(owned -> sync(key, job, owned, satisfied));
  }

  private CompletionStage<?> sync(String key, Job job, List<Pod> owned, boolean satisfied) {
    JobPlanner.Plan plan = JobPlanner.plan(job, owned, clock.instant(), backoff);
    if (plan.expired()) {
      log.info("job={} finished longer than ttlSecondsAfterFinished ago: deleting it and its pods", key);
      return store.delete(Job.class, job.getMetadata().getNamespace(), job.getMetadata().getName(),
              DeleteOptions.defaults().withPreconditions(job.getMetadata().getUid(), null).withPropagation(DeleteOptions.Propagation.FOREGROUND))
          .exceptionally(failure -> null);
    }
    CompletionStage<?> acted = CompletableFuture.completedFuture(null);
    if (!satisfied) {
      log.debug("job={} waiting for its creates and deletes to be seen: not acting, active={}", key, plan.status().getActive());
    } else {
      acted = act(key, job, plan);
    }
    return acted.thenCompose(done -> writeStatus(job, plan.status()))
        .thenApply(written -> {
          if (written) {
            plan.events().forEach(event -> record(job, event));
          }
          return plan.recheck();
        });
  }

  private CompletionStage<?> act(String key, Job job, JobPlanner.Plan plan) {
    List<Pod> toCreate = new ArrayList<>();
    for (int i = 0; i < Math.min(plan.create(), MAX_BURST); i++) {
      toCreate.add(JobPods.podFor(job, null));
    }
    plan.createIndexes().stream().limit(MAX_BURST).forEach(index -> toCreate.add(JobPods.podFor(job, index)));
    if (toCreate.isEmpty() && plan.delete().isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    log.debug("job={} creating pods={} indexes={} deleting pods={}", key, toCreate.size(), plan.createIndexes(), Cache.names(plan.delete()));
    expectations.expect(key, toCreate.size(), plan.delete().size());
    List<CompletableFuture<?>> writes = new ArrayList<>();
    for (Pod pod : toCreate) {
      writes.add(pods.create(job, pod).toCompletableFuture().whenComplete((created, failure) -> {
        if (failure != null) {
          log.debug("job={} create failed, one fewer expected: {}", key, StoreException.cause(failure).getMessage());
          expectations.createFailed(key);
        }
      }));
    }
    for (Pod pod : plan.delete()) {
      writes.add(pods.delete(job, pod).toCompletableFuture().whenComplete((deleted, failure) -> {
        if (failure != null || !deleted) {
          expectations.deleteFailed(key);
        }
      }));
    }
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
  }

  /** Writes the status if it changed; true if it was written (the events it carries are then recorded). */
  private CompletionStage<Boolean> writeStatus(Job job, JobStatus status) {
    if (job.getStatus() != null && KubeJson.sameContent(KubeJson.MAPPER.valueToTree(job.getStatus()), KubeJson.MAPPER.valueToTree(status))) {
      return CompletableFuture.completedFuture(false);
    }
    Job update = Cache.copy(job);
    update.getMetadata().setResourceVersion(job.getMetadata().getResourceVersion());
    update.setStatus(status);
    return store.updateStatus(update).thenApply(written -> true);
  }

  private void record(Job job, JobPlanner.JobEvent event) {
    if (events != null) {
      events.record(job, null, event.type(), event.reason(), event.message());
    }
  }
}
