package io.dirigent.core.crd.schema;

import static io.dirigent.core.crd.schema.SchemaCheckTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pruning and defaulting change an object in place as Kubernetes changes it before storing: each
 * row gives the schema of {@code spec}, {@code spec} before, and {@code spec} after (and, for
 * pruning, the removed paths).
 */
class PruneAndDefaultTest {

  private static final String HEADER = "'apiVersion':'x.io/v1','kind':'X','metadata':{'name':'a','labels':{'l':'v'}}";

  private static StructuralSchema schema(String specSchema) {
    return StructuralSchema.of(json("{'type':'object','properties':{'spec':" + specSchema + "}}"));
  }

  private static ObjectNode object(String spec) {
    return (ObjectNode) json("{" + HEADER + (spec.isEmpty() ? "" : ",'spec':" + spec) + "}");
  }

  static Stream<Arguments> pruning() {
    return Stream.of(
        arguments("known fields stay", "{'type':'object','properties':{'a':{'type':'string'}}}", "{'a':'x'}", "{'a':'x'}", List.of()),
        arguments("an unknown field is removed and named", "{'type':'object','properties':{'a':{'type':'string'}}}",
            "{'a':'x','foo':1}", "{'a':'x'}", List.of("spec.foo")),
        arguments("unknown fields of list items are named by index",
            "{'type':'object','properties':{'list':{'type':'array','items':{'type':'object','properties':{'a':{'type':'string'}}}}}}",
            "{'list':[{'a':'x'},{'a':'y','bar':2}]}", "{'list':[{'a':'x'},{'a':'y'}]}", List.of("spec.list[1].bar")),
        arguments("map values are pruned by additionalProperties",
            "{'type':'object','properties':{'m':{'type':'object','additionalProperties':{'type':'object','properties':{'a':{'type':'string'}}}}}}",
            "{'m':{'k':{'a':'x','b':'y'}}}", "{'m':{'k':{'a':'x'}}}", List.of("spec.m.k.b")),
        arguments("preserve-unknown-fields keeps unknown fields", "{'type':'object','x-kubernetes-preserve-unknown-fields':true}",
            "{'anything':{'goes':[1,2]}}", "{'anything':{'goes':[1,2]}}", List.of()),
        arguments("preserve-unknown-fields still prunes inside the fields it specifies",
            "{'type':'object','x-kubernetes-preserve-unknown-fields':true,'properties':{'known':{'type':'object','properties':{'a':{'type':'string'}}}}}",
            "{'other':1,'known':{'a':'x','b':'y'}}", "{'other':1,'known':{'a':'x'}}", List.of("spec.known.b")),
        arguments("an embedded resource keeps apiVersion, kind and metadata",
            "{'type':'object','properties':{'t':{'type':'object','x-kubernetes-embedded-resource':true,'properties':{'spec':{'type':'object'}}}}}",
            "{'t':{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p'},'spec':{},'status':{}}}",
            "{'t':{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p'},'spec':{}}}", List.of("spec.t.status")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pruning")
  void unknownFieldsArePrunedAsKubernetesPrunesThem(String sentence, String specSchema, String before, String after, List<String> removed) {
    ObjectNode object = object(before);
    assertThat(schema(specSchema).prune(object)).containsExactlyElementsOf(removed);
    assertThat(object).isEqualTo(object(after));
  }

  @Test
  void theRootKeepsApiVersionKindAndMetadataAndLosesUnknownFields() {
    ObjectNode object = (ObjectNode) json("{" + HEADER + ",'spec':{},'extra':1,'status':{'x':1}}");
    List<String> removed = schema("{'type':'object'}").prune(object);
    assertThat(removed).containsExactly("extra", "status");
    assertThat(object).isEqualTo(json("{" + HEADER + ",'spec':{}}"));
  }

  static Stream<Arguments> defaulting() {
    return Stream.of(
        arguments("a missing property gets its default", "{'type':'object','properties':{'size':{'type':'integer','default':3}}}",
            "{}", "{'size':3}"),
        arguments("a given property keeps its value", "{'type':'object','properties':{'size':{'type':'integer','default':3}}}",
            "{'size':5}", "{'size':5}"),
        arguments("a missing parent is not created", "{'type':'object','properties':{'size':{'type':'integer','default':3}}}",
            "", ""),
        arguments("a parent's own default is then defaulted inside",
            "{'type':'object','default':{},'properties':{'size':{'type':'integer','default':3}}}", "", "{'size':3}"),
        arguments("a null where null is not allowed takes the default",
            "{'type':'object','properties':{'size':{'type':'integer','default':3}}}", "{'size':null}", "{'size':3}"),
        arguments("a null where null is not allowed and no default is dropped",
            "{'type':'object','properties':{'size':{'type':'integer'}}}", "{'size':null}", "{}"),
        arguments("a null where null is allowed is kept",
            "{'type':'object','properties':{'size':{'type':'integer','nullable':true,'default':3}}}", "{'size':null}", "{'size':null}"),
        arguments("list items get their properties' defaults",
            "{'type':'object','properties':{'list':{'type':'array','items':{'type':'object','properties':{'port':{'type':'integer','default':80}}}}}}",
            "{'list':[{},{'port':8080}]}", "{'list':[{'port':80},{'port':8080}]}"),
        arguments("a null item takes the items' default",
            "{'type':'object','properties':{'list':{'type':'array','items':{'type':'string','default':'x'}}}}",
            "{'list':['a',null]}", "{'list':['a','x']}"),
        arguments("map values get their defaults inside",
            "{'type':'object','properties':{'m':{'type':'object','additionalProperties':{'type':'object','properties':{'on':{'type':'boolean','default':true}}}}}}",
            "{'m':{'k':{}}}", "{'m':{'k':{'on':true}}}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("defaulting")
  void defaultsAreAppliedAsKubernetesAppliesThem(String sentence, String specSchema, String before, String after) {
    ObjectNode object = object(before);
    schema(specSchema).applyDefaults(object);
    assertThat(object).isEqualTo(object(after));
  }

  @Test
  void aDefaultIsCopiedSoObjectsNeverShareTheSchemasValue() {
    StructuralSchema schema = schema("{'type':'object','properties':{'tags':{'type':'array','items':{'type':'string'},'default':['a']}}}");
    ObjectNode first = object("{}");
    schema.applyDefaults(first);
    ((com.fasterxml.jackson.databind.node.ArrayNode) first.get("spec").get("tags")).add("changed");
    ObjectNode second = object("{}");
    schema.applyDefaults(second);
    assertThat(second.get("spec").get("tags")).isEqualTo(json("['a']"));
  }
}
