package io.dirigent.core.store;

import io.dirigent.core.CborSerializable;
import io.dirigent.core.validation.FieldError;
import java.util.List;
import java.util.Objects;

/**
 * Why the store refused an operation, in the terms of a Kubernetes {@code Status}: the API server
 * maps {@link Reason} to the HTTP code and reason, and {@code causes} to {@code details.causes}.
 *
 * @param reason the kind of failure
 * @param message one sentence a user can act on
 * @param causes one per bad field, for {@link Reason#INVALID}
 * @param name the object the failure is about, when there is one (a Status names it in its
 *     details; kubectl prints it); may be null
 */
public record StoreError(Reason reason, String message, List<FieldError> causes, String name)
    implements CborSerializable {

  /** Failure kinds, each with the HTTP code and Kubernetes reason it is reported as. */
  public enum Reason {
    NOT_FOUND(404, "NotFound"),
    ALREADY_EXISTS(409, "AlreadyExists"),
    CONFLICT(409, "Conflict"),
    INVALID(422, "Invalid"),
    BAD_REQUEST(400, "BadRequest"),
    FORBIDDEN(403, "Forbidden"),
    METHOD_NOT_ALLOWED(405, "MethodNotAllowed"),
    GONE(410, "Expired"),
    TOO_LARGE(413, "RequestEntityTooLarge"),
    INTERNAL(500, "InternalError"),
    UNAVAILABLE(503, "ServiceUnavailable"),
    TIMEOUT(504, "Timeout");

    private final int code;
    private final String status;

    Reason(int code, String status) {
      this.code = code;
      this.status = status;
    }

    public int code() {
      return code;
    }

    /** The {@code reason} field of a Kubernetes Status. */
    public String status() {
      return status;
    }
  }

  public StoreError {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
    causes = causes == null ? List.of() : List.copyOf(causes);
  }

  public StoreError(Reason reason, String message, List<FieldError> causes) {
    this(reason, message, causes, null);
  }

  public static StoreError of(Reason reason, String message) {
    return new StoreError(reason, message, List.of());
  }

  public static StoreError notFound(String resource, String name) {
    return new StoreError(Reason.NOT_FOUND, "%s \"%s\" not found".formatted(resource, name), List.of(), name);
  }

  public static StoreError alreadyExists(String resource, String name) {
    return new StoreError(Reason.ALREADY_EXISTS, "%s \"%s\" already exists".formatted(resource, name), List.of(), name);
  }

  public static StoreError modified(String resource, String name) {
    return new StoreError(
        Reason.CONFLICT,
        ("Operation cannot be fulfilled on %s \"%s\": the object has been modified; please apply"
                + " your changes to the latest version and try again")
            .formatted(resource, name), List.of(), name);
  }

  /** A validation failure naming every bad field, worded as Kubernetes words it. */
  public static StoreError invalid(String kind, String name, List<FieldError> causes) {
    StringBuilder message = new StringBuilder("%s \"%s\" is invalid: ".formatted(kind, name));
    if (causes.size() == 1) {
      message.append(causes.get(0).message());
    } else {
      message.append('[');
      for (int i = 0; i < causes.size(); i++) {
        message.append(i == 0 ? "" : ", ").append(causes.get(i).message());
      }
      message.append(']');
    }
    return new StoreError(Reason.INVALID, message.toString(), causes, name);
  }

  /** The failure as an exception, for completing a {@code CompletionStage}. */
  public StoreException toException() {
    return new StoreException(this);
  }
}
