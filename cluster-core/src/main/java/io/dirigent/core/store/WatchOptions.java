package io.dirigent.core.store;

/**
 * Which changes a watch delivers, and from where.
 *
 * @param filter which objects
 * @param resourceVersion resume after this version; null or "0" starts with the current
 *     objects as ADDED events, as Kubernetes does
 * @param bookmarks whether to send periodic BOOKMARK events
 */
public record WatchOptions(ObjectFilter filter, String resourceVersion, boolean bookmarks) {
  public WatchOptions {
    filter = filter == null ? ObjectFilter.ALL : filter;
  }

  public static WatchOptions from(ObjectFilter filter, String resourceVersion) {
    return new WatchOptions(filter, resourceVersion, false);
  }

  /** The version to resume after, or null to start from the current objects. */
  Long startVersion() {
    if (resourceVersion == null || resourceVersion.isEmpty() || resourceVersion.equals("0")) {
      return null;
    }
    try {
      return Long.parseLong(resourceVersion);
    } catch (NumberFormatException e) {
      throw StoreError.of(StoreError.Reason.BAD_REQUEST, "invalid resourceVersion: " + resourceVersion).toException();
    }
  }
}
