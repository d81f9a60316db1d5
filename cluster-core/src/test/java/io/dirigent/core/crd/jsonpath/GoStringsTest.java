package io.dirigent.core.crd.jsonpath;

import io.dirigent.core.crd.schema.GoText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoStringsTest {

  @ParameterizedTest(name = "Go prints {0} as {1}")
  @CsvSource(textBlock = """
      1.5,        1.5
      100000.0,   100000
      999999.0,   999999
      1000000.0,  1e+06
      1234567.0,  1.234567e+06
      0.0001,     0.0001
      0.00001,    1e-05
      -2.5e-7,    -2.5e-07
      1e21,       1e+21
      0.0,        0
      """)
  void formatsFloatsAsGosPrint(double value, String printed) {
    assertThat(GoText.number(value)).isEqualTo(printed);
  }

  @ParameterizedTest(name = "json.Marshal gives {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      {"b":1,"a":[true,null,2.50]}          | {"a":[true,null,2.5],"b":1}
      {"html":"<a>&</a>"}                   | {"html":"\\u003ca\\u003e\\u0026\\u003c/a\\u003e"}
      {"big":1.0E21,"small":1.0E-7,"f":3.0} | {"big":1e+21,"f":3,"small":1e-7}
      {"s":"line\\nbreak \\"quoted\\""}     | {"s":"line\\nbreak \\"quoted\\""}
      """)
  void marshalsAsGosJsonPackage(String json, String marshalled) throws Exception {
    assertThat(GoStrings.marshal(JsonPathTest.json(json))).isEqualTo(marshalled);
  }

  @ParameterizedTest(name = "{0} unquotes to {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      "Ready"        | Ready
      'Ready'        | Ready
      'it\\'s'       | it's
      "tab\\there"   | tab\there
      "\\x41\\u00e9" | Aé
      "\\101"        | A
      """)
  void unquotesAsGoStrconv(String quoted, String text) throws JsonPathException {
    assertThat(GoStrings.unquote(quoted)).isEqualTo(text.replace("\\t", "\t"));
  }

  @ParameterizedTest(name = "{0} is not a Go string literal")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      'x"
      'a\\"b'
      "\\q"
      "\\u12"
      """)
  void refusesWhatGoStrconvRefuses(String quoted) {
    assertThatThrownBy(() -> GoStrings.unquote(quoted))
        .hasMessage("unquote string " + quoted + " error invalid syntax");
  }
}
