package io.dirigent.cli.client;

/** A failure the CLI reports as one line and a non-zero exit. */
public final class CliException extends RuntimeException {
  public CliException(String message) {
    super(message, null, false, false);
  }
}
