package io.dirigent.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.batch.CronSchedule;
import io.dirigent.core.batch.JobSelector;
import io.dirigent.core.selector.LabelSelector;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Jobs and CronJobs, in the words of Kubernetes' pkg/apis/batch/validation: counts are
 * non-negative, an Indexed Job names its completions and runs at most 10^5 pods at once, the pods
 * restart OnFailure or Never, a schedule is five cron fields (robfig/cron's errors), a time zone is
 * an IANA name and never in the schedule.
 */
final class BatchRules {

  /** Kubernetes' limits for Indexed Jobs. */
  static final int MAX_PARALLELISM_INDEXED = 100_000;
  static final int COMPLETIONS_SOFT_LIMIT = 100_000;
  static final int PARALLELISM_FOR_HIGH_COMPLETIONS = 10_000;
  /** A CronJob's name plus the 11 characters of a Job's time suffix make a DNS-1035 label (63). */
  static final int MAX_CRONJOB_NAME = 52;
  private static final List<String> RESTART_POLICIES = List.of("OnFailure", "Never");
  private static final List<String> COMPLETION_MODES = List.of("NonIndexed", "Indexed");
  private static final List<String> REPLACEMENT_POLICIES = List.of("Failed", "TerminatingOrFailed");
  private static final List<String> CONCURRENCY_POLICIES = List.of("Allow", "Forbid", "Replace");
  private static final List<String> RULE_ACTIONS = List.of("Count", "FailIndex", "FailJob", "Ignore");
  private static final List<String> EXIT_CODE_OPERATORS = List.of("In", "NotIn");
  private static final Pattern TIME_ZONE_PART = Pattern.compile("[A-Za-z.\\-_0-9+]{1,14}");

  private BatchRules() {}

  static void validate(ResourceType type, ObjectNode object, boolean create, List<FieldError> errors) {
    switch (type.resource()) {
      case "jobs.batch" -> job(object, create, errors);
      case "cronjobs.batch" -> cronJob(object, create, errors);
      default -> { }
    }
  }

  private static void job(ObjectNode job, boolean create, List<FieldError> errors) {
    JsonNode spec = job.path("spec");
    JsonNode selector = spec.path("selector");
    if (create && !JobSelector.manual(job)) {
      // The store generates it from the uid (JobSelector); one sent without manualSelector is not that one.
      if (!selector.isMissingNode() && !selector.isNull()) {
        errors.add(FieldError.invalid("spec.selector", selector.toString(), "`selector` not auto-generated"));
      }
    } else {
      selector(selector, spec.path("template"), errors);
    }
    jobSpec(spec, "spec", errors);
  }

  private static void selector(JsonNode selector, JsonNode template, List<FieldError> errors) {
    if (!selector.isObject() || selector.isEmpty()) {
      errors.add(FieldError.required("spec.selector", ""));
      return;
    }
    Map<String, String> labels = KubeJson.stringMap(template, "labels");
    try {
      LabelSelector parsed = LabelSelector.of(KubeJson.toTyped(selector, io.fabric8.kubernetes.api.model.LabelSelector.class));
      if (!parsed.matches(labels)) {
        errors.add(FieldError.invalid("spec.template.metadata.labels", labels.toString(), "`selector` does not match template `labels`"));
      }
    } catch (IllegalArgumentException e) {
      errors.add(FieldError.invalid("spec.selector", selector.toString(), e.getMessage()));
    }
  }

  /** A Job's spec, or a CronJob's job template's, at {@code path}. */
  private static void jobSpec(JsonNode spec, String path, List<FieldError> errors) {
    for (String field : List.of("parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished")) {
      nonNegative(spec.path(field), path + "." + field, errors);
    }
    String mode = spec.path("completionMode").asText("NonIndexed");
    if (!COMPLETION_MODES.contains(mode)) {
      errors.add(FieldError.notSupported(path + ".completionMode", mode, COMPLETION_MODES));
    }
    if (mode.equals("Indexed")) {
      if (!spec.hasNonNull("completions")) {
        errors.add(FieldError.required(path + ".completions", "when completion mode is Indexed"));
      }
      long parallelism = spec.path("parallelism").asLong(1);
      if (parallelism > MAX_PARALLELISM_INDEXED) {
        errors.add(FieldError.invalid(path + ".parallelism", String.valueOf(parallelism),
            "must be less than or equal to %d when completion mode is Indexed".formatted(MAX_PARALLELISM_INDEXED)));
      } else if (spec.path("completions").asLong(0) > COMPLETIONS_SOFT_LIMIT && parallelism > PARALLELISM_FOR_HIGH_COMPLETIONS) {
        errors.add(FieldError.invalid(path + ".parallelism", String.valueOf(parallelism),
            "must be less than or equal to %d when completions are above %d and used with indexed completion mode"
                .formatted(PARALLELISM_FOR_HIGH_COMPLETIONS, COMPLETIONS_SOFT_LIMIT)));
      }
    }
    String replacement = spec.path("podReplacementPolicy").asText("");
    if (!replacement.isEmpty() && !REPLACEMENT_POLICIES.contains(replacement)) {
      errors.add(FieldError.notSupported(path + ".podReplacementPolicy", replacement, REPLACEMENT_POLICIES));
    }
    JsonNode policy = spec.path("podFailurePolicy");
    if (policy.isObject()) {
      podFailurePolicy(policy, path + ".podFailurePolicy", errors);
    }
    JsonNode template = spec.path("template");
    if (!template.isObject()) {
      errors.add(FieldError.required(path + ".template", ""));
      return;
    }
    PodSpecRules.validate(template.path("spec"), path + ".template.spec", errors);
    String restartPolicy = template.path("spec").path("restartPolicy").asText("");
    if (!RESTART_POLICIES.contains(restartPolicy)) {
      errors.add(FieldError.notSupported(path + ".template.spec.restartPolicy", restartPolicy, RESTART_POLICIES));
    } else if (policy.isObject() && !restartPolicy.equals("Never")) {
      errors.add(FieldError.invalid(path + ".template.spec.restartPolicy", restartPolicy, "only \"Never\" is supported when podFailurePolicy is specified"));
    }
  }

  private static void podFailurePolicy(JsonNode policy, String path, List<FieldError> errors) {
    int i = 0;
    for (JsonNode rule : policy.path("rules")) {
      String at = path + ".rules[" + i++ + "]";
      String action = rule.path("action").asText("");
      if (action.isEmpty()) {
        errors.add(FieldError.required(at + ".action", ""));
      } else if (!RULE_ACTIONS.contains(action)) {
        errors.add(FieldError.notSupported(at + ".action", action, RULE_ACTIONS));
      }
      boolean exitCodes = rule.path("onExitCodes").isObject();
      boolean conditions = rule.path("onPodConditions").isArray();
      if (exitCodes == conditions) {
        errors.add(FieldError.invalid(at, "", "specifying one of OnExitCodes and OnPodConditions is required"));
      }
      if (exitCodes) {
        String operator = rule.path("onExitCodes").path("operator").asText("");
        if (!EXIT_CODE_OPERATORS.contains(operator)) {
          errors.add(FieldError.notSupported(at + ".onExitCodes.operator", operator, EXIT_CODE_OPERATORS));
        }
        JsonNode values = rule.path("onExitCodes").path("values");
        if (!values.isArray() || values.isEmpty()) {
          errors.add(FieldError.required(at + ".onExitCodes.values", "at least one value is required"));
        }
      }
    }
  }

  private static void cronJob(ObjectNode cronJob, boolean create, List<FieldError> errors) {
    String name = KubeJson.name(cronJob);
    if (create && name.length() > MAX_CRONJOB_NAME) {
      errors.add(FieldError.invalid("metadata.name", name, "must be no more than %d characters".formatted(MAX_CRONJOB_NAME)));
    }
    JsonNode spec = cronJob.path("spec");
    String schedule = spec.path("schedule").asText("");
    if (schedule.isEmpty()) {
      errors.add(FieldError.required("spec.schedule", ""));
    } else {
      schedule(schedule, errors);
    }
    nonNegative(spec.path("startingDeadlineSeconds"), "spec.startingDeadlineSeconds", errors);
    nonNegative(spec.path("successfulJobsHistoryLimit"), "spec.successfulJobsHistoryLimit", errors);
    nonNegative(spec.path("failedJobsHistoryLimit"), "spec.failedJobsHistoryLimit", errors);
    if (spec.has("timeZone") && !spec.path("timeZone").isNull()) {
      timeZone(spec.path("timeZone").asText(), errors);
    }
    String concurrency = spec.path("concurrencyPolicy").asText("");
    if (concurrency.isEmpty()) {
      errors.add(FieldError.required("spec.concurrencyPolicy", ""));
    } else if (!CONCURRENCY_POLICIES.contains(concurrency)) {
      errors.add(FieldError.notSupported("spec.concurrencyPolicy", concurrency, CONCURRENCY_POLICIES));
    }
    jobSpec(spec.path("jobTemplate").path("spec"), "spec.jobTemplate.spec", errors);
  }

  static void schedule(String schedule, List<FieldError> errors) {
    try {
      CronSchedule.parse(schedule.replaceFirst("^(CRON_)?TZ=\\S*\\s*", ""));
    } catch (IllegalArgumentException e) {
      errors.add(FieldError.invalid("spec.schedule", schedule, e.getMessage()));
    }
    if (schedule.contains("TZ")) {
      errors.add(FieldError.invalid("spec.schedule", schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
    }
  }

  /** An IANA name Go's time.LoadLocation knows; never "Local", which would mean the server's zone. */
  static void timeZone(String zone, List<FieldError> errors) {
    if (zone.isEmpty()) {
      errors.add(FieldError.invalid("spec.timeZone", zone, "timeZone must be nil or non-empty string"));
      return;
    }
    for (String part : zone.split("/", -1)) {
      if (part.equals(".") || part.equals("..") || part.startsWith("-") || !TIME_ZONE_PART.matcher(part).matches()) {
        errors.add(FieldError.invalid("spec.timeZone", zone, "unknown time zone " + zone));
        return;
      }
    }
    if (zone.equalsIgnoreCase("Local")) {
      errors.add(FieldError.invalid("spec.timeZone", zone, "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"));
    } else if (!zone.equals("UTC") && !ZoneId.getAvailableZoneIds().contains(zone)) {
      errors.add(FieldError.invalid("spec.timeZone", zone, "unknown time zone " + zone));
    }
  }

  private static void nonNegative(JsonNode value, String path, List<FieldError> errors) {
    if (!value.isMissingNode() && !value.isNull() && value.asLong(0) < 0) {
      errors.add(FieldError.invalid(path, value.asText(), "must be greater than or equal to 0"));
    }
  }
}
