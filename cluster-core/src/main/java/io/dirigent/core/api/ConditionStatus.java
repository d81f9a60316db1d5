package io.dirigent.core.api;

/** The statuses of every kind's conditions (pods, nodes, Deployments), as the API writes them. */
public final class ConditionStatus {

  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

  private ConditionStatus() {}

  /** {@link #TRUE} or {@link #FALSE}. */
  public static String of(boolean value) {
    return value ? TRUE : FALSE;
  }
}
