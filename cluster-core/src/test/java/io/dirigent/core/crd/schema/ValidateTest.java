package io.dirigent.core.crd.schema;

import static io.dirigent.core.crd.schema.SchemaCheckTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.dirigent.core.validation.FieldError;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Custom objects are checked against their schema with kube-openapi's messages, paths relative to
 * the object. Each row gives the schema of {@code spec}, the value of {@code spec}, and every error.
 * Kubernetes prints a non-string bad value bare ({@code Invalid value: 20}); Dirigent's FieldError
 * quotes every value, as the rest of Dirigent does ({@code Invalid value: "20"}).
 */
class ValidateTest {

  private static List<String> errors(String specSchema, String spec) {
    StructuralSchema schema = StructuralSchema.of(json("{'type':'object','properties':{'spec':" + specSchema + "}}"));
    return schema.validate(json("{'apiVersion':'x.io/v1','kind':'X','metadata':{'name':'a'},'spec':" + spec + "}"))
        .stream().map(FieldError::message).toList();
  }

  private static String object(String properties) {
    return "{'type':'object','properties':{" + properties + "}}";
  }

  static Stream<Arguments> rows() {
    return Stream.of(
        arguments("an integer is an integer", object("'replicas':{'type':'integer'}"), "{'replicas':3}", List.of()),
        arguments("a string is not an integer", object("'replicas':{'type':'integer'}"), "{'replicas':'three'}",
            List.of("spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"")),
        arguments("a whole float is an integer, as Go decodes it", object("'replicas':{'type':'integer'}"), "{'replicas':3.0}", List.of()),
        arguments("a fraction is not an integer", object("'replicas':{'type':'integer'}"), "{'replicas':3.5}",
            List.of("spec.replicas: Invalid value: \"number\": spec.replicas in body must be of type integer: \"number\"")),
        arguments("an integer is a number", object("'ratio':{'type':'number'}"), "{'ratio':3}", List.of()),
        arguments("an object is not a string", object("'name':{'type':'string'}"), "{'name':{}}",
            List.of("spec.name: Invalid value: \"object\": spec.name in body must be of type string: \"object\"")),
        arguments("a value in the enum is accepted", object("'color':{'type':'string','enum':['red','blue']}"), "{'color':'red'}", List.of()),
        arguments("a value outside the enum is refused", object("'color':{'type':'string','enum':['red','blue']}"), "{'color':'pink'}",
            List.of("spec.color: Unsupported value: \"pink\": supported values: \"red\", \"blue\"")),
        arguments("numbers in an enum are listed as JSON", object("'size':{'type':'integer','enum':[1,2]}"), "{'size':3}",
            List.of("spec.size: Unsupported value: \"3\": supported values: \"1\", \"2\"")),
        arguments("a value at the maximum is accepted", object("'size':{'type':'integer','maximum':10}"), "{'size':10}", List.of()),
        arguments("a value over the maximum is refused", object("'size':{'type':'integer','maximum':10}"), "{'size':20}",
            List.of("spec.size: Invalid value: \"20\": spec.size in body should be less than or equal to 10")),
        arguments("an exclusive maximum refuses the bound", object("'size':{'type':'integer','maximum':10,'exclusiveMaximum':true}"), "{'size':10}",
            List.of("spec.size: Invalid value: \"10\": spec.size in body should be less than 10")),
        arguments("a value under the minimum is refused", object("'size':{'type':'number','minimum':0.5}"), "{'size':0.25}",
            List.of("spec.size: Invalid value: \"0.25\": spec.size in body should be greater than or equal to 0.5")),
        arguments("a multiple is accepted", object("'size':{'type':'integer','multipleOf':5}"), "{'size':15}", List.of()),
        arguments("a non-multiple is refused", object("'size':{'type':'integer','multipleOf':5}"), "{'size':12}",
            List.of("spec.size: Invalid value: \"12\": spec.size in body should be a multiple of 5")),
        arguments("a decimal a float step above a multiple is one, as Go's tolerance allows", object("'price':{'type':'number','multipleOf':0.01}"), "{'price':0.07}", List.of()),
        arguments("a decimal a float step below a multiple is not, as in Go", object("'price':{'type':'number','multipleOf':0.01}"), "{'price':0.29}",
            List.of("spec.price: Invalid value: \"0.29\": spec.price in body should be a multiple of 0.01")),
        arguments("a decimal far from a multiple is not one", object("'price':{'type':'number','multipleOf':0.5}"), "{'price':0.7}",
            List.of("spec.price: Invalid value: \"0.7\": spec.price in body should be a multiple of 0.5")),
        arguments("a present required field is accepted", "{'type':'object','properties':{'name':{'type':'string'}},'required':['name']}", "{'name':'a'}", List.of()),
        arguments("a missing required field is refused", "{'type':'object','properties':{'name':{'type':'string'}},'required':['name']}", "{}",
            List.of("spec.name: Required value")),
        arguments("null is refused where the schema is not nullable", object("'name':{'type':'string'}"), "{'name':null}",
            List.of("spec.name: Invalid value: \"null\": spec.name in body must be of type string: \"null\"")),
        arguments("null is accepted where the schema is nullable", object("'name':{'type':'string','nullable':true}"), "{'name':null}", List.of()),
        arguments("a string at its maxLength is accepted", object("'name':{'type':'string','maxLength':3}"), "{'name':'abc'}", List.of()),
        arguments("a string over its maxLength is too long", object("'name':{'type':'string','maxLength':3}"), "{'name':'abcd'}",
            List.of("spec.name: Too long: may not be more than 3 bytes")),
        arguments("maxLength counts characters, not bytes", object("'name':{'type':'string','maxLength':3}"), "{'name':'äöü'}", List.of()),
        arguments("a string under its minLength is refused", object("'name':{'type':'string','minLength':3}"), "{'name':'ab'}",
            List.of("spec.name: Invalid value: \"ab\": spec.name in body should be at least 3 chars long")),
        arguments("a string matching its pattern is accepted", object("'name':{'type':'string','pattern':'^[a-z]+$'}"), "{'name':'abc'}", List.of()),
        arguments("a pattern is searched for, not matched whole", object("'name':{'type':'string','pattern':'[a-z]'}"), "{'name':'A1b'}", List.of()),
        arguments("a string not matching its pattern is refused", object("'name':{'type':'string','pattern':'^[a-z]+$'}"), "{'name':'ABC'}",
            List.of("spec.name: Invalid value: \"ABC\": spec.name in body should match '^[a-z]+$'")),
        arguments("a POSIX class matches as Go matches it", object("'name':{'type':'string','pattern':'^[[:alnum:]]+$'}"), "{'name':'abc123'}", List.of()),
        arguments("a negated POSIX class matches as Go matches it", object("'name':{'type':'string','pattern':'^[[:^digit:]]+$'}"), "{'name':'a1'}",
            List.of("spec.name: Invalid value: \"a1\": spec.name in body should match '^[[:^digit:]]+$'")),
        arguments("a brace Go reads as a literal is matched as one", object("'name':{'type':'string','pattern':'^{{[a-z]+}}$'}"), "{'name':'{{x}}'}", List.of()),
        arguments("$ is the end of the text, as in Go, not before a final line break", object("'name':{'type':'string','pattern':'^[a-z]+$'}"), "{'name':'abc\\n'}",
            List.of("spec.name: Invalid value: \"abc\\n\": spec.name in body should match '^[a-z]+$'")),
        arguments("a dot matches a carriage return, as in Go", object("'name':{'type':'string','pattern':'^a.b$'}"), "{'name':'a\\rb'}", List.of()),
        arguments("items are checked at their index", object("'list':{'type':'array','items':{'type':'string'}}"), "{'list':['a',2]}",
            List.of("spec.list[1]: Invalid value: \"integer\": spec.list[1] in body must be of type string: \"integer\"")),
        arguments("too few items are refused", object("'list':{'type':'array','items':{'type':'string'},'minItems':2}"), "{'list':['a']}",
            List.of("spec.list: Invalid value: \"1\": spec.list in body should have at least 2 items")),
        arguments("too many items are refused", object("'list':{'type':'array','items':{'type':'string'},'maxItems':1}"), "{'list':['a','b']}",
            List.of("spec.list: Invalid value: \"2\": spec.list in body should have at most 1 items")),
        arguments("too few properties are refused", object("'m':{'type':'object','additionalProperties':{'type':'string'},'minProperties':2}"),
            "{'m':{'a':'x'}}", List.of("spec.m: Invalid value: \"1\": spec.m in body should have at least 2 properties")),
        arguments("an object with too many properties is not looked into",
            object("'m':{'type':'object','additionalProperties':{'type':'string'},'maxProperties':1}"), "{'m':{'a':1,'b':2}}",
            List.of("spec.m: Invalid value: \"2\": spec.m in body should have at most 1 properties")),
        arguments("map values follow additionalProperties", object("'labels':{'type':'object','additionalProperties':{'type':'string'}}"),
            "{'labels':{'a':5}}", List.of("spec.labels.a: Invalid value: \"integer\": spec.labels.a in body must be of type string: \"integer\"")),
        arguments("an int-or-string takes an integer", object("'port':{'x-kubernetes-int-or-string':true}"), "{'port':80}", List.of()),
        arguments("an int-or-string takes a string", object("'port':{'x-kubernetes-int-or-string':true}"), "{'port':'http'}", List.of()),
        arguments("an int-or-string refuses a boolean", object("'port':{'x-kubernetes-int-or-string':true}"), "{'port':true}",
            List.of("spec.port: Invalid value: \"boolean\": spec.port in body must be of type integer,string: \"boolean\"")),
        arguments("unknown fields are not validation errors", object("'a':{'type':'string'}"), "{'b':1}", List.of()),
        arguments("anyOf is met by one alternative", "{'type':'object','properties':{'a':{'type':'string'},'b':{'type':'string'}},"
            + "'anyOf':[{'required':['a']},{'required':['b']}]}", "{'b':'x'}", List.of()),
        arguments("anyOf reports itself and its closest alternative", "{'type':'object','properties':{'a':{'type':'string'},'b':{'type':'string'}},"
            + "'anyOf':[{'required':['a']},{'required':['b']}]}", "{}",
            List.of("spec: Invalid value: \"\": \"spec\" must validate at least one schema (anyOf)", "spec.a: Required value")),
        arguments("oneOf refuses two matches", "{'type':'object','properties':{'a':{'type':'string'},'b':{'type':'string'}},"
            + "'oneOf':[{'required':['a']},{'required':['b']}]}", "{'a':'x','b':'y'}",
            List.of("spec: Invalid value: \"\": \"spec\" must validate one and only one schema (oneOf). Found 2 valid alternatives")),
        arguments("allOf reports each failure", "{'type':'object','properties':{'a':{'type':'string'}},'allOf':[{'required':['a']}]}", "{}",
            List.of("spec.a: Required value", "spec: Invalid value: \"\": \"spec\" must validate all the schemas (allOf). None validated")),
        arguments("not refuses what it describes", "{'type':'object','properties':{'a':{'type':'string'}},'not':{'required':['a']}}", "{'a':'x'}",
            List.of("spec: Invalid value: \"\": \"spec\" must not validate the schema (not)")),
        arguments("a set holds distinct values", object("'tags':{'type':'array','x-kubernetes-list-type':'set','items':{'type':'string'}}"),
            "{'tags':['a','b']}", List.of()),
        arguments("a set refuses a repeated value once, at its second place",
            object("'tags':{'type':'array','x-kubernetes-list-type':'set','items':{'type':'string'}}"),
            "{'tags':['a','b','a','a']}", List.of("spec.tags[2]: Duplicate value: \"a\"")),
        arguments("a list map refuses a repeated key", object("'ports':{'type':'array','x-kubernetes-list-type':'map',"
            + "'x-kubernetes-list-map-keys':['name'],'items':{'type':'object','required':['name'],"
            + "'properties':{'name':{'type':'string'},'port':{'type':'integer'}}}}"),
            "{'ports':[{'name':'http','port':80},{'name':'http','port':81}]}", List.of("spec.ports[1]: Duplicate value: \"{\\\"name\\\":\\\"http\\\"}\"")),
        arguments("an embedded resource needs apiVersion and kind",
            object("'template':{'type':'object','x-kubernetes-embedded-resource':true,'x-kubernetes-preserve-unknown-fields':true}"),
            "{'template':{'apiVersion':'v1'}}", List.of("spec.template.kind: Required value: must not be empty")),
        arguments("an embedded resource with both is accepted",
            object("'template':{'type':'object','x-kubernetes-embedded-resource':true,'x-kubernetes-preserve-unknown-fields':true}"),
            "{'template':{'apiVersion':'v1','kind':'Pod'}}", List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void objectsAreValidatedAsKubernetesValidatesThem(String sentence, String specSchema, String spec, List<String> expected) {
    assertThat(errors(specSchema, spec)).containsExactlyInAnyOrderElementsOf(expected);
  }

  static Stream<Arguments> formats() {
    return Stream.of(
        arguments("uuid", "3f2504e0-4f89-11d3-9a0c-0305e82c3301", true), arguments("uuid", "3f2504e0", false),
        arguments("date", "2024-02-29", true), arguments("date", "2023-02-29", false),
        arguments("date-time", "2024-01-02T03:04:05Z", true), arguments("date-time", "2024-01-02T03:04:05.123+01:00", true),
        arguments("date-time", "2024-01-02 03:04:05", false),
        arguments("duration", "1h30m", true), arguments("duration", "3 days", true), arguments("duration", "soon", false),
        arguments("byte", "aGVsbG8=", true), arguments("byte", "not base64!", false),
        arguments("ipv4", "10.0.0.1", true), arguments("ipv4", "10.0.0.256", false), arguments("ipv4", "010.0.0.1", false),
        arguments("ipv6", "fd00::1", true), arguments("ipv6", "::ffff:10.0.0.1", true), arguments("ipv6", "fd00:::1", false),
        arguments("cidr", "10.0.0.0/8", true), arguments("cidr", "fd00::/64", true), arguments("cidr", "10.0.0.0/33", false),
        arguments("hostname", "example.com", true), arguments("hostname", "-bad", false),
        arguments("email", "a@example.com", true), arguments("email", "Ann <a@example.com>", true), arguments("email", "nobody", false),
        arguments("int32", "any string, for the format is stripped", true),
        arguments("made-up", "unknown formats are ignored", true));
  }

  @ParameterizedTest(name = "{0} {1} valid={2}")
  @MethodSource("formats")
  void formatsAreCheckedAsKubeOpenApiChecksThem(String format, String value, boolean valid) {
    List<String> errors = errors(object("'v':{'type':'string','format':'" + format + "'}"), "{'v':'" + value + "'}");
    if (valid) {
      assertThat(errors).isEmpty();
    } else {
      assertThat(errors).containsExactly("spec.v: Invalid value: \"%s\": spec.v in body must be of type %s: \"%s\"".formatted(value, format, value));
    }
  }
}
