package io.dirigent.compat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * The rows kubectl prints for Jobs and CronJobs (Kubernetes' printers.go, printJob and
 * printCronJob): a Job's status word, {@code succeeded/completions} and how long it ran; a
 * CronJob's schedule, time zone, suspend flag, active Jobs and when it last scheduled one.
 */
final class BatchTables {

  private static final String NONE = "<none>";

  private BatchTables() {}

  static List<Tables.Column> jobColumns(Tables.Column name, Tables.Column age) {
    return List.of(name, Tables.Column.of("Status"), Tables.Column.of("Completions"), Tables.Column.of("Duration"), age,
        Tables.Column.wide("Containers"), Tables.Column.wide("Images"), Tables.Column.wide("Selector"));
  }

  static List<Tables.Column> cronJobColumns(Tables.Column name, Tables.Column age) {
    return List.of(name, Tables.Column.of("Schedule"), Tables.Column.of("Timezone"), Tables.Column.of("Suspend"),
        Tables.Column.integer("Active"), Tables.Column.of("Last Schedule"), age,
        Tables.Column.wide("Containers"), Tables.Column.wide("Images"), Tables.Column.wide("Selector"));
  }

  /** Name, status, completions, duration; the caller adds age and the wide cells. */
  static List<Object> jobCells(JsonNode job, Instant now) {
    JsonNode spec = job.path("spec");
    JsonNode status = job.path("status");
    return List.of(status(job), completions(spec, status), duration(status, now));
  }

  static String status(JsonNode job) {
    JsonNode conditions = job.path("status").path("conditions");
    if (has(conditions, "Complete")) {
      return "Complete";
    }
    if (has(conditions, "Failed")) {
      return "Failed";
    }
    if (job.path("metadata").hasNonNull("deletionTimestamp")) {
      return "Terminating";
    }
    if (has(conditions, "Suspended")) {
      return "Suspended";
    }
    if (has(conditions, "FailureTarget")) {
      return "FailureTarget";
    }
    if (has(conditions, "SuccessCriteriaMet")) {
      return "SuccessCriteriaMet";
    }
    return "Running";
  }

  private static boolean has(JsonNode conditions, String type) {
    for (JsonNode condition : conditions) {
      if (type.equals(condition.path("type").asText()) && "True".equals(condition.path("status").asText())) {
        return true;
      }
    }
    return false;
  }

  private static String completions(JsonNode spec, JsonNode status) {
    long succeeded = status.path("succeeded").asLong(0);
    if (spec.hasNonNull("completions")) {
      return succeeded + "/" + spec.path("completions").asLong();
    }
    long parallelism = spec.path("parallelism").asLong(1);
    return parallelism > 1 ? succeeded + "/1 of " + parallelism : succeeded + "/1";
  }

  private static String duration(JsonNode status, Instant now) {
    try {
      if (!status.hasNonNull("startTime")) {
        return "";
      }
      Instant start = Instant.parse(status.path("startTime").asText());
      Instant end = status.hasNonNull("completionTime") ? Instant.parse(status.path("completionTime").asText()) : now;
      return Tables.humanDuration(Duration.between(start, end));
    } catch (DateTimeParseException e) {
      return "<invalid>";
    }
  }

  /** Schedule, time zone, suspend, active, last schedule. */
  static List<Object> cronJobCells(JsonNode cronJob, Instant now) {
    JsonNode spec = cronJob.path("spec");
    JsonNode status = cronJob.path("status");
    String suspend = spec.path("suspend").isBoolean() ? (spec.path("suspend").asBoolean() ? "True" : "False") : "<unset>";
    String last = status.hasNonNull("lastScheduleTime") ? Tables.age(status.path("lastScheduleTime").asText(), now) : NONE;
    return List.of(spec.path("schedule").asText(""), spec.hasNonNull("timeZone") ? spec.path("timeZone").asText() : NONE, suspend,
        (long) status.path("active").size(), last);
  }
}
