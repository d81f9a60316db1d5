package io.dirigent.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronScheduleTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "every minute fires at the next minute | * * * * * | 2024-03-10T10:15:30Z | 2024-03-10T10:16Z",
      "on the minute itself it fires a minute later | * * * * * | 2024-03-10T10:16:00Z | 2024-03-10T10:17Z",
      "every fifteen minutes | */15 * * * * | 2024-03-10T10:16:00Z | 2024-03-10T10:30Z",
      "a list of minutes | 5,40 * * * * | 2024-03-10T10:16:00Z | 2024-03-10T10:40Z",
      "a range with a step | 10-30/10 9 * * * | 2024-03-10T09:25:00Z | 2024-03-10T09:30Z",
      "a start with a step runs to the maximum | 50/5 * * * * | 2024-03-10T09:56:00Z | 2024-03-10T10:50Z",
      "hourly fires at the top of the hour | @hourly | 2024-03-10T10:15:30Z | 2024-03-10T11:00Z",
      "daily fires at midnight | @daily | 2024-03-10T10:15:30Z | 2024-03-11T00:00Z",
      "weekly fires on Sunday | @weekly | 2024-03-06T10:00:00Z | 2024-03-10T00:00Z",
      "monthly fires on the first | @monthly | 2024-03-10T10:00:00Z | 2024-04-01T00:00Z",
      "yearly fires on the first of January | @yearly | 2024-03-10T10:00:00Z | 2025-01-01T00:00Z",
      "month and day names | 0 12 * feb mon | 2024-01-10T10:00:00Z | 2024-02-05T12:00Z",
      "day of month and day of week both set fire on either | 0 0 13 * fri | 2024-03-10T00:00:00Z | 2024-03-13T00:00Z",
      "a day of week with any day of month fires on that weekday only | 0 0 * * 5 | 2024-03-10T00:00:00Z | 2024-03-15T00:00Z",
      "the 29th of February waits for a leap year | 0 0 29 2 * | 2024-03-01T00:00:00Z | 2028-02-29T00:00Z",
      "every five minutes by duration | @every 5m | 2024-03-10T10:15:30Z | 2024-03-10T10:20:30Z"})
  void theNextTimeIsAsCronHasIt(String sentence, String spec, String after, String expected) {
    ZonedDateTime next = CronSchedule.parse(spec).next(ZonedDateTime.parse(after)).orElseThrow();
    assertThat(next.toInstant()).isEqualTo(ZonedDateTime.parse(expected).toInstant());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "three in the morning in Berlin is two in UTC in winter | 0 3 * * * | Europe/Berlin | 2024-01-10T12:00:00Z | 2024-01-11T02:00Z",
      "three in the morning in Berlin is one in UTC in summer | 0 3 * * * | Europe/Berlin | 2024-07-10T12:00:00Z | 2024-07-11T01:00Z"})
  void aTimeZoneShiftsTheSchedule(String sentence, String spec, String zone, String after, String expected) {
    ZonedDateTime from = ZonedDateTime.parse(after).withZoneSameInstant(ZoneId.of(zone));
    assertThat(CronSchedule.parse(spec).next(from).orElseThrow().toInstant()).isEqualTo(ZonedDateTime.parse(expected).toInstant());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "an empty schedule | '' | empty spec string",
      "six fields | * * * * * * | expected exactly 5 fields, found 6: [* * * * * *]",
      "an hour past 23 | 0 24 * * * | end of range (24) above maximum (23): 24",
      "day zero of a month | 0 0 0 * * | beginning of range (0) below minimum (1): 0",
      "weekday seven | 0 0 * * 7 | end of range (7) above maximum (6): 7",
      "a backwards range | 30-10 * * * * | beginning of range (30) beyond end of range (10): 30-10",
      "a step of zero | */0 * * * * | step of range should be a positive number: */0",
      "a word for a minute | x * * * * | failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax",
      "two hyphens | 1-2-3 * * * * | too many hyphens: 1-2-3",
      "two slashes | */2/3 * * * * | too many slashes: */2/3",
      "an unknown descriptor | @fortnightly | unrecognized descriptor: @fortnightly",
      "a bad duration | @every soon | failed to parse duration @every soon: time: invalid duration \"soon\""})
  void aBadScheduleIsRefusedWithRobfigCronsMessage(String sentence, String spec, String message) {
    assertThatThrownBy(() -> CronSchedule.parse(spec)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "the 30th of February never comes | 0 0 30 2 *"})
  void aScheduleThatNeverFiresHasNoNextTime(String sentence, String spec) {
    assertThat(CronSchedule.parse(spec).next(ZonedDateTime.parse("2024-01-01T00:00:00Z"))).isEmpty();
  }
}
