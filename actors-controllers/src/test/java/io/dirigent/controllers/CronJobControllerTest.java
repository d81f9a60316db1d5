package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.core.api.KubeJson;
import io.dirigent.core.batch.BatchLabels;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.events.EventRecorder;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.Store;
import io.dirigent.core.testing.Await;
import io.dirigent.core.testing.ManualClock;
import io.dirigent.core.testing.TestNodes;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The CronJob controller against the store, on a manual clock: no loop runs — the test calls
 * {@code reconcile} itself with a cache it fills as an informer would, so "a minute later" is a
 * step of the clock, not a minute of waiting.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CronJobControllerTest {

  private static final AtomicInteger NAMESPACES = new AtomicInteger();
  /** Events are recorded after the writes they tell of, without being waited for. */
  private static final Duration WAIT = Duration.ofSeconds(10);
  private ClusterNode member;
  private Store store;

  @BeforeAll
  void start() {
    member = TestNodes.memory();
    store = member.store();
  }

  @AfterAll
  void stop() {
    member.close();
  }

  private record World(String ns, CronJob cronJob, ManualClock clock, CronJobController controller, Cache cache) {

    /** Reconciles with the cache holding what the store has now, as a caught-up informer would. */
    Duration reconcile(Store store) {
      cache.replace(CronJob.class, List.of(KubeJson.toTree(Await.result(store.get(CronJob.class, ns, cronJob.getMetadata().getName())))));
      cache.replace(Job.class, Await.result(store.list(Job.class, ListOptions.of(ObjectFilter.inNamespace(ns)))).items(Job.class).stream()
          .filter(j -> j.getMetadata().getDeletionTimestamp() == null).map(KubeJson::toTree).toList());
      return (Duration) Await.result(controller.reconcile(ns + "/" + cronJob.getMetadata().getName(), cache));
    }
  }

  private World world(UnaryOperator<CronJobBuilder> spec) {
    String ns = "cron-" + NAMESPACES.incrementAndGet();
    Await.result(store.create(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()));
    CronJob cronJob = Await.result(store.create(spec.apply(new CronJobBuilder().withNewMetadata().withName("tick").withNamespace(ns).endMetadata()
        .withNewSpec().withSchedule("*/5 * * * *").withNewJobTemplate().withNewSpec().withNewTemplate().withNewSpec().withRestartPolicy("Never")
        .addNewContainer().withName("main").withImage("busybox:1").endContainer().endSpec().endTemplate().endSpec().endJobTemplate().endSpec())
        .build()));
    // Six minutes after the creation: one five-minute mark has passed.
    ManualClock clock = new ManualClock(Instant.parse(cronJob.getMetadata().getCreationTimestamp()).plus(Duration.ofMinutes(6)));
    return new World(ns, cronJob, clock, new CronJobController(store, new EventRecorder(store, "cronjob-controller", null, clock), clock), new Cache());
  }

  private List<Job> jobs(World world) {
    return Await.result(store.list(Job.class, ListOptions.of(ObjectFilter.inNamespace(world.ns())))).items(Job.class).stream()
        .filter(j -> j.getMetadata().getDeletionTimestamp() == null).toList();
  }

  private CronJob cronJob(World world) {
    return Await.result(store.get(CronJob.class, world.ns(), "tick"));
  }

  private List<String> events(World world) {
    return Await.result(store.list(Event.class, ListOptions.of(ObjectFilter.inNamespace(world.ns())))).items(Event.class).stream()
        .map(e -> e.getReason() + ": " + e.getMessage()).toList();
  }

  private void finish(World world, Job job, String outcome) {
    Job done = Cache.copy(job);
    done.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder().withStartTime(KubeJson.timestamp(world.clock().instant()))
        .withCompletionTime("Complete".equals(outcome) ? KubeJson.timestamp(world.clock().instant()) : null)
        .addNewCondition().withType(outcome).withStatus("True").endCondition().build());
    Await.result(store.updateStatus(done));
  }

  @Test
  void aDueTimeStartsOneJobNamedAfterTheMinuteOwnedAndActive() {
    World world = world(b -> b);
    Duration again = world.reconcile(store);
    List<Job> jobs = jobs(world);
    assertThat(jobs).hasSize(1);
    Job job = jobs.get(0);
    assertThat(job.getMetadata().getName()).matches("tick-\\d+");
    assertThat(Long.parseLong(job.getMetadata().getName().substring(5)) % 5).isZero();
    assertThat(job.getMetadata().getAnnotations()).containsKey(BatchLabels.SCHEDULED_TIMESTAMP);
    assertThat(Owners.ownedBy(job, world.cronJob())).isTrue();
    CronJob cronJob = cronJob(world);
    assertThat(cronJob.getStatus().getActive()).extracting(r -> r.getName()).containsExactly(job.getMetadata().getName());
    assertThat(cronJob.getStatus().getLastScheduleTime()).isNotNull();
    assertThat(again).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(5).plusSeconds(1));
    Await.until("the event", WAIT, () -> events(world).contains("SuccessfulCreate: Created job " + job.getMetadata().getName()));

    world.reconcile(store);
    assertThat(jobs(world)).as("the same time is not started twice").hasSize(1);
  }

  @Test
  void forbidStartsNothingBesideARunningJobAndReplaceDeletesIt() {
    World forbid = world(b -> b.editSpec().withConcurrencyPolicy("Forbid").endSpec());
    forbid.reconcile(store);
    forbid.clock().advance(Duration.ofMinutes(5));
    forbid.reconcile(store);
    assertThat(jobs(forbid)).hasSize(1);
    Await.until("the event", WAIT, () -> events(forbid).stream().anyMatch(e -> e.startsWith("JobAlreadyActive")));

    World replace = world(b -> b.editSpec().withConcurrencyPolicy("Replace").endSpec());
    replace.reconcile(store);
    String first = jobs(replace).get(0).getMetadata().getName();
    replace.clock().advance(Duration.ofMinutes(5));
    replace.reconcile(store);
    assertThat(jobs(replace)).extracting(j -> j.getMetadata().getName()).hasSize(1).doesNotContain(first);
    Await.until("the event", WAIT, () -> events(replace).contains("SuccessfulDelete: Deleted job " + first));
  }

  @Test
  void aFinishedJobLeavesActiveSetsLastSuccessfulTimeAndOldOnesLeaveTheHistory() {
    World world = world(b -> b.editSpec().withSuccessfulJobsHistoryLimit(1).endSpec());
    world.reconcile(store);
    finish(world, jobs(world).get(0), "Complete");
    world.clock().advance(Duration.ofMinutes(5));
    world.reconcile(store);
    List<Job> jobs = jobs(world);
    assertThat(jobs).hasSize(2);
    CronJob cronJob = cronJob(world);
    assertThat(cronJob.getStatus().getLastSuccessfulTime()).isNotNull();
    assertThat(cronJob.getStatus().getActive()).hasSize(1);
    Await.until("the event", WAIT, () -> events(world).stream().anyMatch(e -> e.startsWith("SawCompletedJob: Saw completed job: ")));

    Job second = jobs.stream().filter(j -> CronJobPlanner.finished(j).isEmpty()).findFirst().orElseThrow();
    world.clock().advance(Duration.ofSeconds(10));
    finish(world, second, "Complete");
    world.reconcile(store);
    assertThat(jobs(world)).as("one successful job kept").extracting(j -> j.getMetadata().getName()).containsExactly(second.getMetadata().getName());
  }

  @Test
  void aSuspendedCronJobStartsNothing() {
    World world = world(b -> b.editSpec().withSuspend(true).endSpec());
    world.reconcile(store);
    assertThat(jobs(world)).isEmpty();
  }

  @Test
  void aTimeZoneMovesTheScheduleToThatZonesClock() {
    World world = world(b -> b.editSpec().withSchedule("0 3 * * *").withTimeZone("Asia/Tokyo").endSpec());
    Duration again = world.reconcile(store);
    Instant next = world.clock().instant().plus(again);
    assertThat(next.atZone(java.time.ZoneId.of("Asia/Tokyo")).getHour()).isEqualTo(3);
  }
}
