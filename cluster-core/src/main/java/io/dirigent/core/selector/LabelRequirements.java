package io.dirigent.core.selector;

import io.dirigent.core.selector.LabelSelector.Operator;
import io.dirigent.core.selector.LabelSelector.Requirement;
import io.dirigent.core.validation.FieldError;
import io.dirigent.core.validation.NameRules;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The rules behind {@link Requirement}: Kubernetes' {@code NewRequirement} validation, its
 * integer comparison for gt/lt, and the {@code metav1} operator names.
 */
final class LabelRequirements {

  private static final Pattern INT64 = Pattern.compile("[+-]?[0-9]+");

  private LabelRequirements() {}

  /**
   * Every problem with a requirement, as Kubernetes' aggregated {@code field.ErrorList}: one
   * message alone, several as {@code [first, second]}; null when there is none.
   */
  static String problems(String key, Operator operator, List<String> values) {
    List<String> problems = new ArrayList<>();
    keyProblem(key).ifPresent(problems::add);
    String shape = switch (operator) {
      case IN, NOT_IN -> values.isEmpty()
          ? "for 'in', 'notin' operators, values set can't be empty" : null;
      case EQUALS, DOUBLE_EQUALS, NOT_EQUALS -> values.size() != 1
          ? "exact-match compatibility requires one single value" : null;
      case EXISTS, DOES_NOT_EXIST -> !values.isEmpty()
          ? "values set must be empty for exists and does not exist" : null;
      case GREATER_THAN, LESS_THAN -> values.size() != 1
          ? "for 'Gt', 'Lt' operators, exactly one value is required" : null;
    };
    if (shape != null) {
      problems.add("values: Invalid value: " + jsonList(values) + ": " + shape);
    }
    if (operator == Operator.GREATER_THAN || operator == Operator.LESS_THAN) {
      for (int i = 0; i < values.size(); i++) {
        if (parseInt64(values.get(i)).isEmpty()) {
          problems.add(FieldError.invalid("values[" + i + "]", values.get(i),
              "for 'Gt', 'Lt' operators, the value must be an integer").message());
        }
      }
    }
    for (int i = 0; i < values.size(); i++) {
      List<String> valueProblems = NameRules.labelValue(values.get(i));
      if (!valueProblems.isEmpty()) {
        problems.add(FieldError.invalid("values[" + i + "][" + key + "]", values.get(i),
            String.join("; ", valueProblems)).message());
      }
    }
    return aggregate(problems);
  }

  /** The problem with a label key, worded for the {@code key} of a requirement. */
  static Optional<String> keyProblem(String key) {
    List<String> problems = NameRules.qualifiedName(key);
    if (problems.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        FieldError.invalid("key", key, String.join("; ", problems)).message());
  }

  /** Gt/lt: the label must hold an integer beyond the requirement's; anything else fails. */
  static boolean compares(Operator operator, String labelValue, String requirementValue) {
    OptionalLong label = parseInt64(labelValue);
    OptionalLong bound = parseInt64(requirementValue);
    if (label.isEmpty() || bound.isEmpty()) {
      return false;
    }
    return operator == Operator.GREATER_THAN
        ? label.getAsLong() > bound.getAsLong()
        : label.getAsLong() < bound.getAsLong();
  }

  /** A {@code metav1.LabelSelectorRequirement}, which knows only the four set operators. */
  static Requirement fromExpression(LabelSelectorRequirement expression) {
    String name = Objects.requireNonNullElse(expression.getOperator(), "");
    Operator operator = switch (name) {
      case "In" -> Operator.IN;
      case "NotIn" -> Operator.NOT_IN;
      case "Exists" -> Operator.EXISTS;
      case "DoesNotExist" -> Operator.DOES_NOT_EXIST;
      default -> throw new SelectorException(
          quote(name) + " is not a valid label selector operator");
    };
    List<String> values = expression.getValues() == null ? List.of() : expression.getValues();
    return new Requirement(
        Objects.requireNonNullElse(expression.getKey(), ""),
        operator,
        values.stream().map(value -> Objects.requireNonNullElse(value, "")).toList());
  }

  /** Go's {@code strconv.ParseInt(s, 10, 64)}: optional sign, ASCII digits, in range. */
  private static OptionalLong parseInt64(String text) {
    if (!INT64.matcher(text).matches()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(text));
    } catch (NumberFormatException outOfRange) {
      return OptionalLong.empty();
    }
  }

  private static String aggregate(List<String> problems) {
    Set<String> distinct = new LinkedHashSet<>(problems);
    if (distinct.isEmpty()) {
      return null;
    }
    if (distinct.size() == 1) {
      return distinct.iterator().next();
    }
    return distinct.stream().collect(Collectors.joining(", ", "[", "]"));
  }

  /** The values as Go's {@code json.Marshal} writes a {@code []string}. */
  private static String jsonList(List<String> values) {
    return values.stream().map(LabelRequirements::quote).collect(Collectors.joining(",", "[", "]"));
  }

  private static String quote(String value) {
    StringBuilder quoted = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\r' -> quoted.append("\\r");
        case '\t' -> quoted.append("\\t");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
            quoted.append("\\u%04x".formatted((int) c));
          } else {
            quoted.append(c);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }
}
