package io.dirigent.controllers;

import io.dirigent.core.api.ConditionStatus;
import io.dirigent.core.batch.CronSchedule;
import io.dirigent.core.batch.JobConditions;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A CronJob's arithmetic, without I/O, as Kubernetes' cronjob controller (v2) does it: which
 * scheduled time is due now, whether it is too late to start, when to look again, and which
 * finished Jobs fall out of the history.
 *
 * <p>Example: schedule {@code * * * * *}, last scheduled 12:00, now 12:03:20 — 12:01, 12:02 and
 * 12:03 were missed; only the most recent, 12:03, starts. With startingDeadlineSeconds 10, 12:03
 * started at 12:03:20 is too late: nothing starts, and the next look is at 12:04.
 */
final class CronJobPlanner {

  /** Past this many missed times Kubernetes warns (TooManyMissedTimes) and still starts the latest. */
  static final int MAX_MISSED = 100;

  private CronJobPlanner() {}

  /**
   * What is due: the latest scheduled time in (earliest, now], with how many were missed; earliest
   * is the last scheduled time (or the creation), no earlier than now − startingDeadlineSeconds.
   */
  record Due(Optional<Instant> time, int missed, boolean tooLate, Instant next) {}

  static Due due(CronSchedule schedule, ZoneId zone, Instant created, Instant lastScheduled, Long startingDeadlineSeconds, Instant now) {
    Instant earliest = lastScheduled != null ? lastScheduled : created;
    if (startingDeadlineSeconds != null) {
      Instant deadlineStart = now.minusSeconds(startingDeadlineSeconds);
      earliest = earliest.isBefore(deadlineStart) ? deadlineStart : earliest;
    }
    ZonedDateTime nowZoned = now.atZone(zone);
    List<ZonedDateTime> times = schedule.between(earliest.atZone(zone), nowZoned, MAX_MISSED);
    Instant next = schedule.next(nowZoned).map(ZonedDateTime::toInstant).orElse(Instant.MAX);
    if (times.isEmpty()) {
      return new Due(Optional.empty(), 0, false, next);
    }
    // between() stops after MAX_MISSED + 1: the latest of many is found by stepping from now back.
    Instant latest = times.size() > MAX_MISSED ? latestBefore(schedule, zone, now, times.get(times.size() - 1).toInstant())
        : times.get(times.size() - 1).toInstant();
    boolean tooLate = startingDeadlineSeconds != null && latest.plusSeconds(startingDeadlineSeconds).isBefore(now);
    return new Due(Optional.of(latest), times.size(), tooLate, next);
  }

  private static Instant latestBefore(CronSchedule schedule, ZoneId zone, Instant now, Instant from) {
    Instant latest = from;
    Optional<ZonedDateTime> t = schedule.next(from.atZone(zone));
    while (t.isPresent() && !t.get().toInstant().isAfter(now)) {
      latest = t.get().toInstant();
      t = schedule.next(t.get());
    }
    return latest;
  }

  /** The zone of {@code spec.timeZone}; UTC when unset (the controller manager's zone is UTC). */
  static ZoneId zone(String timeZone) {
    return timeZone == null ? ZoneOffset.UTC : ZoneId.of(timeZone);
  }

  /** Kubernetes' Job name for a scheduled time: the CronJob's name and the time in minutes since the epoch. */
  static String jobName(CronJob cronJob, Instant scheduled) {
    return cronJob.getMetadata().getName() + "-" + scheduled.getEpochSecond() / 60;
  }

  /** Complete or Failed, whichever the Job ended as; empty while it runs. */
  static Optional<String> finished(Job job) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> ConditionStatus.TRUE.equals(c.getStatus()) && (JobConditions.COMPLETE.equals(c.getType()) || JobConditions.FAILED.equals(c.getType())))
        .map(c -> c.getType()).findFirst();
  }

  /** The finished Jobs past the history limits, oldest first: successful beyond {@code successful}, failed beyond {@code failed}. */
  static List<Job> pastHistory(List<Job> jobs, int successful, int failed) {
    List<Job> victims = new ArrayList<>();
    victims.addAll(oldest(jobs, JobConditions.COMPLETE, successful));
    victims.addAll(oldest(jobs, JobConditions.FAILED, failed));
    return victims;
  }

  private static List<Job> oldest(List<Job> jobs, String outcome, int keep) {
    List<Job> ended = new ArrayList<>(jobs.stream().filter(j -> finished(j).map(outcome::equals).orElse(false)).toList());
    ended.sort(Comparator.comparing(CronJobPlanner::startedAt));
    return ended.size() <= keep ? List.of() : ended.subList(0, ended.size() - keep);
  }

  private static String startedAt(Job job) {
    String start = job.getStatus() == null ? null : job.getStatus().getStartTime();
    return start != null ? start : job.getMetadata().getCreationTimestamp() == null ? "" : job.getMetadata().getCreationTimestamp();
  }

  /** How long until {@code next}, a little after it so the time has surely passed; null when it never comes. */
  static Duration until(Instant now, Instant next) {
    return next.equals(Instant.MAX) ? null : Duration.between(now, next).plusMillis(100);
  }
}
