package io.dirigent.core.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.dirigent.core.selector.LabelSelector.Operator;
import io.dirigent.core.selector.LabelSelector.Requirement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LabelSelectorParseTest {

  private static final String NAME_PART_RULE =
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end"
          + " with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex"
          + " used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  private static final String LABEL_VALUE_RULE =
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or"
          + " '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or"
          + " 'my_value',  or '12345', regex used for validation is"
          + " '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

  static Stream<Arguments> canonicalForms() {
    return Stream.of(
        arguments("an empty selector is empty", "", ""),
        arguments("a blank selector is empty", " \t\n ", ""),
        arguments("an equality keeps its single '='", "a=b", "a=b"),
        arguments("a double equality keeps its '=='", "a==b", "a==b"),
        arguments("an inequality keeps its '!='", "a!=b", "a!=b"),
        arguments("whitespace around tokens is dropped", "  a  =  b  ", "a=b"),
        arguments("set values are sorted", "a in (y,x)", "a in (x,y)"),
        arguments("notin values lose their spaces", "a notin ( y , x )", "a notin (x,y)"),
        arguments("a bare key means the key exists", "a", "a"),
        arguments("a negated key means the key is absent", "!a", "!a"),
        arguments("a space after '!' is allowed", "! a", "!a"),
        arguments("requirements are sorted by key", "b,a=1", "a=1,b"),
        arguments("requirements on one key keep their order", "a=b,a!=c", "a=b,a!=c"),
        arguments("an equality without a value wants the empty value", "a=", "a="),
        arguments("empty parentheses hold the empty value", "a in ()", "a in ()"),
        arguments("empty entries in a set are the empty value", "a in (x,,y)", "a in (,x,y)"),
        arguments("a trailing comma in a set adds the empty value", "a in (x,)", "a in (,x)"),
        arguments("duplicate set values collapse", "a in (x,x)", "a in (x)"),
        arguments("in and notin are identifiers where a key or value goes",
            "in in (in,notin)", "in in (in,notin)"),
        arguments("greater-than compares integers", "x>1", "x>1"),
        arguments("less-than may be spaced out", "x < 2", "x<2"),
        arguments("a prefixed key is kept whole", "example.com/app=web", "example.com/app=web"));
  }

  @ParameterizedTest(name = "{0}: \"{1}\" reads as \"{2}\"")
  @MethodSource("canonicalForms")
  void parsesToCanonicalFormThatReadsBackEqual(String sentence, String text, String canonical) {
    LabelSelector selector = LabelSelector.parse(text);

    assertThat(selector.toString()).isEqualTo(canonical);
    assertThat(LabelSelector.parse(selector.toString())).isEqualTo(selector);
  }

  static Stream<Arguments> structures() {
    return Stream.of(
        arguments("a=b", new Requirement("a", Operator.EQUALS, List.of("b"))),
        arguments("a==b", new Requirement("a", Operator.DOUBLE_EQUALS, List.of("b"))),
        arguments("a!=b", new Requirement("a", Operator.NOT_EQUALS, List.of("b"))),
        arguments("a in (y,x)", new Requirement("a", Operator.IN, List.of("x", "y"))),
        arguments("a notin (x)", new Requirement("a", Operator.NOT_IN, List.of("x"))),
        arguments("a", new Requirement("a", Operator.EXISTS, List.of())),
        arguments("!a", new Requirement("a", Operator.DOES_NOT_EXIST, List.of())),
        arguments("a>5", new Requirement("a", Operator.GREATER_THAN, List.of("5"))),
        arguments("a<5", new Requirement("a", Operator.LESS_THAN, List.of("5"))));
  }

  @ParameterizedTest(name = "\"{0}\" is the requirement {1}")
  @MethodSource("structures")
  void readsEachOperator(String text, Requirement expected) {
    assertThat(LabelSelector.parse(text).requirements()).containsExactly(expected);
  }

  static Stream<Arguments> syntaxErrors() {
    return Stream.of(
        arguments("a selector cannot start with an operator", "=b",
            "found '=', expected: !, identifier, or 'end of string'", 0),
        arguments("'!' must be followed by a key", "! =b",
            "unable to parse requirement: found '=', expected: identifier", 2),
        arguments("'!' alone has no key", "!",
            "unable to parse requirement: found '', expected: identifier", 1),
        arguments("a trailing comma needs another requirement", "a,",
            "found '', expected: identifier after ','", 2),
        arguments("a comma cannot be followed by an operator", "a,!=b",
            "found '!=', expected: identifier after ','", 2),
        arguments("two words need an operator between them", "a b",
            "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt", 2),
        arguments("an equality takes one value", "a=b=c",
            "found '=', expected: ',' or 'end of string'", 3),
        arguments("a space does not separate requirements", "a=b c",
            "found 'c', expected: ',' or 'end of string'", 4),
        arguments("a negated key takes no value", "!a=b",
            "found '=', expected: ',' or 'end of string'", 2),
        arguments("an equality's value cannot be an operator", "a = = b",
            "unable to parse requirement: found '=', expected: identifier", 4),
        arguments("in needs parentheses", "a in x",
            "unable to parse requirement: found 'x' expected: '('", 5),
        arguments("in needs a set at all", "a in",
            "unable to parse requirement: found '' expected: '('", 4),
        arguments("a set must be closed", "a in (x",
            "unable to parse requirement: found '', expected: ',' or ')'", 7),
        arguments("set values are separated by commas", "a in (x y)",
            "unable to parse requirement: found 'y', expected: ',' or ')'", 8),
        arguments("a set cannot hold an operator after a comma", "a in (x,=)",
            "unable to parse requirement: found '=', expected: ',', or identifier", 8),
        arguments("a set cannot start with an operator", "a notin (=)",
            "unable to parse requirement: found '=', expected: ',', ')' or identifier", 9));
  }

  @ParameterizedTest(name = "{0}: \"{1}\"")
  @MethodSource("syntaxErrors")
  void rejectsBadSyntaxSayingWhatAndWhere(
      String sentence, String text, String detail, int position) {
    SelectorException error =
        catchThrowableOfType(SelectorException.class, () -> LabelSelector.parse(text));

    assertThat(error.detail()).isEqualTo(detail);
    assertThat(error.position()).isEqualTo(position);
    assertThat(error).hasMessage(detail + " (at position " + position + ")");
  }

  static Stream<Arguments> badKeysAndValues() {
    return Stream.of(
        arguments("a key cannot end in '_'", "Foo_=x",
            "unable to parse requirement: key: Invalid value: \"Foo_\": " + NAME_PART_RULE, 0),
        arguments("a key's prefix must be a lower case subdomain", "x, Example.com/a",
            "unable to parse requirement: key: Invalid value: \"Example.com/a\": prefix part a"
                + " lowercase RFC 1123 subdomain must consist of lower case alphanumeric"
                + " characters, '-' or '.', and must start and end with an alphanumeric character"
                + " (e.g. 'example.com', regex used for validation is"
                + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')", 3),
        arguments("a value cannot start with '-'", "a=-x",
            "unable to parse requirement: values[0][a]: Invalid value: \"-x\": " + LABEL_VALUE_RULE,
            0),
        arguments("a value is at most 63 characters", "a=" + "v".repeat(64),
            "unable to parse requirement: values[0][a]: Invalid value: \"" + "v".repeat(64)
                + "\": must be no more than 63 characters", 0),
        arguments("every bad set value is reported", "a in (-x,y_)",
            "unable to parse requirement: [values[0][a]: Invalid value: \"-x\": "
                + LABEL_VALUE_RULE + ", values[1][a]: Invalid value: \"y_\": "
                + LABEL_VALUE_RULE + "]", 0),
        arguments("a negative bound is not a valid label value", "x<-2",
            "unable to parse requirement: values[0][x]: Invalid value: \"-2\": "
                + LABEL_VALUE_RULE, 0),
        arguments("greater-than needs an integer", "a>b",
            "unable to parse requirement: values[0]: Invalid value: \"b\": for 'Gt', 'Lt'"
                + " operators, the value must be an integer", 0));
  }

  @ParameterizedTest(name = "{0}: \"{1}\"")
  @MethodSource("badKeysAndValues")
  void rejectsBadKeysAndValuesAsKubernetesDoes(
      String sentence, String text, String detail, int position) {
    SelectorException error =
        catchThrowableOfType(SelectorException.class, () -> LabelSelector.parse(text));

    assertThat(error.detail()).isEqualTo(detail);
    assertThat(error.position()).isEqualTo(position);
  }

  @Test
  void nullTextSelectsEverything() {
    assertThat(LabelSelector.parse(null).isEverything()).isTrue();
  }
}
