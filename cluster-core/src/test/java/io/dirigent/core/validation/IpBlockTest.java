package io.dirigent.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpBlockTest {

  @ParameterizedTest(name = "{0} is a block: {1}")
  @CsvSource({
      "10.0.0.0/8, true", "0.0.0.0/0, true", "10.1.2.3/24, true", "::/0, true", "2001:db8::/32, true", "fe80::1/128, true",
      "::ffff:10.0.0.1/128, true", "1:2:3:4:5:6:7:8/64, true", "1:2:3:4:5:6:1.2.3.4/96, true",
      "10.0.0.0, false", "10.0.0.0/33, false", "10.0.0.0/08, false", "::/129, false", "1::2::3/64, false", "1:2:3:4:5:6:7:8:9/64, false",
      "1:2:3:4::5:6:7:8/64, false", "example.com/24, false", "g::/16, false", "fe80::1%eth0/64, false", "/24, false"})
  void blocksOfEitherFamilyParse(String text, boolean valid) {
    assertThat(IpBlock.parse(text)).as(text).matches(parsed -> parsed.isPresent() == valid);
  }

  @ParameterizedTest(name = "{1} inside {0}: {2}")
  @CsvSource({
      "10.0.0.0/8, 10.1.0.0/16, true", "10.0.0.0/8, 10.0.0.0/8, false", "10.0.0.0/8, 11.0.0.0/16, false", "10.0.0.0/8, 10.0.0.0/7, false",
      "2001:db8::/32, 2001:db8:1::/48, true", "2001:db8::/32, 2001:db9::/48, false", "0.0.0.0/0, ::/64, false"})
  void anExceptionLiesStrictlyInside(String outer, String inner, boolean inside) {
    assertThat(IpBlock.parse(outer).orElseThrow().strictlyContains(IpBlock.parse(inner).orElseThrow())).isEqualTo(inside);
  }
}
