package io.dirigent.core.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.dirigent.core.selector.LabelSelector.Operator;
import io.dirigent.core.selector.LabelSelector.Requirement;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class LabelSelectorMatchTest {

  @ParameterizedTest(name = "\"{0}\" on labels [{1}] matches: {2}")
  @CsvSource(delimiter = '|', textBlock = """
      a=b            | a=b       | true
      a=b            | a=c       | false
      a=b            |           | false
      a==b           | a=b       | true
      a!=b           | a=b       | false
      a!=b           | a=c       | true
      a!=b           |           | true
      a in (x,y)     | a=y       | true
      a in (x,y)     | a=z       | false
      a in (x,y)     |           | false
      a notin (x,y)  | a=x       | false
      a notin (x,y)  | a=z       | true
      a notin (x,y)  |           | true
      a              | a=        | true
      a              | b=x       | false
      !a             | b=x       | true
      !a             | a=x       | false
      a=             | a=        | true
      a=             |           | false
      a in ()        | a=        | true
      x>1            | x=2       | true
      x>1            | x=1       | false
      x>1            | x=abc     | false
      x>1            |           | false
      x<1            | x=0       | true
      x<1            | x=1       | false
      a=b,c          | a=b,c=d   | true
      a=b,c          | a=b       | false
      a=b,!c         | a=b,c=d   | false
      ''             |           | true
      """)
  void matchesLabelsAsKubernetesDoes(String selector, String labels, boolean expected) {
    assertThat(LabelSelector.parse(selector).matches(labels(labels))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "\"{0}\" on no labels at all matches: {1}")
  @CsvSource(delimiter = '|', textBlock = """
      ''             | true
      a!=b           | true
      a notin (x)    | true
      !a             | true
      a              | false
      a=             | false
      """)
  void readsNullLabelsAsNone(String selector, boolean expected) {
    assertThat(LabelSelector.parse(selector).matches(null)).isEqualTo(expected);
  }

  @Test
  void aNullSpecSelectsNothing() {
    LabelSelector selector = LabelSelector.of(null);

    assertThat(selector.matches(Map.of())).isFalse();
    assertThat(selector.matches(Map.of("a", "b"))).isFalse();
    assertThat(selector.isEverything()).isFalse();
    assertThat(selector.isNothing()).isTrue();
    assertThat(selector).isEqualTo(LabelSelector.nothing());
  }

  @Test
  void anEmptySpecSelectsEverything() {
    LabelSelector selector = LabelSelector.of(new io.fabric8.kubernetes.api.model.LabelSelector());

    assertThat(selector.isEverything()).isTrue();
    assertThat(selector.matches(Map.of("a", "b"))).isTrue();
    assertThat(selector).isEqualTo(LabelSelector.everything());
  }

  @Test
  void aSpecCombinesMatchLabelsAndExpressionsSortedByKey() {
    LabelSelector selector = LabelSelector.of(spec(
        Map.of("tier", "web", "app", "shop"),
        expression("env", "In", "prod", "canary"),
        expression("legacy", "DoesNotExist"),
        expression("zone", "NotIn", "eu-1"),
        expression("owner", "Exists")));

    assertThat(selector.toString())
        .isEqualTo("app=shop,env in (canary,prod),!legacy,owner,tier=web,zone notin (eu-1)");
    assertThat(selector.matches(Map.of("app", "shop", "tier", "web", "env", "prod", "owner", "x")))
        .isTrue();
    assertThat(selector.matches(Map.of("app", "shop", "tier", "web", "env", "dev", "owner", "x")))
        .isFalse();
    assertThat(LabelSelector.parse(selector.toString()).matches(Map.of(
        "app", "shop", "tier", "web", "env", "canary", "owner", "x", "zone", "us-1")))
        .isTrue();
  }

  static Stream<Arguments> badSpecs() {
    return Stream.of(
        arguments("an operator metav1 does not know is refused",
            spec(Map.of(), expression("a", "Gt", "1")),
            "\"Gt\" is not a valid label selector operator"),
        arguments("In needs values",
            spec(Map.of(), expression("a", "In")),
            "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty"),
        arguments("Exists takes no values",
            spec(Map.of(), expression("a", "Exists", "x")),
            "values: Invalid value: [\"x\"]: values set must be empty for exists and does not"
                + " exist"),
        arguments("a match label's key must be a qualified name",
            spec(Map.of("a/b/c", "x"), new LabelSelectorRequirement[0]),
            "key: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric"
                + " characters, '-', '_' or '.', and must start and end with an alphanumeric"
                + " character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for"
                + " validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional"
                + " DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSpecs")
  void refusesBadSpecsAsLabelSelectorAsSelectorDoes(
      String sentence, io.fabric8.kubernetes.api.model.LabelSelector spec, String message) {
    SelectorException error =
        catchThrowableOfType(SelectorException.class, () -> LabelSelector.of(spec));

    assertThat(error).hasMessage(message);
    assertThat(error.position()).isEqualTo(-1);
  }

  @Test
  void aRequirementReportsEveryProblemAtOnce() {
    assertThatThrownBy(() -> new Requirement("-a", Operator.EQUALS, List.of("x", "y")))
        .isInstanceOf(SelectorException.class)
        .hasMessageStartingWith("[key: Invalid value: \"-a\": name part must consist of")
        .hasMessageEndingWith(
            ", values: Invalid value: [\"x\",\"y\"]: exact-match compatibility requires one"
                + " single value]");
  }

  @Test
  void aSetSelectorRequiresEachLabelExactly() {
    LabelSelector selector = LabelSelector.fromSet(Map.of("b", "2", "a", "1"));

    assertThat(selector.toString()).isEqualTo("a=1,b=2");
    assertThat(selector.matches(Map.of("a", "1", "b", "2", "c", "3"))).isTrue();
    assertThat(selector.matches(Map.of("a", "1"))).isFalse();
    assertThat(LabelSelector.fromSet(Map.of()).isEverything()).isTrue();
  }

  private static Map<String, String> labels(String text) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (text != null && !text.isBlank()) {
      for (String pair : text.split(",")) {
        String[] keyAndValue = pair.split("=", -1);
        labels.put(keyAndValue[0], keyAndValue[1]);
      }
    }
    return labels;
  }

  private static io.fabric8.kubernetes.api.model.LabelSelector spec(
      Map<String, String> matchLabels, LabelSelectorRequirement... expressions) {
    return new io.fabric8.kubernetes.api.model.LabelSelector(
        Arrays.asList(expressions), matchLabels);
  }

  private static LabelSelectorRequirement expression(
      String key, String operator, String... values) {
    return new LabelSelectorRequirement(key, operator, Arrays.asList(values));
  }
}
