package io.dirigent.node;

import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import java.util.Set;
import java.util.concurrent.CompletionException;

/** What failed, out of the completion exceptions stages wrap failures in. */
final class Failures {

  private Failures() {}

  static Throwable cause(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** The innermost cause: what the operating system or the far side said, without the layers that passed it on. */
  static Throwable root(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** Whether the failure is the store's, for one of {@code reasons}. */
  static boolean storeSaid(Throwable failure, StoreError.Reason... reasons) {
    return cause(failure) instanceof StoreException e && Set.of(reasons).contains(e.reason());
  }
}
