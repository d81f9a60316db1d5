package io.dirigent.core.store;

/**
 * Who writes, and whether to only check.
 *
 * @param user recorded in the object's history; null when unknown
 * @param dryRun validate and compute the result without persisting it
 */
public record WriteOptions(String user, boolean dryRun) {
  public static final WriteOptions DEFAULT = new WriteOptions(null, false);

  public static WriteOptions by(String user) {
    return new WriteOptions(user, false);
  }

  public WriteOptions asDryRun() {
    return new WriteOptions(user, true);
  }
}
