package io.dirigent.core.crd.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Numbers and quotes inside messages read as Go's fmt writes them. */
class GoTextTest {

  @ParameterizedTest(name = "{0} prints as {1}")
  @CsvSource({
      "10.0, 10", "0.5, 0.5", "-2.25, -2.25", "0.0, 0", "123456.0, 123456", "1234567.0, 1.234567e+06",
      "1000000.0, 1e+06", "0.0001, 0.0001", "0.000015, 1.5e-05", "1e21, 1e+21"})
  void floatsPrintAsGoPercentV(double value, String expected) {
    assertThat(GoText.number(value)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} quotes as {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {"spec.a | \"spec.a\"", "a\"b | \"a\\\"b\"", "tab\there | \"tab\\there\""})
  void stringsQuoteAsGoPercentQ(String value, String expected) {
    assertThat(GoText.quote(value.replace("\\t", "\t"))).isEqualTo(expected);
  }
}
