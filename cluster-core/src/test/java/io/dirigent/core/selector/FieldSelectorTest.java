package io.dirigent.core.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.dirigent.core.selector.FieldSelector.Operator;
import io.dirigent.core.selector.FieldSelector.Requirement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class FieldSelectorTest {

  private static Requirement eq(String field, String value) {
    return new Requirement(field, Operator.EQUALS, value);
  }

  private static Requirement ne(String field, String value) {
    return new Requirement(field, Operator.NOT_EQUALS, value);
  }

  static Stream<Arguments> selectors() {
    return Stream.of(
        arguments("an empty selector has no terms", "", List.of(), ""),
        arguments("'=' requires equality", "spec.nodeName=n1", List.of(eq("spec.nodeName", "n1")),
            "spec.nodeName=n1"),
        arguments("'==' is the same as '='", "a==b", List.of(eq("a", "b")), "a=b"),
        arguments("'!=' requires inequality", "a!=b", List.of(ne("a", "b")), "a!=b"),
        arguments("terms are sorted by their text", "b=2,a=1", List.of(eq("a", "1"), eq("b", "2")),
            "a=1,b=2"),
        arguments("an escaped comma is part of the value", "a=x\\,y", List.of(eq("a", "x,y")),
            "a=x\\,y"),
        arguments("an escaped '=' is part of the value", "a=x\\=y", List.of(eq("a", "x=y")),
            "a=x\\=y"),
        arguments("an escaped backslash is one backslash", "a=x\\\\y", List.of(eq("a", "x\\y")),
            "a=x\\\\y"),
        arguments("an escaped backslash does not escape the comma after it", "a=x\\\\,b=y",
            List.of(eq("a", "x\\"), eq("b", "y")), "a=x\\\\,b=y"),
        arguments("a missing value is the empty value", "a=", List.of(eq("a", "")), "a="),
        arguments("empty terms are skipped", "a=b,,c=d", List.of(eq("a", "b"), eq("c", "d")),
            "a=b,c=d"),
        arguments("a term with neither field nor value is dropped", "=", List.of(), ""),
        arguments("the first operator splits field from value", "a=!b", List.of(eq("a", "!b")),
            "a=!b"),
        arguments("whitespace is kept, not trimmed", " a = b", List.of(eq(" a ", " b")),
            " a = b"));
  }

  @ParameterizedTest(name = "{0}: \"{1}\"")
  @MethodSource("selectors")
  void parsesAsKubernetesDoes(
      String sentence, String text, List<Requirement> expected, String canonical) {
    FieldSelector selector = FieldSelector.parse(text);

    assertThat(selector.requirements()).isEqualTo(expected);
    assertThat(selector.toString()).isEqualTo(canonical);
    assertThat(FieldSelector.parse(canonical)).isEqualTo(selector);
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        arguments("a term needs an operator", "a",
            "invalid selector: 'a'; can't understand 'a'", 0),
        arguments("a blank selector is a term without an operator", " ",
            "invalid selector: ' '; can't understand ' '", 0),
        arguments("terms are checked in sorted order", "x=1,b",
            "invalid selector: 'x=1,b'; can't understand 'b'", 4),
        arguments("a value cannot hold an unescaped '='", "a=b=c",
            "invalid field selector: unescaped character in value: '='", 3),
        arguments("'!==' leaves an unescaped '=' in the value", "a!==b",
            "invalid field selector: unescaped character in value: '='", 3),
        arguments("only three characters can be escaped", "a=b\\x",
            "invalid field selector: invalid escape sequence: \\x", 3),
        arguments("a value cannot end in a lone backslash", "a=b\\",
            "invalid field selector: invalid escape sequence: \\", 3));
  }

  @ParameterizedTest(name = "{0}: \"{1}\"")
  @MethodSource("errors")
  void rejectsBadSelectorsSayingWhatAndWhere(
      String sentence, String text, String detail, int position) {
    SelectorException error =
        catchThrowableOfType(SelectorException.class, () -> FieldSelector.parse(text));

    assertThat(error.detail()).isEqualTo(detail);
    assertThat(error.position()).isEqualTo(position);
  }

  @ParameterizedTest(name = "\"{0}\" on fields [{1}] matches: {2}")
  @CsvSource(delimiter = '|', textBlock = """
      status.phase=Running          | status.phase=Running        | true
      status.phase=Running          | status.phase=Pending        | false
      status.phase!=Running         | status.phase=Pending        | true
      status.phase!=Running         |                             | true
      spec.nodeName=                |                             | true
      spec.nodeName!=               |                             | false
      spec.nodeName!=               | spec.nodeName=n1            | true
      a=1,b=2                       | a=1,b=2                     | true
      a=1,b=2                       | a=1                         | false
      ''                            |                             | true
      """)
  void comparesAMissingFieldAsTheEmptyString(String selector, String fields, boolean expected) {
    Map<String, String> values = new HashMap<>();
    if (fields != null) {
      for (String pair : fields.split(",")) {
        values.put(pair.split("=")[0], pair.split("=")[1]);
      }
    }

    assertThat(FieldSelector.parse(selector).matches(values::get)).isEqualTo(expected);
  }

  @Test
  void listsItsFieldsOnceEach() {
    FieldSelector selector =
        FieldSelector.parse("spec.nodeName=n1,status.phase!=Failed,spec.nodeName!=n2");

    assertThat(selector.fields()).containsExactly("spec.nodeName", "status.phase");
  }

  @Test
  void offersTheValueAFieldMustEqual() {
    FieldSelector selector = FieldSelector.parse("status.phase!=Failed,spec.nodeName=n1");

    assertThat(selector.exactMatch("spec.nodeName")).contains("n1");
    assertThat(selector.exactMatch("status.phase")).isEmpty();
    assertThat(FieldSelector.everything().isEverything()).isTrue();
  }

  @Test
  void escapingAValueMakesItParseBackUnchanged() {
    String value = "a,b=c\\d";

    FieldSelector selector = FieldSelector.parse("f=" + FieldSelector.escapeValue(value));

    assertThat(selector.requirements()).containsExactly(eq("f", value));
  }
}
