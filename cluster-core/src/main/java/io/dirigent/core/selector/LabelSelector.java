package io.dirigent.core.selector;

import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A Kubernetes label selector: requirements on an object's labels, all of which must hold. Built
 * from the string syntax ({@code app=web,tier in (a,b),!canary}) or from a {@code
 * metav1.LabelSelector} spec, with Kubernetes' semantics to the letter: {@code !=} and {@code
 * notin} hold when the key is absent, a null spec selects nothing and an empty one everything.
 * Immutable; requirements are kept sorted by key.
 */
public final class LabelSelector {

  private static final LabelSelector EVERYTHING = new LabelSelector(List.of(), false);
  private static final LabelSelector NOTHING = new LabelSelector(List.of(), true);

  /** Kubernetes' {@code selection.Operator}s a label requirement can use. */
  public enum Operator {
    IN("in"),
    NOT_IN("notin"),
    EQUALS("="),
    DOUBLE_EQUALS("=="),
    NOT_EQUALS("!="),
    EXISTS("exists"),
    DOES_NOT_EXIST("!"),
    GREATER_THAN("gt"),
    LESS_THAN("lt");

    private final String symbol;

    Operator(String symbol) {
      this.symbol = symbol;
    }

    /** Kubernetes' name for the operator, e.g. {@code notin} or {@code gt}. */
    public String symbol() {
      return symbol;
    }
  }

  /**
   * One requirement on one label, validated as Kubernetes' {@code NewRequirement} validates it.
   *
   * @param key a qualified name, e.g. {@code app} or {@code example.com/tier}
   * @param operator how the label's value relates to {@code values}
   * @param values label values: at least one for in/notin, exactly one for the equalities and
   *     gt/lt (an integer for those), none for exists/does-not-exist; kept sorted and distinct
   * @throws SelectorException naming every problem, as Kubernetes' aggregated field errors
   */
  public record Requirement(String key, Operator operator, List<String> values) {

    public Requirement {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(operator, "operator");
      values = values == null ? List.of() : List.copyOf(values);
      // Validated as given, so errors index the caller's list; then kept in canonical order.
      String problems = LabelRequirements.problems(key, operator, values);
      if (problems != null) {
        throw new SelectorException(problems);
      }
      values = values.stream().distinct().sorted().toList();
    }

    /** Whether {@code labels} (null is none) satisfies this requirement. */
    public boolean matches(Map<String, String> labels) {
      boolean present = labels != null && labels.containsKey(key);
      String value = present ? Objects.requireNonNullElse(labels.get(key), "") : null;
      return switch (operator) {
        case IN, EQUALS, DOUBLE_EQUALS -> present && values.contains(value);
        case NOT_IN, NOT_EQUALS -> !present || !values.contains(value);
        case EXISTS -> present;
        case DOES_NOT_EXIST -> !present;
        case GREATER_THAN, LESS_THAN ->
            present && LabelRequirements.compares(operator, value, values.get(0));
      };
    }

    /** The requirement in selector syntax, values sorted, e.g. {@code tier in (a,b)}. */
    @Override
    public String toString() {
      String joined = String.join(",", values);
      return switch (operator) {
        case EXISTS -> key;
        case DOES_NOT_EXIST -> "!" + key;
        case IN -> key + " in (" + joined + ")";
        case NOT_IN -> key + " notin (" + joined + ")";
        case EQUALS, DOUBLE_EQUALS, NOT_EQUALS -> key + operator.symbol() + joined;
        case GREATER_THAN -> key + ">" + joined;
        case LESS_THAN -> key + "<" + joined;
      };
    }
  }

  private final List<Requirement> requirements;
  private final boolean matchesNothing;

  private LabelSelector(List<Requirement> requirements, boolean matchesNothing) {
    List<Requirement> sorted = new ArrayList<>(requirements);
    sorted.sort(Comparator.comparing(Requirement::key));
    this.requirements = List.copyOf(sorted);
    this.matchesNothing = matchesNothing;
  }

  /** The selector that matches every object, as an empty selector string does. */
  public static LabelSelector everything() {
    return EVERYTHING;
  }

  /**
   * The selector that matches no object, as a null {@code metav1.LabelSelector} does. It has no
   * string form: {@link #toString()} gives "" as Kubernetes does, which would parse as {@link
   * #everything()}, so never send it over the wire as text.
   */
  public static LabelSelector nothing() {
    return NOTHING;
  }

  /**
   * Parses Kubernetes' label selector syntax: comma-separated {@code k=v}, {@code k==v}, {@code
   * k!=v}, {@code k in (v1,v2)}, {@code k notin (v1,v2)}, {@code k}, {@code !k}, {@code k>n} and
   * {@code k<n}, with any whitespace between tokens.
   *
   * @param text the selector; null, empty or blank matches everything
   * @throws SelectorException for bad syntax, keys or values, saying what and where
   */
  public static LabelSelector parse(String text) {
    List<Requirement> requirements = LabelSelectorParser.parse(text == null ? "" : text);
    return requirements.isEmpty() ? EVERYTHING : new LabelSelector(requirements, false);
  }

  /**
   * Converts a {@code metav1.LabelSelector} as Kubernetes' {@code LabelSelectorAsSelector} does:
   * null matches nothing, no matchLabels and no matchExpressions match everything, otherwise each
   * match label is an equality and each expression uses In, NotIn, Exists or DoesNotExist.
   *
   * @throws SelectorException for an unknown operator or a bad key or values
   */
  public static LabelSelector of(io.fabric8.kubernetes.api.model.LabelSelector spec) {
    if (spec == null) {
      return NOTHING;
    }
    Map<String, String> matchLabels =
        spec.getMatchLabels() == null ? Map.of() : spec.getMatchLabels();
    List<LabelSelectorRequirement> expressions =
        spec.getMatchExpressions() == null ? List.of() : spec.getMatchExpressions();
    if (matchLabels.isEmpty() && expressions.isEmpty()) {
      return EVERYTHING;
    }
    List<Requirement> requirements = new ArrayList<>();
    new TreeMap<>(matchLabels).forEach((key, value) -> requirements.add(equality(key, value)));
    for (LabelSelectorRequirement expression : expressions) {
      requirements.add(LabelRequirements.fromExpression(expression));
    }
    return new LabelSelector(requirements, false);
  }

  /**
   * The selector requiring each label of {@code labels} exactly, as Kubernetes' {@code
   * ValidatedSelectorFromSet}; null or empty matches everything.
   *
   * @throws SelectorException for a bad key or value
   */
  public static LabelSelector fromSet(Map<String, String> labels) {
    if (labels == null || labels.isEmpty()) {
      return EVERYTHING;
    }
    List<Requirement> requirements = new ArrayList<>();
    labels.forEach((key, value) -> requirements.add(equality(key, value)));
    return new LabelSelector(requirements, false);
  }

  private static Requirement equality(String key, String value) {
    // A JSON null label value reads as "", as Go decodes it.
    return new Requirement(key, Operator.EQUALS, List.of(Objects.requireNonNullElse(value, "")));
  }

  /** The requirements, sorted by key; none for {@link #everything()} and {@link #nothing()}. */
  public List<Requirement> requirements() {
    return requirements;
  }

  /** Whether an object with {@code labels} (null is none) is selected. */
  public boolean matches(Map<String, String> labels) {
    if (matchesNothing) {
      return false;
    }
    for (Requirement requirement : requirements) {
      if (!requirement.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  /** Whether this selects every object (Kubernetes' {@code Empty()}); not so for nothing(). */
  public boolean isEverything() {
    return !matchesNothing && requirements.isEmpty();
  }

  /** Whether this selects no object at all, as from a null {@code metav1.LabelSelector}. */
  public boolean isNothing() {
    return matchesNothing;
  }

  /** The canonical selector string, which {@link #parse} reads back to an equal selector. */
  @Override
  public String toString() {
    return requirements.stream().map(Requirement::toString).collect(Collectors.joining(","));
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof LabelSelector that
        && matchesNothing == that.matchesNothing
        && requirements.equals(that.requirements);
  }

  @Override
  public int hashCode() {
    return Objects.hash(requirements, matchesNothing);
  }
}
