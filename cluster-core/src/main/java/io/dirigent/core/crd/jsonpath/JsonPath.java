package io.dirigent.core.crd.jsonpath;

import io.dirigent.core.crd.schema.GoText;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.dirigent.core.crd.jsonpath.JsonPathNode.BoolLiteral;
import io.dirigent.core.crd.jsonpath.JsonPathNode.Field;
import io.dirigent.core.crd.jsonpath.JsonPathNode.Filter;
import io.dirigent.core.crd.jsonpath.JsonPathNode.FloatLiteral;
import io.dirigent.core.crd.jsonpath.JsonPathNode.Identifier;
import io.dirigent.core.crd.jsonpath.JsonPathNode.IntLiteral;
import io.dirigent.core.crd.jsonpath.JsonPathNode.Recursive;
import io.dirigent.core.crd.jsonpath.JsonPathNode.Sequence;
import io.dirigent.core.crd.jsonpath.JsonPathNode.Slice;
import io.dirigent.core.crd.jsonpath.JsonPathNode.Text;
import io.dirigent.core.crd.jsonpath.JsonPathNode.Union;
import io.dirigent.core.crd.jsonpath.JsonPathNode.Wildcard;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A JSONPath template evaluated as client-go's {@code util/jsonpath} evaluates it, which is what a
 * CustomResourceDefinition's printer columns run through: {@code .a.b}, {@code ['a']}, {@code
 * [0]}, {@code [-1]}, {@code [1:3]}, {@code [*]}, {@code .*}, {@code ..}, {@code [a,b]} and filters
 * such as {@code [?(@.type=="Ready")]} or {@code [?(@.ready)]}.
 *
 * <p>Immutable and safe to share. Its cost is bounded whatever the path and the object: templates
 * are at most {@link JsonPathParser#MAX_LENGTH} characters, and an evaluation that would produce
 * more than {@link #MAX_VALUES} values ends with an error instead. Every failure is a {@link
 * JsonPathException} with client-go's message. Not supported: {@code range} and {@code end} (they
 * are errors here), and a wildcard over a string, which yields nothing (client-go its bytes).
 */
public final class JsonPath {

  /** Most values one evaluation may produce along the way, to bound repeated {@code ..}. */
  public static final int MAX_VALUES = 100_000;

  private final List<JsonPathNode> nodes;
  private final boolean allowMissingKeys;

  private JsonPath(List<JsonPathNode> nodes, boolean allowMissingKeys) {
    this.nodes = List.copyOf(nodes);
    this.allowMissingKeys = allowMissingKeys;
  }

  /** A template such as {@code {.metadata.name}} or {@code x={.a} y={.b}}; missing keys fail. */
  public static JsonPath parse(String template) throws JsonPathException {
    return new JsonPath(JsonPathParser.parse(template), false);
  }

  /**
   * A printer column's {@code jsonPath}, as the API server runs it: wrapped in {@code {}}, with a
   * missing key an empty result rather than an error.
   */
  public static JsonPath printerColumn(String jsonPath) throws JsonPathException {
    return new JsonPath(JsonPathParser.parse("{" + jsonPath + "}"), true);
  }

  /**
   * client-go's {@code FindResults}: one list of values per part of the template, in order (a
   * {@code {...}} gives what it selects, text outside braces gives itself).
   */
  public List<List<JsonNode>> findResults(JsonNode data) throws JsonPathException {
    Evaluation evaluation = new Evaluation(allowMissingKeys);
    List<List<JsonNode>> results = new ArrayList<>();
    for (JsonPathNode node : nodes) {
      results.add(List.copyOf(evaluation.walk(List.of(data), node)));
    }
    return List.copyOf(results);
  }

  /**
   * How client-go prints one result: objects and arrays as compact JSON, strings as they are,
   * numbers and booleans as Go prints them, and JSON null as {@code <no value>}.
   */
  public static String text(JsonNode value) {
    if (value.isObject() || value.isArray()) {
      return GoStrings.marshal(value);
    }
    if (value.isNull() || value.isMissingNode()) {
      return "<no value>";
    }
    if (value.isFloatingPointNumber()) {
      return GoText.number(value.asDouble());
    }
    return value.asText();
  }

  /** One run over one object: the missing-key rule and the budget of values produced so far. */
  private static final class Evaluation {
    private final boolean allowMissingKeys;
    private int produced;

    Evaluation(boolean allowMissingKeys) {
      this.allowMissingKeys = allowMissingKeys;
    }

    List<JsonNode> walk(List<JsonNode> input, JsonPathNode node) throws JsonPathException {
      if (node instanceof Sequence sequence) {
        return sequence(input, sequence);
      } else if (node instanceof Text text) {
        return List.of(TextNode.valueOf(text.text()));
      } else if (node instanceof Field field) {
        return field(input, field.name());
      } else if (node instanceof Slice slice) {
        return slice(input, slice);
      } else if (node instanceof Filter filter) {
        return filter(input, filter);
      } else if (node instanceof IntLiteral literal) {
        return repeat(input, LongNode.valueOf(literal.value()));
      } else if (node instanceof FloatLiteral literal) {
        return repeat(input, DoubleNode.valueOf(literal.value()));
      } else if (node instanceof BoolLiteral literal) {
        return repeat(input, BooleanNode.valueOf(literal.value()));
      } else if (node instanceof Wildcard) {
        return wildcard(input);
      } else if (node instanceof Recursive) {
        return recursive(input);
      } else if (node instanceof Union union) {
        return union(input, union);
      }
      String name = ((Identifier) node).name();
      throw new JsonPathException(name.equals("range") || name.equals("end")
          ? name + " is not supported here" : "unrecognized identifier " + name);
    }

    private List<JsonNode> sequence(List<JsonNode> input, Sequence sequence)
        throws JsonPathException {
      List<JsonNode> current = input;
      for (JsonPathNode node : sequence.nodes()) {
        current = walk(current, node);
      }
      return current;
    }

    private List<JsonNode> field(List<JsonNode> input, String name) throws JsonPathException {
      List<JsonNode> results = new ArrayList<>();
      for (JsonNode value : input) {
        if (value.isObject() && value.has(name)) {
          add(results, value.get(name));
        }
      }
      if (results.isEmpty() && !input.isEmpty() && !allowMissingKeys) {
        throw new JsonPathException(name + " is not found");
      }
      return results;
    }

    private List<JsonNode> slice(List<JsonNode> input, Slice slice) throws JsonPathException {
      List<JsonNode> results = new ArrayList<>();
      for (JsonNode value : input) {
        if (value.isNull()) {
          continue;
        }
        if (!value.isArray()) {
          throw new JsonPathException(goType(value) + " is not array or slice");
        }
        long length = value.size();
        long from = slice.start().known() ? slice.start().value() : 0;
        if (from < 0) {
          from += length;
        }
        long to = slice.end().known() ? slice.end().value() : length;
        if (to < 0 || (to == 0 && slice.end().derived())) {
          to += length;
        }
        if (to == from) {
          return results; // zero elements asked for: client-go stops here, whatever follows
        }
        if (from >= length || from < 0) {
          throw outOfBounds(from, length);
        }
        if (to > length || to < 0) {
          throw outOfBounds(to - 1, length);
        }
        if (from > to) {
          throw new JsonPathException(
              "starting index %d is greater than ending index %d".formatted(from, to));
        }
        long step = 1;
        if (slice.step().known()) {
          if (slice.step().value() <= 0) {
            throw new JsonPathException("step must be > 0");
          }
          step = slice.step().value();
        }
        for (long i = from; i < to; i += step) {
          add(results, value.get((int) i));
          if (step >= to - i) {
            break; // the next index is past the end; adding the step could overflow
          }
        }
      }
      return results;
    }

    private List<JsonNode> filter(List<JsonNode> input, Filter filter) throws JsonPathException {
      List<JsonNode> results = new ArrayList<>();
      for (JsonNode value : input) {
        if (!value.isArray()) {
          throw new JsonPathException(
              text(value) + " is not array or slice and cannot be filtered");
        }
        for (JsonNode element : value) {
          if (keeps(filter, element)) {
            add(results, element);
          }
        }
      }
      return results;
    }

    private boolean keeps(Filter filter, JsonNode element) throws JsonPathException {
      List<JsonNode> lefts;
      try {
        lefts = sequence(List.of(element), filter.left());
      } catch (JsonPathException missing) {
        if (filter.operator().equals("exists")) {
          return false; // client-go ignores the error of an existence test
        }
        throw missing;
      }
      if (filter.operator().equals("exists")) {
        return !lefts.isEmpty();
      }
      if (lefts.isEmpty()) {
        return false;
      }
      if (lefts.size() > 1) {
        throw new JsonPathException("can only compare one element at a time");
      }
      List<JsonNode> rights = sequence(List.of(element), filter.right());
      if (rights.isEmpty()) {
        return false;
      }
      if (rights.size() > 1) {
        throw new JsonPathException("can only compare one element at a time");
      }
      return GoComparison.compare(filter.operator(), lefts.get(0), rights.get(0));
    }

    private List<JsonNode> wildcard(List<JsonNode> input) throws JsonPathException {
      List<JsonNode> results = new ArrayList<>();
      for (JsonNode value : input) {
        if (value.isContainerNode()) {
          for (JsonNode child : value) {
            add(results, child);
          }
        }
      }
      return results;
    }

    /** Every object and array at or below each input, parents before children. */
    private List<JsonNode> recursive(List<JsonNode> input) throws JsonPathException {
      List<JsonNode> results = new ArrayList<>();
      Deque<JsonNode> pending = new ArrayDeque<>();
      for (int i = input.size() - 1; i >= 0; i--) {
        pending.push(input.get(i));
      }
      while (!pending.isEmpty()) {
        JsonNode value = pending.pop();
        if (!value.isContainerNode() || value.isEmpty()) {
          continue;
        }
        add(results, value);
        List<JsonNode> children = new ArrayList<>();
        value.forEach(children::add);
        for (int i = children.size() - 1; i >= 0; i--) {
          pending.push(children.get(i));
        }
      }
      return results;
    }

    private List<JsonNode> union(List<JsonNode> input, Union union) throws JsonPathException {
      List<JsonNode> results = new ArrayList<>();
      for (Sequence part : union.parts()) {
        for (JsonNode value : sequence(input, part)) {
          add(results, value);
        }
      }
      return results;
    }

    private List<JsonNode> repeat(List<JsonNode> input, JsonNode literal) throws JsonPathException {
      List<JsonNode> results = new ArrayList<>();
      for (int i = 0; i < input.size(); i++) {
        add(results, literal);
      }
      return results;
    }

    private void add(List<JsonNode> results, JsonNode value) throws JsonPathException {
      if (++produced > MAX_VALUES) {
        throw new JsonPathException("jsonpath selects more than " + MAX_VALUES + " values");
      }
      results.add(value);
    }
  }

  private static JsonPathException outOfBounds(long index, long length) {
    return new JsonPathException(
        "array index out of bounds: index %d, length %d".formatted(index, length));
  }

  /** The Go type client-go names in its errors, as unstructured JSON decodes to. */
  private static String goType(JsonNode value) {
    if (value.isObject()) {
      return "map[string]interface {}";
    }
    if (value.isTextual()) {
      return "string";
    }
    if (value.isBoolean()) {
      return "bool";
    }
    return value.isIntegralNumber() ? "int64" : "float64";
  }
}
