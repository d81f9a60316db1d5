package io.dirigent.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Kubernetes' defaults for batch/v1 (pkg/apis/batch/v1/defaults.go): a Job runs one pod to one
 * completion, retries six times, NonIndexed, not suspended, replacing pods once they are
 * terminating or failed; a CronJob allows concurrent runs and keeps three successful Jobs and one
 * failed. A CronJob's job template gets only its pod template's defaults, as in Kubernetes.
 */
final class BatchDefaults {

  private BatchDefaults() {}

  static void job(ObjectNode job) {
    ObjectNode spec = Defaults.child(job, "spec");
    if (!spec.hasNonNull("completions") && !spec.hasNonNull("parallelism")) {
      spec.put("completions", 1);
      spec.put("parallelism", 1);
    }
    Defaults.putIfAbsent(spec, "parallelism", 1);
    Defaults.putIfAbsent(spec, "backoffLimit", 6);
    Defaults.putIfAbsent(spec, "completionMode", "NonIndexed");
    Defaults.putIfAbsent(spec, "suspend", false);
    Defaults.putIfAbsent(spec, "podReplacementPolicy", spec.path("podFailurePolicy").isObject() ? "Failed" : "TerminatingOrFailed");
    podFailurePolicy(spec.path("podFailurePolicy"));
    Defaults.podSpec(Defaults.child(Defaults.child(spec, "template"), "spec"));
  }

  static void cronJob(ObjectNode cronJob) {
    ObjectNode spec = Defaults.child(cronJob, "spec");
    Defaults.putIfAbsent(spec, "concurrencyPolicy", "Allow");
    Defaults.putIfAbsent(spec, "suspend", false);
    Defaults.putIfAbsent(spec, "successfulJobsHistoryLimit", 3);
    Defaults.putIfAbsent(spec, "failedJobsHistoryLimit", 1);
    ObjectNode jobSpec = Defaults.child(Defaults.child(spec, "jobTemplate"), "spec");
    podFailurePolicy(jobSpec.path("podFailurePolicy"));
    Defaults.podSpec(Defaults.child(Defaults.child(jobSpec, "template"), "spec"));
  }

  /** A rule's pod condition pattern matches status True unless it says otherwise. */
  private static void podFailurePolicy(JsonNode policy) {
    for (JsonNode rule : policy.path("rules")) {
      for (JsonNode pattern : rule.path("onPodConditions")) {
        if (pattern instanceof ObjectNode p) {
          Defaults.putIfAbsent(p, "status", "True");
        }
      }
    }
  }
}
