package io.dirigent.core.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MetadataRulesTest {

  private static final String LABELS = "metadata.labels";
  private static final String ANNOTATIONS = "metadata.annotations";
  private static final int LIMIT = MetadataRules.TOTAL_ANNOTATION_SIZE_LIMIT_BYTES;

  static Stream<Arguments> labelSets() {
    return Stream.of(
        arguments("valid labels have no errors",
            Map.of("app", "web", "example.com/tier", "front_end", "empty", ""), List.of()),
        arguments("a bad key is the bad value",
            Map.of("Foo_", "x"),
            List.of(FieldError.invalid(LABELS, "Foo_", NameRulesTest.NAME_PART_RULE))),
        arguments("a bad value is the bad value",
            Map.of("app", "-web"),
            List.of(FieldError.invalid(LABELS, "-web", NameRulesTest.LABEL_VALUE_RULE))),
        arguments("an upper case prefix is refused in labels",
            Map.of("Example.com/app", "web"),
            List.of(FieldError.invalid(LABELS, "Example.com/app",
                "prefix part " + NameRulesTest.SUBDOMAIN_RULE))),
        arguments("a 64 character value is too long",
            Map.of("app", "v".repeat(64)),
            List.of(FieldError.invalid(LABELS, "v".repeat(64),
                "must be no more than 63 characters"))),
        arguments("a bad key and a bad value give one error each, key first",
            Map.of("b", "-x", "a_", "y_"),
            List.of(
                FieldError.invalid(LABELS, "a_", NameRulesTest.NAME_PART_RULE),
                FieldError.invalid(LABELS, "y_", NameRulesTest.LABEL_VALUE_RULE),
                FieldError.invalid(LABELS, "-x", NameRulesTest.LABEL_VALUE_RULE))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("labelSets")
  void validatesLabelsAsKubernetesDoes(
      String sentence, Map<String, String> labels, List<FieldError> errors) {
    assertThat(MetadataRules.labels(labels, LABELS)).isEqualTo(errors);
  }

  static Stream<Arguments> annotationSets() {
    return Stream.of(
        arguments("case does not matter in annotation keys",
            Map.of("Example.COM/Some-Key", "anything at all: {\"json\": true}"), List.of()),
        arguments("a key with a space is refused as written",
            Map.of("My Key", "v"),
            List.of(FieldError.invalid(ANNOTATIONS, "My Key", NameRulesTest.NAME_PART_RULE))),
        arguments("exactly the limit is allowed",
            Map.of("k", "v".repeat(LIMIT - 1)), List.of()),
        arguments("one byte over the limit is too long",
            Map.of("k", "v".repeat(LIMIT)),
            List.of(FieldError.tooLong(ANNOTATIONS, LIMIT))),
        arguments("the limit counts UTF-8 bytes, not characters",
            Map.of("k", "\u00e9".repeat(LIMIT / 2)),
            List.of(FieldError.tooLong(ANNOTATIONS, LIMIT))),
        arguments("keys and values of all annotations add up",
            Map.of("a", "v".repeat(LIMIT / 2), "b", "v".repeat(LIMIT / 2)),
            List.of(FieldError.tooLong(ANNOTATIONS, LIMIT))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("annotationSets")
  void validatesAnnotationsAsKubernetesDoes(
      String sentence, Map<String, String> annotations, List<FieldError> errors) {
    assertThat(MetadataRules.annotations(annotations, ANNOTATIONS)).isEqualTo(errors);
  }

  @Test
  void readsNullMapsAsEmpty() {
    assertThat(MetadataRules.labels(null, LABELS)).isEmpty();
    assertThat(MetadataRules.annotations(null, ANNOTATIONS)).isEmpty();
  }

  @Test
  void rendersTheTooLongErrorAsKubernetesDoes() {
    assertThat(MetadataRules.annotations(Map.of("k", "v".repeat(LIMIT)), ANNOTATIONS))
        .extracting(FieldError::message)
        .containsExactly("metadata.annotations: Too long: may not be more than 262144 bytes");
  }
}
