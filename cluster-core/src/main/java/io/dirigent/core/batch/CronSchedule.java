package io.dirigent.core.batch;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A CronJob's schedule as Kubernetes reads it (robfig/cron's {@code ParseStandard}): five fields —
 * minute, hour, day of month, month, day of week — each {@code *}, {@code ?}, a number or a name
 * ({@code jan}, {@code mon}), a range {@code a-b}, a step {@code /n}, or a list of those; or a
 * descriptor ({@code @hourly}, {@code @daily}, …, {@code @every 5m}). Errors read as robfig/cron's,
 * since Kubernetes returns them to the client as they are.
 *
 * <p>When day of month and day of week are both restricted, a day matching either matches (cron's
 * rule); when one is {@code *}, only the other counts.
 */
public final class CronSchedule {

  private static final Map<String, Integer> MONTHS = Map.ofEntries(Map.entry("jan", 1), Map.entry("feb", 2), Map.entry("mar", 3),
      Map.entry("apr", 4), Map.entry("may", 5), Map.entry("jun", 6), Map.entry("jul", 7), Map.entry("aug", 8), Map.entry("sep", 9),
      Map.entry("oct", 10), Map.entry("nov", 11), Map.entry("dec", 12));
  private static final Map<String, Integer> DAYS = Map.of("sun", 0, "mon", 1, "tue", 2, "wed", 3, "thu", 4, "fri", 5, "sat", 6);
  private static final Map<String, String> DESCRIPTORS = Map.of("@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *",
      "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");
  /** No schedule fires less often than once in four years (29 February); past that, it never fires. */
  private static final int SEARCH_YEARS = 5;

  private final long minutes;
  private final long hours;
  private final long daysOfMonth;
  private final long months;
  private final long daysOfWeek;
  private final boolean anyDayOfMonth;
  private final boolean anyDayOfWeek;
  /** Set for {@code @every D}: fires every D after the previous run, not on a calendar. */
  private final Duration every;

  private CronSchedule(long[] fields, boolean anyDayOfMonth, boolean anyDayOfWeek, Duration every) {
    this.minutes = fields[0];
    this.hours = fields[1];
    this.daysOfMonth = fields[2];
    this.months = fields[3];
    this.daysOfWeek = fields[4];
    this.anyDayOfMonth = anyDayOfMonth;
    this.anyDayOfWeek = anyDayOfWeek;
    this.every = every;
  }

  /** The schedule {@code spec} means; {@link IllegalArgumentException} with robfig/cron's message when it means none. */
  public static CronSchedule parse(String spec) {
    String text = spec.trim();
    if (text.isEmpty()) {
      throw new IllegalArgumentException("empty spec string");
    }
    if (text.startsWith("@")) {
      if (text.startsWith("@every ")) {
        return new CronSchedule(new long[5], false, false, every(text.substring("@every ".length()).trim()));
      }
      String expanded = DESCRIPTORS.get(text);
      if (expanded == null) {
        throw new IllegalArgumentException("unrecognized descriptor: " + text);
      }
      text = expanded;
    }
    String[] fields = text.split("\\s+");
    if (fields.length != 5) {
      throw new IllegalArgumentException("expected exactly 5 fields, found %d: [%s]".formatted(fields.length, String.join(" ", fields)));
    }
    long[] bits = {
        field(fields[0], 0, 59, Map.of()),
        field(fields[1], 0, 23, Map.of()),
        field(fields[2], 1, 31, Map.of()),
        field(fields[3], 1, 12, MONTHS),
        field(fields[4], 0, 6, DAYS)};
    return new CronSchedule(bits, star(fields[2]), star(fields[4]), null);
  }

  private static boolean star(String field) {
    return field.startsWith("*") || field.startsWith("?");
  }

  private static Duration every(String value) {
    Duration duration = goDuration(value);
    if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
      // robfig/cron rounds up to a second; Kubernetes' minute granularity makes anything shorter a minute in effect.
      return Duration.ofSeconds(1);
    }
    return duration.truncatedTo(ChronoUnit.SECONDS);
  }

  private static final java.util.regex.Pattern GO_DURATION = java.util.regex.Pattern.compile("((\\d{1,9})(h|m|s|ms))+");
  private static final java.util.regex.Pattern GO_DURATION_PART = java.util.regex.Pattern.compile("(\\d+)(h|ms|m|s)");

  /** A Go duration such as {@code 90s} or {@code 1h30m}, as {@code @every} takes it. */
  private static Duration goDuration(String value) {
    if (!GO_DURATION.matcher(value).matches()) {
      throw new IllegalArgumentException("failed to parse duration @every %s: time: invalid duration \"%s\"".formatted(value, value));
    }
    Duration total = Duration.ZERO;
    java.util.regex.Matcher part = GO_DURATION_PART.matcher(value);
    while (part.find()) {
      long amount = Long.parseLong(part.group(1));
      total = total.plus(switch (part.group(2)) {
        case "h" -> Duration.ofHours(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "s" -> Duration.ofSeconds(amount);
        default -> Duration.ofMillis(amount);
      });
    }
    return total;
  }

  /** The bits a field sets: a list of ranges, each {@code *}, {@code ?}, {@code N}, {@code A-B}, optionally {@code /STEP}. */
  private static long field(String field, int min, int max, Map<String, Integer> names) {
    long bits = 0;
    for (String range : field.split(",")) {
      bits |= range(range, min, max, names);
    }
    return bits;
  }

  private static long range(String expr, int min, int max, Map<String, Integer> names) {
    String[] rangeAndStep = expr.split("/", -1);
    String[] lowAndHigh = rangeAndStep[0].split("-", -1);
    boolean single = lowAndHigh.length == 1;
    int start;
    int end;
    if (lowAndHigh[0].equals("*") || lowAndHigh[0].equals("?")) {
      start = min;
      end = max;
    } else {
      start = value(lowAndHigh[0], names);
      switch (lowAndHigh.length) {
        case 1 -> end = start;
        case 2 -> end = value(lowAndHigh[1], names);
        default -> throw new IllegalArgumentException("too many hyphens: " + expr);
      }
    }
    int step;
    switch (rangeAndStep.length) {
      case 1 -> step = 1;
      case 2 -> {
        step = number(rangeAndStep[1]);
        // "N/step" means N through the maximum.
        if (single) {
          end = max;
        }
      }
      default -> throw new IllegalArgumentException("too many slashes: " + expr);
    }
    if (start < min) {
      throw new IllegalArgumentException("beginning of range (%d) below minimum (%d): %s".formatted(start, min, expr));
    }
    if (end > max) {
      throw new IllegalArgumentException("end of range (%d) above maximum (%d): %s".formatted(end, max, expr));
    }
    if (start > end) {
      throw new IllegalArgumentException("beginning of range (%d) beyond end of range (%d): %s".formatted(start, end, expr));
    }
    if (step == 0) {
      throw new IllegalArgumentException("step of range should be a positive number: " + expr);
    }
    long bits = 0;
    for (int i = start; i <= end; i += step) {
      bits |= 1L << i;
    }
    return bits;
  }

  private static int value(String expr, Map<String, Integer> names) {
    Integer named = names.get(expr.toLowerCase(Locale.ROOT));
    return named != null ? named : number(expr);
  }

  private static int number(String expr) {
    int value;
    try {
      value = Integer.parseInt(expr);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("failed to parse int from %s: strconv.Atoi: parsing \"%s\": invalid syntax".formatted(expr, expr));
    }
    if (value < 0) {
      throw new IllegalArgumentException("negative number (%d) not allowed: %s".formatted(value, expr));
    }
    return value;
  }

  /**
   * The first time after {@code after} (strictly) that the schedule fires, in {@code after}'s zone;
   * empty if it never does (30 February).
   */
  public Optional<ZonedDateTime> next(ZonedDateTime after) {
    if (every != null) {
      return Optional.of(after.plus(every).truncatedTo(ChronoUnit.SECONDS));
    }
    ZonedDateTime t = after.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    int lastYear = t.getYear() + SEARCH_YEARS;
    while (t.getYear() <= lastYear) {
      if (!has(months, t.getMonthValue())) {
        t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
      } else if (!dayMatches(t)) {
        t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
      } else if (!has(hours, t.getHour())) {
        t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
      } else if (!has(minutes, t.getMinute())) {
        t = t.plusMinutes(1);
      } else {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  private boolean dayMatches(ZonedDateTime t) {
    boolean dom = has(daysOfMonth, t.getDayOfMonth());
    boolean dow = has(daysOfWeek, t.getDayOfWeek().getValue() % 7);
    return anyDayOfMonth || anyDayOfWeek ? dom && dow : dom || dow;
  }

  private static boolean has(long bits, int value) {
    return (bits & (1L << value)) != 0;
  }

  /** The fields, for messages: which minutes etc. are set. */
  @Override
  public String toString() {
    return every != null ? "@every " + every : Arrays.toString(new long[] {minutes, hours, daysOfMonth, months, daysOfWeek});
  }

  /** The schedule's times in ({@code from}, {@code to}], at most {@code limit} + 1 of them (enough to tell "more than limit"). */
  public List<ZonedDateTime> between(ZonedDateTime from, ZonedDateTime to, int limit) {
    List<ZonedDateTime> times = new java.util.ArrayList<>();
    Optional<ZonedDateTime> t = next(from);
    while (t.isPresent() && !t.get().isAfter(to) && times.size() <= limit) {
      times.add(t.get());
      t = next(t.get());
    }
    return times;
  }
}
