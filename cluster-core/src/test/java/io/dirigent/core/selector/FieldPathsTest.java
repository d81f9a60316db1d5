package io.dirigent.core.selector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FieldPathsTest {

  private static final JsonNode EVENT = read("""
      {
        "metadata": {"name": "web-1.17a", "labels": {"app": "web"}},
        "involvedObject": {"kind": "Pod", "name": "web-1"},
        "spec": {
          "nodeName": "node-1",
          "replicas": 3,
          "unschedulable": false,
          "ratio": 1.5,
          "hostname": null,
          "containers": [{"name": "main"}]
        }
      }
      """);

  @ParameterizedTest(name = "\"{0}\" reads as \"{1}\"")
  @CsvSource(delimiter = '|', textBlock = """
      metadata.name               | web-1.17a
      involvedObject.kind         | Pod
      spec.nodeName               | node-1
      spec.replicas               | 3
      spec.unschedulable          | false
      spec.ratio                  | 1.5
      spec.hostname               | ''
      spec.containers             | ''
      metadata.labels             | ''
      spec.missing                | ''
      spec.nodeName.deeper        | ''
      metadata..name              | ''
      ''                          | ''
      """)
  void readsScalarsAsTextAndAnythingElseAsEmpty(String path, String expected) {
    assertThat(FieldPaths.extract(EVENT, path)).isEqualTo(expected);
  }

  @Test
  void readsANullObjectOrPathAsEmpty() {
    assertThat(FieldPaths.extract(null, "metadata.name")).isEmpty();
    assertThat(FieldPaths.extract(EVENT, null)).isEmpty();
  }

  @Test
  void feedsAFieldSelector() {
    assertThat(FieldSelector.parse("involvedObject.kind=Pod,spec.hostname=")
            .matches(FieldPaths.of(EVENT)))
        .isTrue();
  }

  private static JsonNode read(String json) {
    try {
      return new ObjectMapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
