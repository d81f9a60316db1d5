package io.dirigent.core.crd.jsonpath;

import java.util.List;

/** The parsed form of a JSONPath template, one record per client-go {@code jsonpath} node type. */
sealed interface JsonPathNode {

  /** A sequence evaluated left to right, each node on the previous one's results. */
  record Sequence(List<JsonPathNode> nodes) implements JsonPathNode {
    public Sequence {
      nodes = List.copyOf(nodes);
    }
  }

  /** Literal text: outside braces it is printed as is; inside, a quoted string. */
  record Text(String text) implements JsonPathNode {}

  /** {@code .name}: an object's member. */
  record Field(String name) implements JsonPathNode {}

  /** {@code [start:end:step]}, {@code [i]} or {@code [*]}: elements of an array. */
  record Slice(Bound start, Bound end, Bound step) implements JsonPathNode {}

  /**
   * One slice bound: {@code known} when written (or derived: {@code [i]} ends at {@code i+1}).
   */
  record Bound(long value, boolean known, boolean derived) {
    static final Bound UNKNOWN = new Bound(0, false, false);
  }

  /** {@code [?(left op right)]}, or {@code [?(left)]} with operator {@code exists}. */
  record Filter(Sequence left, Sequence right, String operator) implements JsonPathNode {}

  /** An integer literal in a filter. */
  record IntLiteral(long value) implements JsonPathNode {}

  /** A decimal literal in a filter. */
  record FloatLiteral(double value) implements JsonPathNode {}

  /** {@code true} or {@code false} in a filter. */
  record BoolLiteral(boolean value) implements JsonPathNode {}

  /** {@code .*}: every member of an object or element of an array. */
  record Wildcard() implements JsonPathNode {}

  /** {@code ..}: the value and every object and array below it. */
  record Recursive() implements JsonPathNode {}

  /** {@code [a,b]}: the results of each part, in order. */
  record Union(List<Sequence> parts) implements JsonPathNode {
    public Union {
      parts = List.copyOf(parts);
    }
  }

  /** A bare word: client-go's {@code range} and {@code end}, which columns do not support. */
  record Identifier(String name) implements JsonPathNode {}
}
