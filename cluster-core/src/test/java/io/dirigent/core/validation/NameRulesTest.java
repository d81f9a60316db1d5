package io.dirigent.core.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.dirigent.core.validation.NameRules.NameRule;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class NameRulesTest {

  static final String SUBDOMAIN_RULE =
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or"
          + " '.', and must start and end with an alphanumeric character (e.g. 'example.com',"
          + " regex used for validation is"
          + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  static final String LABEL_RULE =
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and"
          + " must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc',"
          + " regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  static final String NAME_PART_RULE =
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end"
          + " with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex"
          + " used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  static final String LABEL_VALUE_RULE =
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or"
          + " '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or"
          + " 'my_value',  or '12345', regex used for validation is"
          + " '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

  /** A valid subdomain of exactly 253 characters: three 63-character labels and one of 61. */
  private static final String SUBDOMAIN_253 =
      "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(61);

  static Stream<Arguments> subdomains() {
    return Stream.of(
        arguments("one character is a subdomain", "a", List.of()),
        arguments("digits and dashes inside are fine", "123-abc", List.of()),
        arguments("dots separate labels", "example.com", List.of()),
        arguments("253 characters are allowed", SUBDOMAIN_253, List.of()),
        arguments("254 characters are too many", "a".repeat(254),
            List.of("must be no more than 253 characters")),
        arguments("upper case is refused", "Web", List.of(SUBDOMAIN_RULE)),
        arguments("a leading dash is refused", "-web", List.of(SUBDOMAIN_RULE)),
        arguments("a trailing dash is refused", "web-", List.of(SUBDOMAIN_RULE)),
        arguments("a leading dot is refused", ".web", List.of(SUBDOMAIN_RULE)),
        arguments("two dots in a row are refused", "a..b", List.of(SUBDOMAIN_RULE)),
        arguments("an underscore is refused", "a_b", List.of(SUBDOMAIN_RULE)),
        arguments("the empty name is refused", "", List.of(SUBDOMAIN_RULE)),
        arguments("a long and bad name gets both problems", "A".repeat(254),
            List.of("must be no more than 253 characters", SUBDOMAIN_RULE)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("subdomains")
  void checksDns1123Subdomains(String sentence, String value, List<String> problems) {
    assertThat(NameRules.dns1123Subdomain(value)).isEqualTo(problems);
  }

  static Stream<Arguments> labels() {
    return Stream.of(
        arguments("one character is a label", "a", List.of()),
        arguments("63 characters are allowed", "a".repeat(63), List.of()),
        arguments("64 characters are too many", "a".repeat(64),
            List.of("must be no more than 63 characters")),
        arguments("a dot is named as the problem", "a.b", List.of("must not contain dots")),
        arguments("a long dotted name gets both problems", "a." + "b".repeat(62),
            List.of("must be no more than 63 characters", "must not contain dots")),
        arguments("upper case is refused", "A", List.of(LABEL_RULE)),
        arguments("a leading dash is refused", "-a", List.of(LABEL_RULE)),
        arguments("a trailing dash is refused", "a-", List.of(LABEL_RULE)),
        arguments("a leading dot is not a subdomain either", ".a", List.of(LABEL_RULE)),
        arguments("the empty name is refused", "", List.of(LABEL_RULE)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("labels")
  void checksDns1123Labels(String sentence, String value, List<String> problems) {
    assertThat(NameRules.dns1123Label(value)).isEqualTo(problems);
  }

  static final String DNS1035_RULE =
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an"
          + " alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or"
          + " 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

  static Stream<Arguments> dns1035Labels() {
    return Stream.of(
        arguments("a plural of letters is a label", "crontabs", List.of()),
        arguments("a version with digits after a letter is a label", "v1beta1", List.of()),
        arguments("a leading digit is refused", "1v", List.of(DNS1035_RULE)),
        arguments("a trailing dash is refused", "v1-", List.of(DNS1035_RULE)),
        arguments("upper case is refused", "CronTab", List.of(DNS1035_RULE)),
        arguments("the empty string is refused", "", List.of(DNS1035_RULE)),
        arguments("64 characters are too many", "a".repeat(64),
            List.of("must be no more than 63 characters")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dns1035Labels")
  void checksDns1035Labels(String sentence, String value, List<String> problems) {
    assertThat(NameRules.dns1035Label(value)).isEqualTo(problems);
  }

  static Stream<Arguments> pathSegments() {
    return Stream.of(
        arguments("anything else is a path segment", "Any Thing_at.all", List.of()),
        arguments("three dots are fine", "...", List.of()),
        arguments("a single dot is refused", ".", List.of("may not be '.'")),
        arguments("two dots are refused", "..", List.of("may not be '..'")),
        arguments("a slash is refused", "a/b", List.of("may not contain '/'")),
        arguments("a percent sign is refused", "a%b", List.of("may not contain '%'")),
        arguments("both are named", "%/", List.of("may not contain '/'", "may not contain '%'")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pathSegments")
  void checksPathSegmentNames(String sentence, String value, List<String> problems) {
    assertThat(NameRules.pathSegmentName(value)).isEqualTo(problems);
  }

  static Stream<Arguments> qualifiedNames() {
    return Stream.of(
        arguments("a mixed case name is fine", "MyName", List.of()),
        arguments("dots, dashes and underscores inside are fine", "my.na-me_1", List.of()),
        arguments("a subdomain prefix is fine", "example.com/MyName", List.of()),
        arguments("a 63 character name is fine", "n".repeat(63), List.of()),
        arguments("a 253 character prefix is fine", SUBDOMAIN_253 + "/n", List.of()),
        arguments("a 64 character name is too long", "n".repeat(64),
            List.of("name part must be no more than 63 characters")),
        arguments("a 254 character prefix is too long", "p".repeat(254) + "/n",
            List.of("prefix part must be no more than 253 characters")),
        arguments("an empty name gets both problems", "",
            List.of("name part must be non-empty", NAME_PART_RULE)),
        arguments("a prefix needs a name after it", "example.com/",
            List.of("name part must be non-empty", NAME_PART_RULE)),
        arguments("a slash needs a prefix before it", "/name",
            List.of("prefix part must be non-empty")),
        arguments("a prefix must be lower case", "Example.com/name",
            List.of("prefix part " + SUBDOMAIN_RULE)),
        arguments("a name cannot start with a dash", "-name", List.of(NAME_PART_RULE)),
        arguments("a name cannot end with a dot", "name.", List.of(NAME_PART_RULE)),
        arguments("two slashes are refused outright", "a/b/c",
            List.of("a qualified name must consist of alphanumeric characters, '-', '_' or '.',"
                + " and must start and end with an alphanumeric character (e.g. 'MyName',  or"
                + " 'my.name',  or '123-abc', regex used for validation is"
                + " '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain"
                + " prefix and '/' (e.g. 'example.com/MyName')")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("qualifiedNames")
  void checksQualifiedNames(String sentence, String value, List<String> problems) {
    assertThat(NameRules.qualifiedName(value)).isEqualTo(problems);
  }

  static Stream<Arguments> labelValues() {
    return Stream.of(
        arguments("the empty value is fine", "", List.of()),
        arguments("mixed case with underscores is fine", "My_Value.1", List.of()),
        arguments("63 characters are fine", "v".repeat(63), List.of()),
        arguments("64 characters are too many", "v".repeat(64),
            List.of("must be no more than 63 characters")),
        arguments("a leading dash is refused", "-v", List.of(LABEL_VALUE_RULE)),
        arguments("a space is refused", "a b", List.of(LABEL_VALUE_RULE)),
        arguments("a slash is refused", "a/b", List.of(LABEL_VALUE_RULE)),
        arguments("length counts UTF-8 bytes", "é".repeat(32),
            List.of("must be no more than 63 characters", LABEL_VALUE_RULE)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("labelValues")
  void checksLabelValues(String sentence, String value, List<String> problems) {
    assertThat(NameRules.labelValue(value)).isEqualTo(problems);
  }

  @ParameterizedTest(name = "{0} says \"{1}\" is valid: {2}, and as generateName: {3}")
  @CsvSource(delimiter = '|', textBlock = """
      DNS1123_SUBDOMAIN | web.example | true  | true
      DNS1123_SUBDOMAIN | web-        | false | true
      DNS1123_SUBDOMAIN | Web         | false | false
      DNS1123_LABEL     | web-        | false | true
      DNS1123_LABEL     | web.x       | false | false
      PATH_SEGMENT      | ..          | false | true
      PATH_SEGMENT      | a/b         | false | false
      PATH_SEGMENT      | My Name     | true  | true
      """)
  void namesARuleEachKindFollows(
      NameRule rule, String name, boolean validName, boolean validGenerateName) {
    assertThat(rule.check(name).isEmpty()).isEqualTo(validName);
    assertThat(rule.checkGenerateName(name).isEmpty()).isEqualTo(validGenerateName);
  }
}
