package io.dirigent.core.crd.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.validation.FieldError;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which openAPIV3Schemas a CRD may carry, with Kubernetes' messages: for each rule a schema that
 * passes and one that is refused. Schemas are written with single quotes; a row names every error
 * the schema gets, in any order.
 */
class SchemaCheckTest {

  private static final String P = "spec.versions[0].schema.openAPIV3Schema";

  static JsonNode json(String text) {
    try {
      return KubeJson.MAPPER.readTree(text.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  /** A root object schema with one property {@code a} of the given schema. */
  private static String withA(String property) {
    return "{'type':'object','properties':{'a':" + property + "}}";
  }

  private static final String MAP_LIST = "{'type':'array','x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['name'],"
      + "'items':{'type':'object','required':['name'],'properties':{'name':{'type':'string'},'port':{'type':'integer'}}}}";

  static Stream<Arguments> rules() {
    return Stream.of(
        arguments("a plain object schema is structural",
            "{'type':'object','properties':{'spec':{'type':'object','properties':{'replicas':{'type':'integer'}}}}}", List.of()),
        arguments("a field without a type is refused",
            "{'type':'object','properties':{'spec':{}}}",
            List.of(P + ".properties[spec].type: Required value: must not be empty for specified object fields")),
        arguments("array items without a type are refused", withA("{'type':'array','items':{}}"),
            List.of(P + ".properties[a].items.type: Required value: must not be empty for specified array items")),
        arguments("a root without a type is refused", "{'properties':{'a':{'type':'string'}}}",
            List.of(P + ".type: Required value: must not be empty at the root")),
        arguments("a root that is not an object is refused", "{'type':'string'}",
            List.of(P + ".type: Invalid value: \"string\": must be object at the root")),
        arguments("an array needs items", withA("{'type':'array'}"),
            List.of(P + ".properties[a].items: Required value: must be specified")),
        arguments("an int-or-string field needs no type", withA("{'x-kubernetes-int-or-string':true}"), List.of()),
        arguments("a field preserving unknown fields needs no type", withA("{'x-kubernetes-preserve-unknown-fields':true}"), List.of()),
        arguments("an unknown type is refused", withA("{'type':'str'}"),
            List.of(P + ".properties[a].type: Unsupported value: \"str\": supported values: \"array\", \"boolean\", \"integer\", \"number\", \"object\", \"string\"")),
        arguments("type null is refused", withA("{'type':'null'}"),
            List.of(P + ".properties[a].type: Unsupported value: \"null\": supported values: \"array\", \"boolean\", \"integer\", \"number\", \"object\", \"string\"",
                P + ".properties[a].type: Forbidden: type cannot be set to null, use nullable as an alternative")),
        arguments("$ref is refused", withA("{'type':'string','$ref':'#/definitions/x'}"),
            List.of(P + ".properties[a].$ref: Forbidden: $ref is not supported")),
        arguments("patternProperties are refused", withA("{'type':'object','patternProperties':{'^x':{'type':'string'}}}"),
            List.of(P + ".properties[a].patternProperties: Forbidden: patternProperties is not supported")),
        arguments("additionalItems are refused", withA("{'type':'array','items':{'type':'string'},'additionalItems':false}"),
            List.of(P + ".properties[a].additionalItems: Forbidden: additionalItems is not supported")),
        arguments("dependencies are refused", withA("{'type':'object','dependencies':{'b':['c']}}"),
            List.of(P + ".properties[a].dependencies: Forbidden: dependencies is not supported")),
        arguments("definitions are refused", withA("{'type':'object','definitions':{'b':{'type':'string'}}}"),
            List.of(P + ".properties[a].definitions: Forbidden: definitions is not supported")),
        arguments("id is refused", withA("{'type':'string','id':'x'}"),
            List.of(P + ".properties[a].id: Forbidden: id is not supported")),
        arguments("$schema is refused when nothing else is wrong",
            "{'type':'object','$schema':'http://json-schema.org/draft-04/schema#'}",
            List.of(P + ": Invalid value: \"\": OpenAPIV3Schema 'schema' is not supported")),
        arguments("properties and additionalProperties are exclusive",
            withA("{'type':'object','properties':{'b':{'type':'string'}},'additionalProperties':{'type':'string'}}"),
            List.of(P + ".properties[a].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive")),
        arguments("a map of strings is structural", withA("{'type':'object','additionalProperties':{'type':'string'}}"), List.of()),
        arguments("additionalProperties at the root are refused", "{'type':'object','additionalProperties':{'type':'string'}}",
            List.of(P + ".additionalProperties: Forbidden: must not be used at the root")),
        arguments("items as an array are refused", withA("{'type':'array','items':[{'type':'string'}]}"),
            List.of(P + ".properties[a].items: Forbidden: items must be a schema object and not an array")),
        arguments("uniqueItems are refused", withA("{'type':'array','items':{'type':'string'},'uniqueItems':true}"),
            List.of(P + ".properties[a].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic")),
        arguments("preserve-unknown-fields false is refused", withA("{'type':'object','x-kubernetes-preserve-unknown-fields':false}"),
            List.of(P + ".properties[a].x-kubernetes-preserve-unknown-fields: Invalid value: \"false\": must be true or undefined")),
        arguments("a nullable root is refused", "{'type':'object','nullable':true}",
            List.of(P + ".nullable: Forbidden: nullable cannot be true at the root")),
        arguments("root metadata may restrict the name",
            "{'type':'object','properties':{'metadata':{'type':'object','properties':{'name':{'type':'string','maxLength':10}}}}}", List.of()),
        arguments("root metadata may not restrict labels",
            "{'type':'object','properties':{'metadata':{'type':'object','properties':{'labels':{'type':'object'}}}}}",
            List.of(P + ".properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified")),
        arguments("root metadata must be an object", "{'type':'object','properties':{'metadata':{'type':'string'}}}",
            List.of(P + ".properties[metadata].type: Invalid value: \"string\": must be object")),
        arguments("root metadata has no default", "{'type':'object','properties':{'metadata':{'type':'object','default':{}}}}",
            List.of(P + ".properties[metadata].default: Forbidden: must not be set in top-level metadata")),
        arguments("root kind must be a string", "{'type':'object','properties':{'kind':{'type':'integer'}}}",
            List.of(P + ".properties[kind].type: Invalid value: \"integer\": must be string")),
        arguments("a list map with required keys is structural", withA(MAP_LIST), List.of()),
        arguments("list map keys need list type map",
            withA(MAP_LIST.replace("'x-kubernetes-list-type':'map',", "")),
            List.of(P + ".properties[a].x-kubernetes-list-type: Required value: must be map if x-kubernetes-list-map-keys is non-empty")),
        arguments("list type map needs keys", withA(MAP_LIST.replace("'x-kubernetes-list-map-keys':['name'],", "")),
            List.of(P + ".properties[a].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map")),
        arguments("list map keys must be item properties", withA(MAP_LIST.replace("['name']", "['id']")),
            List.of(P + ".properties[a].x-kubernetes-list-map-keys: Invalid value: \"[\\\"id\\\"]\": entries must all be names of item properties")),
        arguments("list map keys must be required or defaulted", withA(MAP_LIST.replace("'required':['name'],", "")),
            List.of(P + ".properties[a].items.properties.name.default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property")),
        arguments("list map items must be objects",
            withA("{'type':'array','x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['name'],'items':{'type':'string'}}"),
            List.of(P + ".properties[a].items.type: Invalid value: \"string\": must be object if parent array's x-kubernetes-list-type is map")),
        arguments("a set of strings is structural", withA("{'type':'array','x-kubernetes-list-type':'set','items':{'type':'string'}}"), List.of()),
        arguments("a set's object items must be atomic",
            withA("{'type':'array','x-kubernetes-list-type':'set','items':{'type':'object','properties':{'b':{'type':'string'}}}}"),
            List.of(P + ".properties[a].items.x-kubernetes-map-type: Invalid value: null: must be atomic as item of a list with x-kubernetes-list-type=set")),
        arguments("list type only on arrays", withA("{'type':'string','x-kubernetes-list-type':'set'}"),
            List.of(P + ".properties[a].type: Invalid value: \"string\": must be array if x-kubernetes-list-type is specified")),
        arguments("an unknown list type is refused", withA("{'type':'array','items':{'type':'string'},'x-kubernetes-list-type':'bag'}"),
            List.of(P + ".properties[a].x-kubernetes-list-type: Unsupported value: \"bag\": supported values: \"atomic\", \"set\", \"map\"")),
        arguments("map type only on objects", withA("{'type':'string','x-kubernetes-map-type':'atomic'}"),
            List.of(P + ".properties[a].type: Invalid value: \"string\": must be object if x-kubernetes-map-type is specified")),
        arguments("an unknown map type is refused", withA("{'type':'object','x-kubernetes-map-type':'loose'}"),
            List.of(P + ".properties[a].x-kubernetes-map-type: Unsupported value: \"loose\": supported values: \"atomic\", \"granular\"")),
        arguments("value validations in allOf may not set a type", withA("{'type':'string','allOf':[{'type':'string'}]}"),
            List.of(P + ".properties[a].allOf[0].type: Forbidden: must be empty to be structural")),
        arguments("value validations in anyOf may restrict what is specified",
            "{'type':'object','properties':{'a':{'type':'string'},'b':{'type':'string'}},'anyOf':[{'required':['a']},{'required':['b']}]}", List.of()),
        arguments("value validations may not specify fields the structure lacks",
            "{'type':'object','properties':{'a':{'type':'string'}},'anyOf':[{'properties':{'b':{'maxLength':3}}}]}",
            List.of(P + ".properties[b]: Required value: because it is defined in " + P + ".anyOf[0].properties[b]")),
        arguments("int-or-string may spell out its anyOf",
            withA("{'x-kubernetes-int-or-string':true,'anyOf':[{'type':'integer'},{'type':'string'}]}"), List.of()),
        arguments("int-or-string does not preserve unknown fields",
            withA("{'x-kubernetes-int-or-string':true,'x-kubernetes-preserve-unknown-fields':true}"),
            List.of(P + ".properties[a].x-kubernetes-preserve-unknown-fields: Invalid value: \"true\": must be false if x-kubernetes-int-or-string is true")),
        arguments("an embedded resource that preserves its fields is structural",
            withA("{'type':'object','x-kubernetes-embedded-resource':true,'x-kubernetes-preserve-unknown-fields':true}"), List.of()),
        arguments("an embedded resource is an object",
            withA("{'x-kubernetes-embedded-resource':true,'x-kubernetes-preserve-unknown-fields':true}"),
            List.of(P + ".properties[a].type: Required value: must be object if x-kubernetes-embedded-resource is true")),
        arguments("an embedded resource specifies its fields or preserves them",
            withA("{'type':'object','x-kubernetes-embedded-resource':true}"),
            List.of(P + ".properties[a].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields")),
        arguments("a valid default is accepted", withA("{'type':'integer','maximum':10,'default':5}"), List.of()),
        arguments("a default over the maximum is refused", withA("{'type':'integer','maximum':10,'default':20}"),
            List.of(P + ".properties[a].default: Invalid value: \"20\":  in body should be less than or equal to 10")),
        arguments("a default of the wrong type is refused", withA("{'type':'integer','default':'five'}"),
            List.of(P + ".properties[a].default: Invalid value: \"string\":  in body must be of type integer: \"string\"")),
        arguments("a default must be pruned",
            withA("{'type':'object','properties':{'b':{'type':'string'}},'default':{'b':'x','c':'y'}}"),
            List.of(P + ".properties[a].default: Invalid value: \"{\\\"b\\\":\\\"x\\\",\\\"c\\\":\\\"y\\\"}\": must not have unknown fields")),
        arguments("a default's fields are validated under its path",
            withA("{'type':'object','properties':{'b':{'type':'string','enum':['x']}},'default':{'b':'y'}}"),
            List.of(P + ".properties[a].default.b: Unsupported value: \"y\": supported values: \"x\"")),
        arguments("a brace that opens no repetition is a literal, as Go reads it", withA("{'type':'string','pattern':'^{{.*}}$'}"), List.of()),
        arguments("a brace before a comma opens no repetition either", withA("{'type':'string','pattern':'^a{,3}$'}"), List.of()),
        arguments("a bracket inside a class is a literal, as Go reads it", withA("{'type':'string','pattern':'^[^[\\\\]]*$'}"), List.of()),
        arguments("a POSIX class is a class, as Go reads it", withA("{'type':'string','pattern':'^[[:alnum:]_-]+$'}"), List.of()),
        arguments("a named group in Go's spelling is accepted", withA("{'type':'string','pattern':'^(?P<word>[a-z]+)$'}"), List.of()),
        arguments("a keyword of the wrong kind is refused", withA("{'type':5}"),
            List.of(P + ".properties[a].type: Invalid value: \"5\": must be a string")),
        arguments("a schema must be an object", "[]", List.of(P + ": Invalid value: \"[]\": must be a JSON object")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void schemasAreCheckedAsKubernetesChecksThem(String sentence, String schema, List<String> expected) {
    List<String> errors = SchemaCheck.structuralErrors(json(schema), P).stream().map(FieldError::message).toList();
    assertThat(errors).containsExactlyInAnyOrderElementsOf(expected);
  }
}
