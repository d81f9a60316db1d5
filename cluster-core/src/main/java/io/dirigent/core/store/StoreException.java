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
}
