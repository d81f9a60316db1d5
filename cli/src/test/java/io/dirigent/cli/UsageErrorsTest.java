package io.dirigent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which valid name is suggested for a mistyped one, as cobra suggests for kubectl. */
class UsageErrorsTest {

  private static final List<String> COMMANDS = List.of("get", "delete", "describe", "rollout", "exec", "edit", "label", "logs");

  @ParameterizedTest(name = "\"{0}\" suggests \"{1}\"")
  @CsvSource(delimiter = '|', nullValues = "none", value = {
      "gte      | get",
      "gett     | get",
      "dekete   | delete",
      "rol      | rollout",
      "desc     | describe",
      "Get      | get",
      "frobnicate | none",
      "x        | none",
  })
  void aNameWithinTwoEditsOrStartingWithWhatWasTypedIsSuggested(String typed, String expected) {
    assertThat(UsageErrors.closest(typed, COMMANDS).orElse(null)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "distance({0}, {1}) = {2}")
  @CsvSource({"get, get, 0", "gte, get, 2", "get, gets, 1", "'', abc, 3", "kitten, sitting, 3"})
  void theDistanceCountsSingleCharacterEdits(String a, String b, int distance) {
    assertThat(UsageErrors.distance(a, b)).isEqualTo(distance);
  }
}
