package io.dirigent.core.crd.schema;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The string formats a CRD schema may check, as Kubernetes checks them: apiextensions strips every
 * format outside its supported list before validating (so {@code int32}, {@code int64}, {@code
 * float} and {@code double} check nothing beyond the type, and unknown formats are ignored), and
 * kube-openapi's strfmt registry checks the rest. The checks follow strfmt's, quirks included —
 * {@code hostname}'s expression is anchored only at its start, so it mostly checks length.
 */
final class Formats {

  private static final Set<String> SUPPORTED = Set.of(
      "bsonobjectid", "uri", "email", "hostname", "ipv4", "ipv6", "cidr", "mac", "uuid", "uuid3",
      "uuid4", "uuid5", "isbn", "isbn10", "isbn13", "creditcard", "ssn", "hexcolor", "rgbcolor",
      "byte", "password", "date", "duration", "datetime");

  private static final Pattern HOSTNAME = Pattern.compile(
      "^[a-zA-Z0-9\\p{S}\\p{L}]((-?[a-zA-Z0-9\\p{S}\\p{L}]{0,62})?)|([a-zA-Z0-9\\p{S}\\p{L}](([a-zA-Z0-9-\\p{S}\\p{L}]{0,61}"
          + "[a-zA-Z0-9\\p{S}\\p{L}])?)(\\.)){1,}([a-zA-Z\\p{L}]){2,63}$");
  private static final Pattern UUID = Pattern.compile("(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$");
  private static final Pattern UUID3 = Pattern.compile("(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$");
  private static final Pattern UUID4 = Pattern.compile("(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$");
  private static final Pattern UUID5 = Pattern.compile("(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$");
  private static final Pattern TIME = Pattern.compile("^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$");
  private static final Pattern GO_DURATION = Pattern.compile("^[-+]?(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|ms|s|m|h))+$");
  private static final Pattern LOOSE_DURATION = Pattern.compile("([0-9]+)\\s*([A-Za-zµ]+)");
  private static final Set<String> DURATION_UNITS = Set.of(
      "ns", "nano", "us", "µs", "micro", "ms", "milli", "s", "sec", "m", "min", "h", "hr", "hour",
      "d", "day", "w", "wk", "week");
  private static final Pattern EMAIL = Pattern.compile("^(?:[^<>\\s]+|.*<[^<>\\s]+>)$");
  private static final Pattern EMAIL_ADDRESS = Pattern.compile("^[^<>@\\s\"]+@[^<>@\\s]+$");
  private static final Pattern MAC = Pattern.compile(
      "(?i)^(?:[0-9a-f]{2}(?::[0-9a-f]{2}){5}|[0-9a-f]{2}(?:-[0-9a-f]{2}){5}|[0-9a-f]{2}(?::[0-9a-f]{2}){7}"
          + "|[0-9a-f]{2}(?:-[0-9a-f]{2}){7}|[0-9a-f]{2}(?::[0-9a-f]{2}){19}|[0-9a-f]{2}(?:-[0-9a-f]{2}){19}"
          + "|[0-9a-f]{4}(?:\\.[0-9a-f]{4}){2}|[0-9a-f]{4}(?:\\.[0-9a-f]{4}){3}|[0-9a-f]{4}(?:\\.[0-9a-f]{4}){9})$");
  private static final Pattern BSON_OBJECT_ID = Pattern.compile("^[0-9a-fA-F]{24}$");
  private static final Pattern SSN = Pattern.compile("^\\d{3}[- ]?\\d{2}[- ]?\\d{4}$");
  private static final Pattern HEX_COLOR = Pattern.compile("^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$");
  private static final String OCTET = "\\s*(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])\\s*";
  private static final Pattern RGB_COLOR = Pattern.compile("^rgb\\(" + OCTET + "," + OCTET + "," + OCTET + "\\)$");
  private static final Pattern CREDIT_CARD = Pattern.compile(
      "^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|(222[1-9]|22[3-9][0-9]|2[3-6][0-9]{2}|27[01][0-9]|2720)[0-9]{12}"
          + "|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\\d{3})\\d{11}|6[27][0-9]{14})$");

  private Formats() {}

  /**
   * The format that is checked, "" for none: apiextensions' {@code
   * StripUnsupportedFormatsPostProcess} compares the name without dashes against its list.
   */
  static String supported(String format) {
    return SUPPORTED.contains(normal(format)) ? format : "";
  }

  /** Whether a string is of a supported format, as strfmt's default registry judges it. */
  static boolean valid(String format, String value) {
    return switch (normal(format)) {
      case "bsonobjectid" -> BSON_OBJECT_ID.matcher(value).matches();
      case "uri" -> isRequestUri(value);
      case "email" -> isEmail(value);
      case "hostname" -> isHostname(value);
      case "ipv4" -> value.contains(".") && Addresses.isIp(value);
      case "ipv6" -> value.contains(":") && Addresses.isIp(value);
      case "cidr" -> Addresses.isCidr(value);
      case "mac" -> MAC.matcher(value).matches();
      case "uuid" -> UUID.matcher(value).matches();
      case "uuid3" -> UUID3.matcher(value).matches();
      case "uuid4" -> UUID4.matcher(value).matches();
      case "uuid5" -> UUID5.matcher(value).matches();
      case "isbn" -> isIsbn10(value) || isIsbn13(value);
      case "isbn10" -> isIsbn10(value);
      case "isbn13" -> isIsbn13(value);
      case "creditcard" -> isCreditCard(value);
      case "ssn" -> SSN.matcher(value).matches();
      case "hexcolor" -> HEX_COLOR.matcher(value).matches();
      case "rgbcolor" -> RGB_COLOR.matcher(value).matches();
      case "byte" -> isBase64(value);
      case "date" -> isDate(value);
      case "datetime" -> isDateTime(value);
      case "duration" -> isDuration(value);
      default -> true;
    };
  }

  private static String normal(String format) {
    return format.replace("-", "").toLowerCase(Locale.ROOT);
  }

  private static boolean isHostname(String value) {
    if (!HOSTNAME.matcher(value).find() || value.length() > 255) {
      return false;
    }
    for (String label : value.split("\\.", -1)) {
      if (label.length() > 63) {
        return false;
      }
    }
    return true;
  }

  /** Go's {@code url.ParseRequestURI}: an absolute URI, or an absolute path. */
  private static boolean isRequestUri(String value) {
    try {
      URI uri = new URI(value);
      return uri.isAbsolute() || value.startsWith("/");
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** An approximation of Go's {@code mail.ParseAddress}: {@code a@b} or {@code Name <a@b>}. */
  private static boolean isEmail(String value) {
    String trimmed = value.trim();
    if (!EMAIL.matcher(trimmed).matches()) {
      return false;
    }
    int open = trimmed.lastIndexOf('<');
    String address = open >= 0 ? trimmed.substring(open + 1, trimmed.length() - 1) : trimmed;
    return EMAIL_ADDRESS.matcher(address).matches();
  }

  private static boolean isDate(String value) {
    if (value.length() != 10) {
      return false;
    }
    try {
      LocalDate.parse(value);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  /** strfmt's {@code IsDateTime}: a date, a {@code t}, and a time with a zone or {@code z}. */
  private static boolean isDateTime(String value) {
    if (value.length() < 4) {
      return false;
    }
    String[] parts = value.toLowerCase(Locale.ROOT).split("t", -1);
    if (parts.length < 2 || !isDate(parts[0])) {
      return false;
    }
    Matcher time = TIME.matcher(parts[1]);
    return time.find() && time.group(1).compareTo("23") <= 0 && time.group(2).compareTo("59") <= 0
        && time.group(3).compareTo("59") <= 0;
  }

  /** Go's {@code time.ParseDuration}, else strfmt's looser {@code 3 days} form. */
  private static boolean isDuration(String value) {
    if (value.matches("^[-+]?0$") || GO_DURATION.matcher(value).matches()) {
      return true;
    }
    Matcher loose = LOOSE_DURATION.matcher(value);
    while (loose.find()) {
      String unit = loose.group(2).toLowerCase(Locale.ROOT);
      if (DURATION_UNITS.contains(unit) || (unit.endsWith("s") && DURATION_UNITS.contains(unit.substring(0, unit.length() - 1)))) {
        return true;
      }
    }
    return false;
  }

  /** Go's {@code base64.StdEncoding}: padded, the standard alphabet; line breaks are ignored. */
  private static boolean isBase64(String value) {
    try {
      Base64.getDecoder().decode(value.replace("\r", "").replace("\n", ""));
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean isIsbn10(String value) {
    String digits = value.replace(" ", "").replace("-", "");
    if (!digits.matches("^(?:[0-9]{9}X|[0-9]{10})$")) {
      return false;
    }
    int sum = 0;
    for (int i = 0; i < 9; i++) {
      sum += (i + 1) * (digits.charAt(i) - '0');
    }
    int last = digits.charAt(9) == 'X' ? 10 : digits.charAt(9) - '0';
    return (sum + 10 * last) % 11 == 0;
  }

  private static boolean isIsbn13(String value) {
    String digits = value.replace(" ", "").replace("-", "");
    if (!digits.matches("^[0-9]{13}$")) {
      return false;
    }
    int sum = 0;
    for (int i = 0; i < 12; i++) {
      sum += (i % 2 == 0 ? 1 : 3) * (digits.charAt(i) - '0');
    }
    return (10 - sum % 10) % 10 == digits.charAt(12) - '0';
  }

  private static boolean isCreditCard(String value) {
    String digits = value.replaceAll("[^0-9]", "");
    if (!CREDIT_CARD.matcher(digits).matches()) {
      return false;
    }
    int sum = 0;
    boolean twice = false;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int digit = digits.charAt(i) - '0';
      if (twice) {
        digit *= 2;
        digit = digit > 9 ? digit - 9 : digit;
      }
      sum += digit;
      twice = !twice;
    }
    return sum % 10 == 0;
  }
}
