package io.dirigent.core.selector;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A Kubernetes field selector: equalities and inequalities on an object's fields, all of which
 * must hold, parsed as Kubernetes' {@code fields.ParseSelector} parses them. A field the object
 * lacks reads as "", so {@code spec.nodeName=} selects unscheduled pods.
 *
 * @param requirements the terms, all of which must hold; {@link #parse} orders them as Kubernetes
 *     does, by their text
 */
public record FieldSelector(List<Requirement> requirements) {

  private static final FieldSelector EVERYTHING = new FieldSelector(List.of());

  /** How a field's value must relate to a requirement's value. */
  public enum Operator {
    EQUALS("="),
    NOT_EQUALS("!=");

    private final String symbol;

    Operator(String symbol) {
      this.symbol = symbol;
    }

    /** The operator as written in a selector. */
    public String symbol() {
      return symbol;
    }
  }

  /**
   * One term, e.g. {@code spec.nodeName=node-1}.
   *
   * @param field the field label, e.g. {@code metadata.name}
   * @param value the unescaped value the field is compared with
   */
  public record Requirement(String field, Operator operator, String value) {

    public Requirement {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(operator, "operator");
      Objects.requireNonNull(value, "value");
    }

    /** Whether the object whose fields {@code fieldValue} reads (null for missing) holds this. */
    public boolean matches(Function<String, String> fieldValue) {
      String actual = Objects.requireNonNullElse(fieldValue.apply(field), "");
      return actual.equals(value) == (operator == Operator.EQUALS);
    }

    /** The term as written, its value escaped. */
    @Override
    public String toString() {
      return field + operator.symbol() + escapeValue(value);
    }
  }

  public FieldSelector {
    requirements = List.copyOf(requirements);
  }

  /** The selector that matches every object. */
  public static FieldSelector everything() {
    return EVERYTHING;
  }

  /**
   * Parses comma-separated {@code field=value}, {@code field==value} and {@code field!=value}
   * terms. In values, {@code \,}, {@code \=} and {@code \\} stand for ',', '=' and '\'; there is
   * no other escape, and no whitespace is trimmed, as in Kubernetes.
   *
   * @param text the selector; null or "" matches everything
   * @throws SelectorException for a term without an operator or a bad escape, saying where
   */
  public static FieldSelector parse(String text) {
    if (text == null || text.isEmpty()) {
      return EVERYTHING;
    }
    List<Term> terms = splitTerms(text);
    terms.sort(Comparator.comparing(Term::text));
    List<Requirement> requirements = new ArrayList<>();
    for (Term term : terms) {
      if (!term.text().isEmpty()) {
        term.requirement(text).ifPresent(requirements::add);
      }
    }
    return requirements.isEmpty() ? EVERYTHING : new FieldSelector(requirements);
  }

  /** Escapes '\', ',' and '=' so that {@code value} can be written after an operator. */
  public static String escapeValue(String value) {
    return value.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=");
  }

  /** The distinct fields the requirements read, in requirement order. */
  public Set<String> fields() {
    return requirements.stream()
        .map(Requirement::field)
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  /** Whether the object whose fields {@code fieldValue} reads (null for missing) is selected. */
  public boolean matches(Function<String, String> fieldValue) {
    for (Requirement requirement : requirements) {
      if (!requirement.matches(fieldValue)) {
        return false;
      }
    }
    return true;
  }

  /** Whether this selects every object. */
  public boolean isEverything() {
    return requirements.isEmpty();
  }

  /**
   * The value {@code field} must equal, if a term requires one, so a caller can look objects up
   * by it (pods by {@code spec.nodeName}) instead of testing each.
   */
  public Optional<String> exactMatch(String field) {
    return requirements.stream()
        .filter(r -> r.operator() == Operator.EQUALS && r.field().equals(field))
        .map(Requirement::value)
        .findFirst();
  }

  /** The selector in its canonical form, which {@link #parse} reads back to an equal selector. */
  @Override
  public String toString() {
    return requirements.stream().map(Requirement::toString).collect(Collectors.joining(","));
  }

  /** Splits on commas that are not escaped; an escaped comma stays in its term, escaped. */
  private static List<Term> splitTerms(String text) {
    List<Term> terms = new ArrayList<>();
    int start = 0;
    boolean escaped = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == ',') {
        terms.add(new Term(text.substring(start, i), start));
        start = i + 1;
      }
    }
    terms.add(new Term(text.substring(start), start));
    return terms;
  }

  /** One comma-separated term of the selector text and where it starts. */
  private record Term(String text, int position) {

    private static final List<String> OPERATORS = List.of("!=", "==", "=");

    /**
     * The term's requirement; empty when both field and value are empty (a bare "="), which
     * Kubernetes drops. The first operator found splits field from value: fields cannot escape.
     */
    Optional<Requirement> requirement(String selector) {
      for (int i = 0; i < text.length(); i++) {
        for (String operator : OPERATORS) {
          if (text.startsWith(operator, i)) {
            String field = text.substring(0, i);
            int valueStart = i + operator.length();
            String value = unescape(text.substring(valueStart), position + valueStart);
            if (field.isEmpty() && value.isEmpty()) {
              return Optional.empty();
            }
            Operator op = operator.equals("!=") ? Operator.NOT_EQUALS : Operator.EQUALS;
            return Optional.of(new Requirement(field, op, value));
          }
        }
      }
      throw new SelectorException(
          "invalid selector: '%s'; can't understand '%s'".formatted(selector, text), position);
    }

    private static String unescape(String value, int position) {
      StringBuilder unescaped = new StringBuilder(value.length());
      boolean escaped = false;
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (escaped) {
          if (c != '\\' && c != ',' && c != '=') {
            throw new SelectorException(
                "invalid field selector: invalid escape sequence: \\" + sequenceAt(value, i),
                position + i - 1);
          }
          unescaped.append(c);
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == ',' || c == '=') {
          throw new SelectorException(
              "invalid field selector: unescaped character in value: '" + c + "'", position + i);
        } else {
          unescaped.append(c);
        }
      }
      if (escaped) {
        throw new SelectorException(
            "invalid field selector: invalid escape sequence: \\", position + value.length() - 1);
      }
      return unescaped.toString();
    }

    /** The whole character at {@code i}, so a bad escape of an emoji shows the emoji. */
    private static String sequenceAt(String value, int i) {
      return new String(Character.toChars(value.codePointAt(i)));
    }
  }
}
