package io.dirigent.core.crd.jsonpath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonPathTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNode WIDGET = json("""
      {'kind':'Widget',
       'metadata':{'name':'w1','labels':{'app.kubernetes.io/name':'web','tier':'front'}},
       'spec':{'replicas':3,'ratio':1.5,'paused':false,'big':1000000.0,
               'ports':[{'name':'http','port':80},{'name':'https','port':443}]},
       'status':{'conditions':[{'type':'Ready','status':'True'},{'type':'Synced','status':'False'}],
                 'nothing':null}}
      """);

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  /** What kubectl's {@code -o jsonpath} prints: each part's values joined by spaces. */
  private static String printed(JsonPath path, JsonNode data) throws JsonPathException {
    return path.findResults(data).stream()
        .map(values -> values.stream().map(JsonPath::text).collect(Collectors.joining(" ")))
        .collect(Collectors.joining());
  }

  static Stream<Arguments> columnPaths() {
    return Stream.of(
        arguments("a field of a field", ".metadata.name", "w1"),
        arguments("an integer prints as digits", ".spec.replicas", "3"),
        arguments("a decimal prints as Go prints it", ".spec.ratio", "1.5"),
        arguments("a large decimal prints with an exponent, as Go's %v", ".spec.big", "1e+06"),
        arguments("a boolean prints as true or false", ".spec.paused", "false"),
        arguments("an index picks one element", ".spec.ports[0].port", "80"),
        arguments("a negative index counts from the end", ".spec.ports[-1].name", "https"),
        arguments("a star selects every element", ".spec.ports[*].name", "http https"),
        arguments("a slice selects a range", ".spec.ports[0:1].name", "http"),
        arguments("a slice with a step skips elements", ".spec.ports[0:2:2].name", "http"),
        arguments("a huge step takes the first element and stops", ".spec.ports[1:2:9223372036854775807].name", "https"),
        arguments("a union selects several indexes", ".spec.ports[1,0].port", "443 80"),
        arguments("a filter compares with a double-quoted string",
            ".status.conditions[?(@.type==\"Ready\")].status", "True"),
        arguments("a filter compares with a single-quoted string",
            ".status.conditions[?(@.type=='Synced')].status", "False"),
        arguments("a filter compares integers", ".spec.ports[?(@.port > 100)].name", "https"),
        arguments("a filter tests that a field exists", ".spec.ports[?(@.name)].port", "80 443"),
        arguments("a quoted key in brackets is a field", ".metadata.labels['tier']", "front"),
        arguments("an escaped dot is part of the key", ".metadata.labels.app\\.kubernetes\\.io/name", "web"),
        arguments("a quoted key with dots is a path, as in client-go",
            ".metadata.labels['app.kubernetes.io/name']", ""),
        arguments("a quoted key takes escaped dots", ".metadata.labels['app\\.kubernetes\\.io/name']", "web"),
        arguments("a wildcard selects every member", ".metadata.labels.*", "web front"),
        arguments("recursive descent finds a field at any depth", "..port", "80 443"),
        arguments("an object prints as sorted JSON", ".spec.ports[0]", "{\"name\":\"http\",\"port\":80}"),
        arguments("a JSON null prints as Go prints no value", ".status.nothing", "<no value>"),
        arguments("a missing field selects nothing in a column", ".spec.missing.deeper", ""),
        arguments("a filter matching nothing selects nothing",
            ".status.conditions[?(@.type==\"Gone\")].status", ""));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("columnPaths")
  void evaluatesPrinterColumnPathsAsClientGo(String sentence, String path, String expected)
      throws JsonPathException {
    assertThat(printed(JsonPath.printerColumn(path), WIDGET)).isEqualTo(expected);
  }

  @Test
  void aTemplateKeepsTheTextBetweenItsActions() throws JsonPathException {
    assertThat(printed(JsonPath.parse("{.kind}/{.metadata.name} has {.spec.replicas}"), WIDGET))
        .isEqualTo("Widget/w1 has 3");
  }

  static Stream<Arguments> badPaths() {
    return Stream.of(
        arguments("an array left open", ".spec.ports[", "unterminated array"),
        arguments("an index that is not a number", ".spec.ports[x]", "invalid array index x"),
        arguments("a filter left open", ".a[?(@.b==1", "unterminated filter"),
        arguments("a filter without its bracket", ".a[?(@.b==1)", "unclosed array expect ]"),
        arguments("a string left open", ".a \"x", "unterminated quoted string"),
        arguments("a stray parenthesis", ".a (", "unrecognized character in action: U+0028 '('"),
        arguments("a line break in the path", ".a\n", "unclosed action"),
        arguments("a bad escape in a string", ".a[?(@.b=='\\q')]", "unquote string '\\q' error invalid syntax"),
        arguments("a path longer than any column needs", "." + "a.".repeat(2100),
            "jsonpath is longer than 4096 characters"),
        arguments("a filter inside a filter, which client-go cannot parse",
            ".a[?(@.b[?(@.c==1)].d==1)]", "unterminated filter"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badPaths")
  void refusesMalformedPathsWithClientGosMessage(String sentence, String path, String message) {
    assertThatThrownBy(() -> JsonPath.printerColumn(path))
        .isInstanceOf(JsonPathException.class).hasMessage(message);
  }

  static Stream<Arguments> failingEvaluations() {
    return Stream.of(
        arguments("an index into a number", "{.spec.replicas[0]}", "int64 is not array or slice"),
        arguments("an index past the end", "{.spec.ports[5]}", "array index out of bounds: index 5, length 2"),
        arguments("an integer compared with a decimal", "{.spec.ports[?(@.port==1.5)]}",
            "incompatible types for comparison"),
        arguments("a boolean ordered", "{.spec.ports[?(@.port<true)]}", "incompatible types for comparison"),
        arguments("a missing key outside columns", "{.spec.missing}", "missing is not found"),
        arguments("a loop, which columns do not run", "{range .spec.ports}", "range is not supported here"),
        arguments("a bare word", "{.spec.ports[0] nonsense}", "unrecognized identifier nonsense"),
        arguments("a step of zero", "{.spec.ports[0:2:0]}", "step must be > 0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failingEvaluations")
  void failsEvaluationsAsClientGoDoes(String sentence, String template, String message)
      throws JsonPathException {
    JsonPath path = JsonPath.parse(template);
    assertThatThrownBy(() -> path.findResults(WIDGET))
        .isInstanceOf(JsonPathException.class).hasMessage(message);
  }

  @Test
  void repeatedRecursiveDescentOnADeepObjectStopsAtTheBudgetInsteadOfRunningAway() throws Exception {
    ObjectNode deep = JSON.createObjectNode();
    ObjectNode level = deep;
    for (int i = 0; i < 40; i++) {
      level = level.putObject("a");
      level.putArray("b").addObject().put("c", i);
    }
    JsonPath path = JsonPath.printerColumn("..".repeat(30) + "c");
    long started = System.nanoTime();
    assertThatThrownBy(() -> path.findResults(deep))
        .isInstanceOf(JsonPathException.class)
        .hasMessage("jsonpath selects more than 100000 values");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
  }

  /**
   * Random paths from the characters that mean something to the parser: each either parses or
   * fails with a JsonPathException, and each parsed one evaluates or fails the same way.
   */
  @Test
  void anyPathEndsInAResultOrAJsonPathExceptionNeverAnotherException() {
    String alphabet = ".[]?()@$'\"\\*,:-+0123456789=<>!{}abc \t\n\u0663\u00e9";
    java.util.Random random = new java.util.Random(20261207);
    for (int run = 0; run < 20_000; run++) {
      StringBuilder path = new StringBuilder();
      int length = 1 + random.nextInt(24);
      for (int i = 0; i < length; i++) {
        path.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      endsCleanly(path.toString());
    }
    List<String> tokens = List.of(".spec", ".ports", ".metadata", ".labels", ".status", ".conditions",
        ".nothing", ".port", ".replicas", "[0]", "[*]", "[-1]", "[1:2]", "[:0]", "[2:1]", "[0:5:2]", "..", ".*",
        "[?(@.port>80)]", "[?(@.name)]", "['tier']", "[0,1]", "[?(@.type==\"Ready\")]", "[?(@.port==1.5)]",
        "[?(@.status<'x')]", " ", "{", "}");
    for (int run = 0; run < 20_000; run++) {
      StringBuilder path = new StringBuilder();
      int length = 1 + random.nextInt(8);
      for (int i = 0; i < length; i++) {
        path.append(tokens.get(random.nextInt(tokens.size())));
      }
      endsCleanly(path.toString());
    }
  }

  private static void endsCleanly(String path) {
    try {
      JsonPath.printerColumn(path).findResults(WIDGET);
      JsonPath.parse(path).findResults(WIDGET);
    } catch (JsonPathException expected) {
      // a clear error is fine
    } catch (RuntimeException e) {
      throw new AssertionError("path " + path + " threw " + e, e);
    }
  }

  @Test
  void findsEveryResultNotOnlyTheFirst() throws JsonPathException {
    List<List<JsonNode>> results = JsonPath.printerColumn(".spec.ports[*].port").findResults(WIDGET);
    assertThat(results).hasSize(1);
    assertThat(results.get(0)).extracting(JsonNode::asInt).containsExactly(80, 443);
  }
}
