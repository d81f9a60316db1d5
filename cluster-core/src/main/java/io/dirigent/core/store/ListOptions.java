package io.dirigent.core.store;

/**
 * Which objects a list returns, and how many at a time.
 *
 * @param filter which objects
 * @param limit at most this many (0: all)
 * @param continueToken from the previous page, to continue at its resourceVersion
 */
public record ListOptions(ObjectFilter filter, int limit, String continueToken) {
  public static final ListOptions ALL = new ListOptions(ObjectFilter.ALL, 0, null);

  public ListOptions {
    filter = filter == null ? ObjectFilter.ALL : filter;
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative");
    }
  }

  public static ListOptions of(ObjectFilter filter) {
    return new ListOptions(filter, 0, null);
  }

  public ListOptions page(int limit, String continueToken) {
    return new ListOptions(filter, limit, continueToken);
  }
}
