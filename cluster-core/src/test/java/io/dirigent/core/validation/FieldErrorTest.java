package io.dirigent.core.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.dirigent.core.validation.FieldError.Type;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class FieldErrorTest {

  static Stream<Arguments> messages() {
    return Stream.of(
        arguments("an invalid value is quoted before the detail",
            FieldError.invalid("metadata.name", "Foo_Bar", NameRulesTest.SUBDOMAIN_RULE),
            "metadata.name: Invalid value: \"Foo_Bar\": " + NameRulesTest.SUBDOMAIN_RULE),
        arguments("a missing value shows only the detail",
            FieldError.required("metadata.name", "name or generateName is required"),
            "metadata.name: Required value: name or generateName is required"),
        arguments("a missing value may go without a detail",
            FieldError.required("metadata.namespace", ""),
            "metadata.namespace: Required value"),
        arguments("a duplicate shows the value",
            FieldError.duplicate("spec.containers[1].name", "web"),
            "spec.containers[1].name: Duplicate value: \"web\""),
        arguments("a value too long is not repeated back",
            FieldError.tooLong("metadata.annotations", 262144),
            "metadata.annotations: Too long: may not be more than 262144 bytes"),
        arguments("a limit of one is one byte",
            FieldError.tooLong("spec.x", 1),
            "spec.x: Too long: may not be more than 1 byte"),
        arguments("an unknown limit says only that it is too long",
            FieldError.tooLong("spec.x", -1),
            "spec.x: Too long: value is too long"),
        arguments("an unsupported value lists the supported ones",
            FieldError.notSupported("spec.restartPolicy", "Sometimes",
                List.of("Always", "OnFailure", "Never")),
            "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\","
                + " \"OnFailure\", \"Never\""),
        arguments("a forbidden value shows only the detail",
            FieldError.forbidden("metadata.namespace", "not allowed on this type"),
            "metadata.namespace: Forbidden: not allowed on this type"),
        arguments("a null invalid value reads as null",
            FieldError.invalid("spec.replicas", null, "must be set"),
            "spec.replicas: Invalid value: null: must be set"),
        arguments("quotes and control characters are escaped as Go's %q does",
            FieldError.invalid("metadata.name", "a\"b\\c\nd\u0001e\u00a0f", "bad"),
            "metadata.name: Invalid value: \"a\\\"b\\\\c\\nd\\x01e\\u00a0f\": bad"),
        arguments("printable unicode is kept as is",
            FieldError.invalid("metadata.name", "caf\u00e9", "bad"),
            "metadata.name: Invalid value: \"caf\u00e9\": bad"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("messages")
  void rendersMessagesAsKubernetesDoes(String sentence, FieldError error, String message) {
    assertThat(error.message()).isEqualTo(message);
    assertThat(error).hasToString(message);
  }

  @ParameterizedTest(name = "{0} is reported with reason {1} as \"{2}\"")
  @CsvSource(textBlock = """
      INVALID,       FieldValueInvalid,      Invalid value
      REQUIRED,      FieldValueRequired,     Required value
      DUPLICATE,     FieldValueDuplicate,    Duplicate value
      TOO_LONG,      FieldValueTooLong,      Too long
      NOT_SUPPORTED, FieldValueNotSupported, Unsupported value
      FORBIDDEN,     FieldValueForbidden,    Forbidden
      """)
  void carriesTheKubernetesCauseReason(Type type, String reason, String summary) {
    assertThat(type.reason()).isEqualTo(reason);
    assertThat(type.summary()).isEqualTo(summary);
  }
}
