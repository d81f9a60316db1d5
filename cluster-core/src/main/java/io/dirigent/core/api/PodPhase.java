package io.dirigent.core.api;

/**
 * A pod's {@code status.phase}, as Kubernetes names them. A pod without a phase yet is
 * {@link #PENDING}; a phase this server does not know reads as {@link #UNKNOWN}.
 */
public enum PodPhase {
  PENDING("Pending"),
  RUNNING("Running"),
  SUCCEEDED("Succeeded"),
  FAILED("Failed"),
  UNKNOWN("Unknown");

  private final String value;

  PodPhase(String value) {
    this.value = value;
  }

  /** The phase as the API writes it. */
  public String value() {
    return value;
  }

  /** Whether a pod in this phase has finished for good: its containers will not run again. */
  public boolean terminal() {
    return this == SUCCEEDED || this == FAILED;
  }

  /** The phase {@code value} names; empty or absent is {@link #PENDING}. */
  public static PodPhase of(String value) {
    if (value == null || value.isEmpty()) {
      return PENDING;
    }
    for (PodPhase phase : values()) {
      if (phase.value.equals(value)) {
        return phase;
      }
    }
    return UNKNOWN;
  }

  /** The phase of a typed pod. */
  public static PodPhase of(io.fabric8.kubernetes.api.model.Pod pod) {
    return of(pod.getStatus() == null ? null : pod.getStatus().getPhase());
  }

  /** The phase of a pod in the store's JSON form. */
  public static PodPhase of(com.fasterxml.jackson.databind.JsonNode pod) {
    return of(pod.path("status").path("phase").asText(""));
  }
}
