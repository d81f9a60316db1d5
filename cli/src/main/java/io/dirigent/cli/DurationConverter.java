package io.dirigent.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations as kubectl's flags take them (Go's {@code time.ParseDuration}): {@code 90s},
 * {@code 2m30s}, {@code 1h}, {@code 500ms}; a bare number is seconds.
 */
final class DurationConverter implements ITypeConverter<Duration> {

  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");
  private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h))+");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  static Duration parse(String value) {
    String text = value.strip();
    if (text.matches("\\d+")) {
      return Duration.ofSeconds(Long.parseLong(text));
    }
    if (!WHOLE.matcher(text).matches()) {
      throw new TypeConversionException("invalid duration \"" + value + "\": use e.g. 30s, 5m or 1h30m");
    }
    Duration total = Duration.ZERO;
    Matcher part = PART.matcher(text);
    while (part.find()) {
      double amount = Double.parseDouble(part.group(1));
      long millis = switch (part.group(2)) {
        case "ms" -> Math.round(amount);
        case "s" -> Math.round(amount * 1_000);
        case "m" -> Math.round(amount * 60_000);
        default -> Math.round(amount * 3_600_000);
      };
      total = total.plusMillis(millis);
    }
    return total;
  }
}
