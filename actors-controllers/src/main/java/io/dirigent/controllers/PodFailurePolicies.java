package io.dirigent.controllers;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicy;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyOnExitCodesRequirement;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyOnPodConditionsPattern;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Job's podFailurePolicy applied to one failed pod, as Kubernetes' matchPodFailurePolicy: the
 * first rule that matches decides — on a container that exited non-zero with a code the rule
 * lists (In) or does not (NotIn), or on a pod condition such as {@code DisruptionTarget}. No
 * rule matching counts the failure, as {@code Count} does.
 */
final class PodFailurePolicies {

  /** What a rule does with the failure: fail the Job, not count it, or count it toward backoffLimit. */
  enum Action { FAIL_JOB, IGNORE, COUNT }

  /** The decision, and for {@code FAIL_JOB} the message the Job's condition carries. */
  record Verdict(Action action, String message) {
    static final Verdict COUNTED = new Verdict(Action.COUNT, "");
  }

  private PodFailurePolicies() {}

  static Verdict judge(PodFailurePolicy policy, Pod pod) {
    if (policy == null || policy.getRules() == null) {
      return Verdict.COUNTED;
    }
    String podKey = Cache.key(pod);
    List<PodFailurePolicyRule> rules = policy.getRules();
    for (int i = 0; i < rules.size(); i++) {
      PodFailurePolicyRule rule = rules.get(i);
      int index = i;
      Optional<String> matched = rule.getOnExitCodes() != null
          ? exitCode(rule.getOnExitCodes(), pod).map(c -> "Container %s for pod %s failed with exit code %d matching %s rule at index %d"
              .formatted(c.getName(), podKey, c.getState().getTerminated().getExitCode(), rule.getAction(), index))
          : condition(rule.getOnPodConditions(), pod).map(type -> "Pod %s has condition %s matching %s rule at index %d"
              .formatted(podKey, type, rule.getAction(), index));
      if (matched.isPresent()) {
        return switch (rule.getAction()) {
          case "FailJob" -> new Verdict(Action.FAIL_JOB, matched.get());
          case "Ignore" -> new Verdict(Action.IGNORE, "");
          default -> Verdict.COUNTED;
        };
      }
    }
    return Verdict.COUNTED;
  }

  /** The first container that exited non-zero with a code the requirement selects. */
  private static Optional<ContainerStatus> exitCode(PodFailurePolicyOnExitCodesRequirement requirement, Pod pod) {
    if (pod.getStatus() == null) {
      return Optional.empty();
    }
    List<ContainerStatus> statuses = new ArrayList<>();
    if (pod.getStatus().getInitContainerStatuses() != null) {
      statuses.addAll(pod.getStatus().getInitContainerStatuses());
    }
    if (pod.getStatus().getContainerStatuses() != null) {
      statuses.addAll(pod.getStatus().getContainerStatuses());
    }
    List<Integer> values = requirement.getValues() == null ? List.of() : requirement.getValues();
    for (ContainerStatus status : statuses) {
      if (status.getState() == null || status.getState().getTerminated() == null) {
        continue;
      }
      int code = status.getState().getTerminated().getExitCode() == null ? 0 : status.getState().getTerminated().getExitCode();
      if (code == 0 || (requirement.getContainerName() != null && !requirement.getContainerName().equals(status.getName()))) {
        continue;
      }
      boolean listed = values.contains(code);
      if ("In".equals(requirement.getOperator()) ? listed : !listed) {
        return Optional.of(status);
      }
    }
    return Optional.empty();
  }

  private static Optional<String> condition(List<PodFailurePolicyOnPodConditionsPattern> patterns, Pod pod) {
    if (patterns == null || pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    for (PodFailurePolicyOnPodConditionsPattern pattern : patterns) {
      String status = pattern.getStatus() == null ? "True" : pattern.getStatus();
      for (PodCondition condition : pod.getStatus().getConditions()) {
        if (pattern.getType().equals(condition.getType()) && status.equals(condition.getStatus())) {
          return Optional.of(condition.getType());
        }
      }
    }
    return Optional.empty();
  }
}
