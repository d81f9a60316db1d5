package io.dirigent.core.store;

/** A store operation that was refused; carries the {@link StoreError} to report. */
public final class StoreException extends RuntimeException {

  private final StoreError error;

  public StoreException(StoreError error) {
    super(error.message(), null, false, false);
    this.error = error;
  }

  public StoreError error() {
    return error;
  }

  public StoreError.Reason reason() {
    return error.reason();
  }

  /** What failed, out of the CompletionException a stage wraps it in. */
  public static Throwable cause(Throwable failure) {
    return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }

  /** Whether {@code failure} (wrapped by a stage or not) is the store's refusal for {@code reason}. */
  public static boolean is(Throwable failure, StoreError.Reason reason) {
    return cause(failure) instanceof StoreException e && e.reason() == reason;
  }
}
