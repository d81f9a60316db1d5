package io.dirigent.core.crd.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Go patterns spelled for Java: each row a Go pattern, its Java spelling, a text, and whether Go finds a match in it. */
class GoRegexTest {

  static Stream<Arguments> rows() {
    return Stream.of(
        arguments("an ordinary pattern is kept, $ aside", "^[a-z]([-a-z0-9]*[a-z0-9])?$", "^[a-z]([-a-z0-9]*[a-z0-9])?\\z", "a-b", true),
        arguments("a repetition is kept", "^a{2,3}$", "^a{2,3}\\z", "aaa", true),
        arguments("a brace opening no repetition is escaped", "^{{.*}}$", "^\\{\\{.*}}\\z", "{{x}}", true),
        arguments("a brace before a comma is escaped", "a{,3}", "a\\{,3}", "a{,3}", true),
        arguments("a bracket inside a class is escaped", "^[^[\\]]*$", "^[^\\[\\]]*\\z", "ab", true),
        arguments("a closing bracket first in a class is a literal", "^[]a]+$", "^[\\]a]+\\z", "]a", true),
        arguments("&& inside a class is a literal, not an intersection", "^[a&&b]+$", "^[a\\&\\&b]+\\z", "&", true),
        arguments("a POSIX class becomes a property", "^[[:alpha:][:digit:]]+$", "^[\\p{Alpha}\\p{Digit}]+\\z", "a1", true),
        arguments("a negated POSIX class becomes a negated property", "[[:^space:]]", "[\\P{Space}]", " ", false),
        arguments("[:word:] is \\w", "^[[:word:]]+$", "^[\\w]+\\z", "a_1", true),
        arguments("a named group loses its P", "(?P<n>a)", "(?<n>a)", "a", true),
        arguments("quoted text is escaped character by character", "^\\Q{a}.\\E$", "^\\{a\\}\\.\\z", "{a}.", true),
        arguments("a bracketed $ is a literal", "^[$]$", "^[$]\\z", "$", true),
        arguments("in multi-line mode $ is a line end", "(?m)^a$", "(?m)^a$", "a\nb", true),
        arguments("without it $ is the end of the text", "^a$", "^a\\z", "a\n", false),
        arguments("a dot matches a carriage return", "^a.b$", "^a.b\\z", "a\rb", true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void goPatternsReadAsGoReadsThem(String sentence, String go, String java, String text, boolean found) {
    assertThat(GoRegex.toJava(go)).isEqualTo(java);
    assertThat(GoRegex.compile(go).matcher(text).find()).isEqualTo(found);
  }
}
