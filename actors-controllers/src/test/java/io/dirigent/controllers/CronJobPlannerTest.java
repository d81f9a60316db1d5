package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.core.batch.CronSchedule;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which scheduled time a CronJob starts, and which Jobs leave its history; the manual clock is each row's "now". */
class CronJobPlannerTest {

  private static final Instant CREATED = Instant.parse("2024-03-10T11:00:00Z");

  static Stream<Arguments> dues() {
    return Stream.of(
        Arguments.of("nothing is due before the first time", "0 * * * *", null, null, "2024-03-10T11:30:00Z", null, 0, false, "2024-03-10T12:00:00Z"),
        Arguments.of("the first time is due once passed", "0 * * * *", null, null, "2024-03-10T12:00:05Z", "2024-03-10T12:00:00Z", 1, false,
            "2024-03-10T13:00:00Z"),
        Arguments.of("a time already scheduled is not due again", "0 * * * *", "2024-03-10T12:00:00Z", null, "2024-03-10T12:30:00Z", null, 0, false,
            "2024-03-10T13:00:00Z"),
        Arguments.of("of several missed times only the latest starts", "* * * * *", "2024-03-10T12:00:00Z", null, "2024-03-10T12:03:20Z",
            "2024-03-10T12:03:00Z", 3, false, "2024-03-10T12:04:00Z"),
        Arguments.of("a time older than startingDeadlineSeconds is not started", "* * * * *", "2024-03-10T12:00:00Z", 10L, "2024-03-10T12:03:20Z",
            null, 0, false, "2024-03-10T12:04:00Z"),
        Arguments.of("startingDeadlineSeconds bounds how far back missed times count", "* * * * *", "2024-03-10T10:00:00Z", 90L, "2024-03-10T12:03:20Z",
            "2024-03-10T12:03:00Z", 2, false, "2024-03-10T12:04:00Z"),
        Arguments.of("more than a hundred missed times are counted past the limit and the latest still starts", "* * * * *", "2024-03-09T12:00:00Z",
            null, "2024-03-10T12:03:20Z", "2024-03-10T12:03:00Z", 101, false, "2024-03-10T12:04:00Z"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dues")
  void theDueTimeIs(String sentence, String schedule, String last, Long deadline, String now, String due, int missed, boolean tooLate, String next) {
    CronJobPlanner.Due result = CronJobPlanner.due(CronSchedule.parse(schedule), ZoneOffset.UTC, CREATED, last == null ? null : Instant.parse(last),
        deadline, Instant.parse(now));
    assertThat(result.time()).isEqualTo(java.util.Optional.ofNullable(due).map(Instant::parse));
    assertThat(result.missed()).isEqualTo(missed);
    assertThat(result.tooLate()).isEqualTo(tooLate);
    assertThat(result.next()).isEqualTo(Instant.parse(next));
  }

  private static Job finished(String name, String outcome, String start) {
    return new JobBuilder().withNewMetadata().withName(name).endMetadata().withNewStatus().withStartTime(start)
        .addNewCondition().withType(outcome).withStatus("True").endCondition().endStatus().build();
  }

  private static Job running(String name) {
    return new JobBuilder().withNewMetadata().withName(name).endMetadata().withNewStatus().withStartTime("2024-03-10T12:00:00Z").endStatus().build();
  }

  static Stream<Arguments> histories() {
    List<Job> jobs = List.of(
        finished("ok-1", "Complete", "2024-03-10T12:01:00Z"), finished("ok-2", "Complete", "2024-03-10T12:02:00Z"),
        finished("ok-3", "Complete", "2024-03-10T12:03:00Z"), finished("ok-4", "Complete", "2024-03-10T12:04:00Z"),
        finished("bad-1", "Failed", "2024-03-10T12:05:00Z"), finished("bad-2", "Failed", "2024-03-10T12:06:00Z"), running("now"));
    return Stream.of(
        Arguments.of("three successful and one failed kept: the oldest of each go", jobs, 3, 1, List.of("ok-1", "bad-1")),
        Arguments.of("limits of zero keep no finished job, and never a running one", jobs, 0, 0, List.of("ok-1", "ok-2", "ok-3", "ok-4", "bad-1", "bad-2")),
        Arguments.of("limits above the count keep everything", jobs, 10, 10, List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("histories")
  void theJobsPastTheHistoryLimitsAre(String sentence, List<Job> jobs, int successful, int failed, List<String> victims) {
    assertThat(CronJobPlanner.pastHistory(jobs, successful, failed)).extracting(j -> j.getMetadata().getName()).containsExactlyElementsOf(victims);
  }
}
