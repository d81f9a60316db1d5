package io.dirigent.core.validation;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Kubernetes' name and label rules ({@code k8s.io/apimachinery/pkg/util/validation} and {@code
 * api/validation/path}). Each check returns every problem it finds, worded as Kubernetes words
 * it, or an empty list when the value is valid. Lengths count UTF-8 bytes, as Go's {@code len}.
 */
public final class NameRules {

  /** Longest DNS-1123 label, so longest name of a {@link NameRule#DNS1123_LABEL} kind. */
  public static final int DNS1123_LABEL_MAX_LENGTH = 63;
  /** Longest DNS-1123 subdomain. */
  public static final int DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
  /** Longest name part of a qualified name (a label or annotation key without its prefix). */
  public static final int QUALIFIED_NAME_MAX_LENGTH = 63;
  /** Longest label value. */
  public static final int LABEL_VALUE_MAX_LENGTH = 63;
  /** Kubernetes' {@code IANA_SVC_NAME} maximum length. */
  public static final int IANA_SVC_NAME_MAX_LENGTH = 15;

  /** Which rule a kind's object names follow, so a resource registry can say it once per kind. */
  public enum NameRule {
    /** Most kinds: pods, nodes, deployments, config maps, ... */
    DNS1123_SUBDOMAIN,
    /** Kinds whose names become DNS labels: namespaces, services. */
    DNS1123_LABEL,
    /** Kinds whose names only need to be a safe URL path segment. */
    PATH_SEGMENT;

    /** The problems with {@code name} as an object name of a kind following this rule. */
    public List<String> check(String name) {
      return switch (this) {
        case DNS1123_SUBDOMAIN -> dns1123Subdomain(name);
        case DNS1123_LABEL -> dns1123Label(name);
        case PATH_SEGMENT -> pathSegmentName(name);
      };
    }

    /**
     * The problems with {@code generateName}, a prefix the server appends random characters to:
     * a trailing dash is allowed, and a path segment prefix may be "." or "..".
     */
    public List<String> checkGenerateName(String generateName) {
      return switch (this) {
        case DNS1123_SUBDOMAIN -> dns1123Subdomain(maskTrailingDash(generateName));
        case DNS1123_LABEL -> dns1123Label(maskTrailingDash(generateName));
        case PATH_SEGMENT -> pathSegmentPrefix(generateName);
      };
    }
  }

  // The formats are quoted in messages exactly as Kubernetes quotes them. Matching uses an
  // equivalent pattern that cannot backtrack, because names arrive from clients at any length.
  private static final String DNS1123_LABEL_FORMAT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  private static final String DNS1035_LABEL_FORMAT = "[a-z]([-a-z0-9]*[a-z0-9])?";
  private static final String DNS1123_SUBDOMAIN_FORMAT =
      DNS1123_LABEL_FORMAT + "(\\." + DNS1123_LABEL_FORMAT + ")*";
  private static final String QUALIFIED_NAME_FORMAT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
  private static final String LABEL_VALUE_FORMAT = "(" + QUALIFIED_NAME_FORMAT + ")?";

  private static final String LABEL_MATCHER = "[a-z0-9](?:-*+[a-z0-9])*+";
  private static final Pattern LABEL_PATTERN = Pattern.compile(LABEL_MATCHER);
  private static final Pattern DNS1035_LABEL_PATTERN = Pattern.compile("[a-z](?:-*+[a-z0-9])*+");
  private static final Pattern SUBDOMAIN_PATTERN =
      Pattern.compile(LABEL_MATCHER + "(?:\\." + LABEL_MATCHER + ")*+");
  private static final Pattern QUALIFIED_NAME_PATTERN =
      Pattern.compile("[A-Za-z0-9](?:[-_.]*+[A-Za-z0-9])*+");

  private static final String DNS1123_LABEL_MESSAGE =
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and"
          + " must start and end with an alphanumeric character";
  private static final String DNS1123_SUBDOMAIN_MESSAGE =
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or"
          + " '.', and must start and end with an alphanumeric character";
  private static final String WILDCARD_DNS1123_SUBDOMAIN_MESSAGE =
      "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case"
          + " alphanumeric characters, '-' or '.' and end with an alphanumeric character";
  private static final String DNS1035_LABEL_MESSAGE =
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an"
          + " alphabetic character, and end with an alphanumeric character";
  private static final String QUALIFIED_NAME_MESSAGE =
      "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an"
          + " alphanumeric character";
  private static final String LABEL_VALUE_MESSAGE =
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or"
          + " '.', and must start and end with an alphanumeric character";

  private NameRules() {}

  /** A DNS-1123 subdomain: dot-separated lower case labels, at most 253 bytes in all. */
  public static List<String> dns1123Subdomain(String value) {
    List<String> problems = new ArrayList<>();
    if (byteLength(value) > DNS1123_SUBDOMAIN_MAX_LENGTH) {
      problems.add(maxLengthError(DNS1123_SUBDOMAIN_MAX_LENGTH));
    }
    if (!SUBDOMAIN_PATTERN.matcher(value).matches()) {
      problems.add(
          regexError(DNS1123_SUBDOMAIN_MESSAGE, DNS1123_SUBDOMAIN_FORMAT, "example.com"));
    }
    return List.copyOf(problems);
  }

  /**
   * A wildcard DNS-1123 subdomain, the form of an Ingress host that matches every name one level
   * below a domain: {@code *.} and then a DNS-1123 subdomain, at most 253 bytes in all.
   */
  public static List<String> wildcardDns1123Subdomain(String value) {
    List<String> problems = new ArrayList<>();
    if (byteLength(value) > DNS1123_SUBDOMAIN_MAX_LENGTH) {
      problems.add(maxLengthError(DNS1123_SUBDOMAIN_MAX_LENGTH));
    }
    if (!value.startsWith("*.") || !SUBDOMAIN_PATTERN.matcher(value.substring(2)).matches()) {
      problems.add(regexError(WILDCARD_DNS1123_SUBDOMAIN_MESSAGE, "\\*\\." + DNS1123_SUBDOMAIN_FORMAT, "*.example.com"));
    }
    return List.copyOf(problems);
  }

  /** A DNS-1123 label: lower case alphanumerics and '-', at most 63 bytes. */
  public static List<String> dns1123Label(String value) {
    List<String> problems = new ArrayList<>();
    if (byteLength(value) > DNS1123_LABEL_MAX_LENGTH) {
      problems.add(maxLengthError(DNS1123_LABEL_MAX_LENGTH));
    }
    if (!LABEL_PATTERN.matcher(value).matches()) {
      // A valid subdomain that is not a valid label can only be wrong by its dots.
      if (SUBDOMAIN_PATTERN.matcher(value).matches()) {
        problems.add("must not contain dots");
      } else {
        problems.add(
            regexError(DNS1123_LABEL_MESSAGE, DNS1123_LABEL_FORMAT, "my-name", "123-abc"));
      }
    }
    return List.copyOf(problems);
  }

  /**
   * A DNS-1035 label: a DNS-1123 label that starts with a letter, the form of names that become
   * identifiers, such as a custom resource's plural or an API version.
   */
  public static List<String> dns1035Label(String value) {
    List<String> problems = new ArrayList<>();
    if (byteLength(value) > DNS1123_LABEL_MAX_LENGTH) {
      problems.add(maxLengthError(DNS1123_LABEL_MAX_LENGTH));
    }
    if (!DNS1035_LABEL_PATTERN.matcher(value).matches()) {
      problems.add(regexError(DNS1035_LABEL_MESSAGE, DNS1035_LABEL_FORMAT, "my-name", "abc-123"));
    }
    return List.copyOf(problems);
  }

  /**
   * An IANA service name (RFC 6335), the form of a named container port: at most 15 lower case
   * alphanumerics and '-', at least one letter, no '-' at either end or twice in a row.
   */
  public static List<String> ianaServiceName(String value) {
    List<String> problems = new ArrayList<>();
    if (value.length() > IANA_SVC_NAME_MAX_LENGTH) {
      problems.add(maxLengthError(IANA_SVC_NAME_MAX_LENGTH));
    }
    if (!value.matches("[-a-z0-9]*")) {
      problems.add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if (value.contains("--")) {
      problems.add("must not contain consecutive hyphens");
    }
    if (!value.matches(".*[a-z].*")) {
      problems.add("must contain at least one letter (a-z)");
    }
    if (value.startsWith("-") || value.endsWith("-")) {
      problems.add("must not begin or end with a hyphen");
    }
    return List.copyOf(problems);
  }

  /**
   * A name that can be one segment of a URL path: not "." or "..", no '/' and no '%', at most 253
   * characters.
   */
  public static List<String> pathSegmentName(String value) {
    if (value.equals(".") || value.equals("..")) {
      return List.of("may not be '" + value + "'");
    }
    return pathSegmentPrefix(value);
  }

  /**
   * A qualified name, the form of label and annotation keys: an optional DNS-1123 subdomain
   * prefix and '/', then a name of at most 63 alphanumerics, '-', '_' or '.', starting and ending
   * with an alphanumeric.
   */
  public static List<String> qualifiedName(String value) {
    List<String> problems = new ArrayList<>();
    String[] parts = value.split("/", -1);
    String name;
    switch (parts.length) {
      case 1 -> name = parts[0];
      case 2 -> {
        String prefix = parts[0];
        name = parts[1];
        if (prefix.isEmpty()) {
          problems.add("prefix part " + emptyError());
        } else {
          dns1123Subdomain(prefix).forEach(problem -> problems.add("prefix part " + problem));
        }
      }
      default -> {
        problems.add(
            "a qualified name "
                + regexError(
                    QUALIFIED_NAME_MESSAGE, QUALIFIED_NAME_FORMAT, "MyName", "my.name", "123-abc")
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
        return List.copyOf(problems);
      }
    }
    if (name.isEmpty()) {
      problems.add("name part " + emptyError());
    } else if (byteLength(name) > QUALIFIED_NAME_MAX_LENGTH) {
      problems.add("name part " + maxLengthError(QUALIFIED_NAME_MAX_LENGTH));
    }
    if (!QUALIFIED_NAME_PATTERN.matcher(name).matches()) {
      problems.add(
          "name part "
              + regexError(
                  QUALIFIED_NAME_MESSAGE, QUALIFIED_NAME_FORMAT, "MyName", "my.name", "123-abc"));
    }
    return List.copyOf(problems);
  }

  /** A label value: empty, or at most 63 bytes as the name part of a qualified name. */
  public static List<String> labelValue(String value) {
    List<String> problems = new ArrayList<>();
    if (byteLength(value) > LABEL_VALUE_MAX_LENGTH) {
      problems.add(maxLengthError(LABEL_VALUE_MAX_LENGTH));
    }
    if (!value.isEmpty() && !QUALIFIED_NAME_PATTERN.matcher(value).matches()) {
      problems.add(
          regexError(LABEL_VALUE_MESSAGE, LABEL_VALUE_FORMAT, "MyValue", "my_value", "12345"));
    }
    return List.copyOf(problems);
  }

  static List<String> pathSegmentPrefix(String value) {
    List<String> problems = new ArrayList<>();
    // Kubernetes sets no length here; the store's keys need one, and no real name comes near it.
    if (value.length() > DNS1123_SUBDOMAIN_MAX_LENGTH) {
      problems.add(maxLengthError(DNS1123_SUBDOMAIN_MAX_LENGTH));
    }
    for (String illegal : List.of("/", "%")) {
      if (value.contains(illegal)) {
        problems.add("may not contain '" + illegal + "'");
      }
    }
    return List.copyOf(problems);
  }

  /**
   * Kubernetes' {@code maskTrailingDash}, kept with its quirk: it drops the last two characters,
   * not one, before appending a letter. Changing that would change which prefixes validate.
   */
  static String maskTrailingDash(String name) {
    if (name.length() > 1 && name.endsWith("-")) {
      return name.substring(0, name.length() - 2) + "a";
    }
    return name;
  }

  static int byteLength(String value) {
    return value.getBytes(StandardCharsets.UTF_8).length;
  }

  private static String maxLengthError(int length) {
    return "must be no more than " + length + " characters";
  }

  private static String emptyError() {
    return "must be non-empty";
  }

  /** Kubernetes' {@code RegexError}, down to the doubled space before each " or". */
  private static String regexError(String message, String format, String... examples) {
    StringBuilder error = new StringBuilder(message).append(" (e.g. ");
    for (int i = 0; i < examples.length; i++) {
      error.append(i > 0 ? " or " : "").append('\'').append(examples[i]).append("', ");
    }
    return error.append("regex used for validation is '").append(format).append("')").toString();
  }
}
