package io.dirigent.core.crd.schema;

import static io.dirigent.core.crd.schema.SchemaCheckTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.validation.FieldError;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Schemas written to hurt the API server — nested without end, with patterns that do not compile,
 * that nest groups beyond the regex compiler's stack, or that backtrack exponentially — are refused
 * with field errors or bounded, never answered with a StackOverflowError or a stalled thread.
 */
class HostileSchemaTest {

  private static final String P = "spec.versions[0].schema.openAPIV3Schema";

  /** A root object with {@code depth} levels of nested object properties below it. */
  private static JsonNode nested(int depth) {
    ObjectNode leaf = JsonNodeFactory.instance.objectNode().put("type", "string");
    JsonNode current = leaf;
    for (int i = 0; i < depth; i++) {
      ObjectNode parent = JsonNodeFactory.instance.objectNode().put("type", "object");
      parent.putObject("properties").set("a", current);
      current = parent;
    }
    return current;
  }

  @Test
  void aSchemaAtTheDepthLimitIsAccepted() {
    JsonNode schema = nested(StructuralSchema.MAX_DEPTH);
    assertThat(SchemaCheck.structuralErrors(schema, P)).isEmpty();
    assertThat(StructuralSchema.of(schema).type()).isEqualTo("object");
  }

  @Test
  void aSchemaNestedTooDeeplyIsRefusedWithOneError() {
    JsonNode schema = nested(100_000);
    assertThat(SchemaCheck.structuralErrors(schema, P)).extracting(FieldError::message)
        .containsExactly(P + ": Forbidden: must not nest schemas more than 64 levels deep");
    assertThatThrownBy(() -> StructuralSchema.of(schema)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("deeper than 64 levels");
  }

  @Test
  void aPatternThatDoesNotCompileIsAFieldError() {
    List<FieldError> errors = SchemaCheck.structuralErrors(json("{'type':'object','properties':{'a':{'type':'string','pattern':'[a-'}}}"), P);
    assertThat(errors).extracting(FieldError::message).singleElement().asString()
        .startsWith(P + ".properties[a].pattern: Invalid value: \"[a-\": must be a valid regular expression, but isn't: error parsing regexp: ");
  }

  @Test
  void patternsRe2CannotRunAreRefusedInRe2sWords() {
    assertThat(StructuralRules.patternProblem("^(?=a)b")).isEqualTo("error parsing regexp: invalid or unsupported Perl syntax: `(?=`");
    assertThat(StructuralRules.patternProblem("(a)\\1")).isEqualTo("error parsing regexp: invalid escape sequence: `\\1`");
    assertThat(StructuralRules.patternProblem("[(?=]\\\\1")).isNull();
  }

  @Test
  void aHugeNestedPatternIsAFieldErrorNotACrash() {
    String pattern = "(".repeat(50_000) + "a" + ")".repeat(50_000);
    ObjectNode property = JsonNodeFactory.instance.objectNode().put("type", "string").put("pattern", pattern);
    ObjectNode schema = JsonNodeFactory.instance.objectNode().put("type", "object");
    schema.putObject("properties").set("a", property);

    List<FieldError> errors = SchemaCheck.structuralErrors(schema, P);
    assertThat(errors).extracting(FieldError::field).containsExactly(P + ".properties[a].pattern");
    // Read anyway (as a stored CRD from an older check might be): the value is refused, not crashed on.
    List<FieldError> valueErrors = StructuralSchema.of(schema).validate(json("{'a':'a'}"));
    assertThat(valueErrors).extracting(FieldError::field).containsExactly("a");
  }

  @Test
  void aCatastrophicallyBacktrackingPatternGivesUpWithinItsBudget() {
    // Java's engine memoizes simple nested loops such as (a+)+, but not this: about 40^12 steps.
    StructuralSchema schema = StructuralSchema.of(json("{'type':'object','properties':{'a':{'type':'string','pattern':'(.*a){12}$'}}}"));
    ObjectNode object = JsonNodeFactory.instance.objectNode().put("a", "a".repeat(40) + "!");
    long start = System.nanoTime();
    List<FieldError> errors = schema.validate(object);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(errors).extracting(FieldError::message).containsExactly(
        "a: Invalid value: \"" + "a".repeat(40) + "!\": a in body should match '(.*a){12}$', but matching gave up after too many steps");
  }

  @Test
  void manyBacktrackingValuesShareOneBudgetPerObject() {
    StructuralSchema schema = StructuralSchema.of(json(
        "{'type':'object','properties':{'a':{'type':'array','items':{'type':'string','pattern':'(.*a){12}$'}}}}"));
    ObjectNode object = JsonNodeFactory.instance.objectNode();
    var list = object.putArray("a");
    for (int i = 0; i < 2_000; i++) {
      list.add("a".repeat(40) + "!");
    }
    long start = System.nanoTime();
    List<FieldError> errors = schema.validate(object);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    assertThat(errors).hasSize(2_000).allSatisfy(error -> assertThat(error.detail()).endsWith("gave up after too many steps"));
  }

  @Test
  void aLongValueWithAnOrdinaryPatternIsNotCutShort() {
    StructuralSchema schema = StructuralSchema.of(json("{'type':'object','properties':{'a':{'type':'string','pattern':'[a-z]{5}x'}}}"));
    String text = "a".repeat(1_000_000) + "aaaaax";
    assertThat(schema.validate(JsonNodeFactory.instance.objectNode().put("a", text))).isEmpty();
  }

  @Test
  void theSamePatternStillMatchesOrdinaryValues() {
    StructuralSchema schema = StructuralSchema.of(json("{'type':'object','properties':{'a':{'type':'string','pattern':'(.*a){12}$'}}}"));
    assertThat(schema.validate(json("{'a':'aaaaaaaaaaaa'}"))).isEmpty();
    assertThat(schema.validate(json("{'a':'ab'}"))).extracting(FieldError::message)
        .containsExactly("a: Invalid value: \"ab\": a in body should match '(.*a){12}$'");
  }
}
