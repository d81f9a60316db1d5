package io.dirigent.core.validation;

import java.util.Collection;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One problem with one field of an object, as Kubernetes' {@code field.Error}. A list of these
 * becomes the {@code details.causes} of an {@code Invalid} status, and {@link #message()} is
 * worded exactly as the Kubernetes API server words it, e.g.
 *
 * <pre>
 * metadata.name: Invalid value: "Foo_Bar": a lowercase RFC 1123 subdomain must consist of ...
 * metadata.name: Required value: name or generateName is required
 * </pre>
 *
 * @param field the path of the field, e.g. {@code metadata.labels} or {@code spec.containers[0]}
 * @param type what kind of problem it is
 * @param badValue the offending value; shown only by {@link Type#INVALID}, {@link
 *     Type#DUPLICATE} and {@link Type#NOT_SUPPORTED}, where null renders as {@code null}
 * @param detail what is wrong and what would be accepted; "" when the type says enough
 */
public record FieldError(String field, Type type, String badValue, String detail) {

  /** The kinds of field problems, each carrying the Kubernetes {@code StatusCause} reason. */
  public enum Type {
    INVALID("FieldValueInvalid", "Invalid value"),
    REQUIRED("FieldValueRequired", "Required value"),
    DUPLICATE("FieldValueDuplicate", "Duplicate value"),
    TOO_LONG("FieldValueTooLong", "Too long"),
    NOT_SUPPORTED("FieldValueNotSupported", "Unsupported value"),
    FORBIDDEN("FieldValueForbidden", "Forbidden"),
    NOT_FOUND("FieldValueNotFound", "Not found");

    private final String reason;
    private final String summary;

    Type(String reason, String summary) {
      this.reason = reason;
      this.summary = summary;
    }

    /** The {@code reason} of a Kubernetes {@code StatusCause}, e.g. {@code FieldValueInvalid}. */
    public String reason() {
      return reason;
    }

    /** The words that open the message body, e.g. {@code Invalid value}. */
    public String summary() {
      return summary;
    }

    private boolean showsValue() {
      return this == INVALID || this == DUPLICATE || this == NOT_SUPPORTED || this == NOT_FOUND;
    }
  }

  public FieldError {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(type, "type");
    detail = detail == null ? "" : detail;
  }

  /** The value is malformed: it fails a format, a range or a cross-field rule. */
  public static FieldError invalid(String field, String badValue, String detail) {
    return new FieldError(field, Type.INVALID, badValue, detail);
  }

  /** A value that must be set is missing; {@code detail} may be "" when the path says enough. */
  public static FieldError required(String field, String detail) {
    return new FieldError(field, Type.REQUIRED, null, detail);
  }

  /** The value collides with another that must be unique, e.g. two containers' names. */
  public static FieldError duplicate(String field, String badValue) {
    return new FieldError(field, Type.DUPLICATE, badValue, "");
  }

  /**
   * The value is longer than {@code maxLength} bytes; the value itself is not repeated back. A
   * negative {@code maxLength} says only that it is too long.
   */
  public static FieldError tooLong(String field, int maxLength) {
    String detail;
    if (maxLength < 0) {
      detail = "value is too long";
    } else {
      detail = "may not be more than %d %s".formatted(maxLength, maxLength == 1 ? "byte" : "bytes");
    }
    return new FieldError(field, Type.TOO_LONG, null, detail);
  }

  /** The value is not one of an enumeration; {@code supported} lists the accepted ones. */
  public static FieldError notSupported(
      String field, String badValue, Collection<String> supported) {
    String detail = "";
    if (supported != null && !supported.isEmpty()) {
      detail =
          supported.stream()
              .map(FieldError::quote)
              .collect(Collectors.joining(", ", "supported values: ", ""));
    }
    return new FieldError(field, Type.NOT_SUPPORTED, badValue, detail);
  }

  /** The value refers to something that is not there, e.g. a volume mount to an undeclared volume. */
  public static FieldError notFound(String field, String badValue) {
    return new FieldError(field, Type.NOT_FOUND, badValue, "");
  }

  /** The value is well formed but not allowed here, e.g. a namespace on a cluster-scoped kind. */
  public static FieldError forbidden(String field, String detail) {
    return new FieldError(field, Type.FORBIDDEN, null, detail);
  }

  /** The whole message, {@code <field>: <body>}, as Kubernetes' {@code field.Error.Error()}. */
  public String message() {
    return field + ": " + body();
  }

  /** The message without the field path, as Kubernetes' {@code ErrorBody()}. */
  public String body() {
    StringBuilder body = new StringBuilder(type.summary());
    if (type.showsValue()) {
      body.append(": ").append(badValue == null ? "null" : quote(badValue));
    }
    if (!detail.isEmpty()) {
      body.append(": ").append(detail);
    }
    return body.toString();
  }

  @Override
  public String toString() {
    return message();
  }

  /** Quotes as Go's {@code %q} does, so values with quotes or control characters read alike. */
  private static String quote(String value) {
    StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
    value.codePoints().forEach(c -> appendQuoted(quoted, c));
    return quoted.append('"').toString();
  }

  private static void appendQuoted(StringBuilder out, int c) {
    switch (c) {
      case '"' -> out.append("\\\"");
      case '\\' -> out.append("\\\\");
      case 0x07 -> out.append("\\a");
      case '\b' -> out.append("\\b");
      case '\f' -> out.append("\\f");
      case '\n' -> out.append("\\n");
      case '\r' -> out.append("\\r");
      case '\t' -> out.append("\\t");
      case 0x0b -> out.append("\\v");
      default -> {
        if (isPrintable(c)) {
          out.appendCodePoint(c);
        } else if (c < 0x80) {
          out.append("\\x%02x".formatted(c));
        } else if (c < 0x10000) {
          out.append("\\u%04x".formatted(c));
        } else {
          out.append("\\U%08x".formatted(c));
        }
      }
    }
  }

  /** Go's {@code unicode.IsPrint}: letters, marks, numbers, punctuation, symbols and ' '. */
  private static boolean isPrintable(int c) {
    if (c < 0x80) {
      return c >= 0x20 && c < 0x7f;
    }
    return switch (Character.getType(c)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.SURROGATE,
          Character.PRIVATE_USE,
          Character.UNASSIGNED,
          Character.SPACE_SEPARATOR,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR -> false;
      default -> true;
    };
  }
}
