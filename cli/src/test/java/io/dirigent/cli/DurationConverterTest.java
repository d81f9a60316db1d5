package io.dirigent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

/** Durations in the form kubectl's flags take them. */
class DurationConverterTest {

  @ParameterizedTest(name = "{0} is {1} ms")
  @CsvSource({"0, 0", "0s, 0", "30, 30000", "90s, 90000", "2m, 120000", "1h30m, 5400000", "500ms, 500", "1.5s, 1500", "2m30s, 150000"})
  void aDurationIsAnAmountWithAUnitOrBareSeconds(String text, long millis) {
    assertThat(DurationConverter.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest(name = "\"{0}\" is refused")
  @ValueSource(strings = {"", "s", "5x", "-5s", "5 s", "1d"})
  void anythingElseIsRefusedWithAnExample(String text) {
    assertThatThrownBy(() -> DurationConverter.parse(text)).isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("use e.g. 30s, 5m or 1h30m");
  }
}
