package io.dirigent.core.selector;

import io.dirigent.core.selector.LabelSelector.Operator;
import io.dirigent.core.selector.LabelSelector.Requirement;
import io.dirigent.core.selector.LabelSelectorLexer.Kind;
import io.dirigent.core.selector.LabelSelectorLexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Kubernetes' recursive-descent label selector parser ({@code labels.Parser}), step for step, so
 * that the same text is accepted, means the same and fails with the same words:
 *
 * <pre>
 * selector    ::= requirement | requirement "," selector
 * requirement ::= [!] KEY [ set-match | exact-match ]
 * set-match   ::= ("in" | "notin") "(" VALUES ")"
 * exact-match ::= ("=" | "==" | "!=" | ">" | "<") VALUE
 * </pre>
 */
final class LabelSelectorParser {

  private static final String REQUIREMENT_ERROR = "unable to parse requirement: ";

  /**
   * Where a token is read. Where values are expected, {@code in} and {@code notin} are plain
   * identifiers, so {@code in in (in)} is a valid selector.
   */
  private enum Context {
    KEY_AND_OPERATOR,
    VALUES
  }

  private final List<Token> tokens;
  private int next;

  private LabelSelectorParser(String text) {
    this.tokens = LabelSelectorLexer.tokenize(text);
  }

  /** The requirements of {@code text} in the order written; empty for blank text. */
  static List<Requirement> parse(String text) {
    return new LabelSelectorParser(text).requirements();
  }

  private List<Requirement> requirements() {
    List<Requirement> requirements = new ArrayList<>();
    while (true) {
      Token token = peek(Context.VALUES);
      if (token.kind() == Kind.END) {
        return requirements;
      }
      if (!startsRequirement(token)) {
        throw error("", token, "expected: !, identifier, or 'end of string'");
      }
      requirements.add(requirement());
      Token after = take(Context.VALUES);
      if (after.kind() == Kind.END) {
        return requirements;
      }
      if (after.kind() != Kind.COMMA) {
        throw error("", after, "expected: ',' or 'end of string'");
      }
      Token following = peek(Context.VALUES);
      if (!startsRequirement(following)) {
        throw error("", following, "expected: identifier after ','");
      }
    }
  }

  private static boolean startsRequirement(Token token) {
    return token.kind() == Kind.IDENTIFIER || token.kind() == Kind.DOES_NOT_EXIST;
  }

  private Requirement requirement() {
    Token first = take(Context.VALUES);
    boolean negated = first.kind() == Kind.DOES_NOT_EXIST;
    Token keyToken = negated ? take(Context.VALUES) : first;
    if (keyToken.kind() != Kind.IDENTIFIER) {
      throw error(REQUIREMENT_ERROR, keyToken, "expected: identifier");
    }
    String key = keyToken.literal();
    Optional<String> keyProblem = LabelRequirements.keyProblem(key);
    if (keyProblem.isPresent()) {
      throw new SelectorException(REQUIREMENT_ERROR + keyProblem.get(), keyToken.position());
    }
    // "!key" is complete whatever follows; what follows is then checked as a separator.
    if (negated) {
      return build(key, Operator.DOES_NOT_EXIST, List.of(), keyToken);
    }
    Kind following = peek(Context.VALUES).kind();
    if (following == Kind.END || following == Kind.COMMA) {
      return build(key, Operator.EXISTS, List.of(), keyToken);
    }
    Operator operator = operator();
    List<String> values = switch (operator) {
      case IN, NOT_IN -> valueSet();
      default -> exactValue();
    };
    return build(key, operator, values, keyToken);
  }

  private Operator operator() {
    Token token = take(Context.KEY_AND_OPERATOR);
    return switch (token.kind()) {
      case IN -> Operator.IN;
      case EQUALS -> Operator.EQUALS;
      case DOUBLE_EQUALS -> Operator.DOUBLE_EQUALS;
      case GREATER_THAN -> Operator.GREATER_THAN;
      case LESS_THAN -> Operator.LESS_THAN;
      case NOT_IN -> Operator.NOT_IN;
      case NOT_EQUALS -> Operator.NOT_EQUALS;
      default -> throw error(REQUIREMENT_ERROR, token, "expected: in, notin, =, ==, !=, gt, lt");
    };
  }

  /** {@code (a,b)}; empty entries, as in {@code ()}, {@code (,a)} or {@code (a,,b)}, are "". */
  private List<String> valueSet() {
    Token open = take(Context.VALUES);
    if (open.kind() != Kind.OPEN_PAR) {
      // Kubernetes words this one without a comma.
      throw new SelectorException(
          REQUIREMENT_ERROR + "found '" + open.literal() + "' expected: '('", open.position());
    }
    Token token = peek(Context.VALUES);
    switch (token.kind()) {
      case IDENTIFIER, COMMA -> {
        SortedSet<String> values = identifiers();
        take(Context.VALUES); // the ")" that identifiers() stopped at
        return new ArrayList<>(values);
      }
      case CLOSED_PAR -> {
        take(Context.VALUES);
        return List.of("");
      }
      default -> throw error(REQUIREMENT_ERROR, token, "expected: ',', ')' or identifier");
    }
  }

  private SortedSet<String> identifiers() {
    SortedSet<String> values = new TreeSet<>();
    while (true) {
      Token token = take(Context.VALUES);
      switch (token.kind()) {
        case IDENTIFIER -> {
          values.add(token.literal());
          Token following = peek(Context.VALUES);
          if (following.kind() == Kind.CLOSED_PAR) {
            return values;
          }
          if (following.kind() != Kind.COMMA) {
            throw error(REQUIREMENT_ERROR, following, "expected: ',' or ')'");
          }
        }
        case COMMA -> {
          if (values.isEmpty()) {
            values.add(""); // "(,"
          }
          Kind following = peek(Context.VALUES).kind();
          if (following == Kind.CLOSED_PAR) {
            values.add(""); // ",)"
            return values;
          }
          if (following == Kind.COMMA) {
            take(Context.VALUES);
            values.add(""); // ",,"
          }
        }
        default -> throw error(REQUIREMENT_ERROR, token, "expected: ',', or identifier");
      }
    }
  }

  /** The single value after an equality or comparison; none before ',' or the end means "". */
  private List<String> exactValue() {
    Kind following = peek(Context.VALUES).kind();
    if (following == Kind.END || following == Kind.COMMA) {
      return List.of("");
    }
    Token token = take(Context.VALUES);
    if (token.kind() != Kind.IDENTIFIER) {
      throw error(REQUIREMENT_ERROR, token, "expected: identifier");
    }
    return List.of(token.literal());
  }

  private static Requirement build(String key, Operator operator, List<String> values, Token at) {
    try {
      return new Requirement(key, operator, values);
    } catch (SelectorException e) {
      throw new SelectorException(REQUIREMENT_ERROR + e.detail(), at.position());
    }
  }

  private Token peek(Context context) {
    return inContext(tokens.get(next), context);
  }

  private Token take(Context context) {
    Token token = peek(context);
    if (token.kind() != Kind.END) {
      next++;
    }
    return token;
  }

  private static Token inContext(Token token, Context context) {
    boolean keyword = token.kind() == Kind.IN || token.kind() == Kind.NOT_IN;
    if (context == Context.VALUES && keyword) {
      return new Token(Kind.IDENTIFIER, token.literal(), token.position());
    }
    return token;
  }

  private static SelectorException error(String prefix, Token found, String expected) {
    return new SelectorException(
        prefix + "found '" + found.literal() + "', " + expected, found.position());
  }
}
