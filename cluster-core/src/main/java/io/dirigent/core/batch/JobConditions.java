package io.dirigent.core.batch;

/**
 * The Job condition types and reasons of Kubernetes 1.31, whose Job controller marks the outcome
 * first ({@link #SUCCESS_CRITERIA_MET}, {@link #FAILURE_TARGET}) and the end ({@link #COMPLETE},
 * {@link #FAILED}) once none of its pods is left running.
 */
public final class JobConditions {

  public static final String COMPLETE = "Complete";
  public static final String FAILED = "Failed";
  public static final String SUSPENDED = "Suspended";
  public static final String FAILURE_TARGET = "FailureTarget";
  public static final String SUCCESS_CRITERIA_MET = "SuccessCriteriaMet";

  public static final String COMPLETIONS_REACHED = "CompletionsReached";
  public static final String BACKOFF_LIMIT_EXCEEDED = "BackoffLimitExceeded";
  public static final String DEADLINE_EXCEEDED = "DeadlineExceeded";
  public static final String POD_FAILURE_POLICY = "PodFailurePolicy";
  public static final String JOB_SUSPENDED = "JobSuspended";
  public static final String JOB_RESUMED = "JobResumed";

  public static final String COMPLETIONS_REACHED_MESSAGE = "Reached expected number of succeeded pods";
  public static final String BACKOFF_LIMIT_EXCEEDED_MESSAGE = "Job has reached the specified backoff limit";
  public static final String DEADLINE_EXCEEDED_MESSAGE = "Job was active longer than specified deadline";

  private JobConditions() {}
}
