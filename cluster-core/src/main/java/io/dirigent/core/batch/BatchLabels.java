package io.dirigent.core.batch;

/** The labels and annotations Kubernetes puts on Jobs, CronJobs and their pods, by their names there. */
public final class BatchLabels {

  /** On a Job's pod template and selector (generated): the Job's uid. */
  public static final String CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
  /** On a Job's pod template: the Job's name. */
  public static final String JOB_NAME = "batch.kubernetes.io/job-name";
  /** The labels Kubernetes set before 1.27, which it still sets beside the new ones. */
  public static final String LEGACY_CONTROLLER_UID = "controller-uid";
  public static final String LEGACY_JOB_NAME = "job-name";
  /** On an Indexed Job's pod, annotation and label: its completion index. */
  public static final String COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";
  /** The environment variable an Indexed Job's containers read their index from. */
  public static final String COMPLETION_INDEX_ENV = "JOB_COMPLETION_INDEX";
  /** On a Job made by hand from a CronJob ({@code kubectl create job --from=cronjob/X}): {@code manual}. */
  public static final String INSTANTIATE = "cronjob.kubernetes.io/instantiate";
  /** On a Job a CronJob scheduled: the scheduled time, RFC 3339. */
  public static final String SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp";

  private BatchLabels() {}
}
