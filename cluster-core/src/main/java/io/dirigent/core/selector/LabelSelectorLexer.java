package io.dirigent.core.selector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Splits label selector text into tokens as Kubernetes' {@code labels.Lexer} does: whitespace
 * separates, the characters {@code = ! ( ) , > <} form the longest operator they can, and any
 * other run of characters is an identifier, or the keyword {@code in} or {@code notin}.
 */
final class LabelSelectorLexer {

  enum Kind {
    END,
    CLOSED_PAR,
    COMMA,
    DOES_NOT_EXIST,
    DOUBLE_EQUALS,
    EQUALS,
    GREATER_THAN,
    IDENTIFIER,
    IN,
    LESS_THAN,
    NOT_EQUALS,
    NOT_IN,
    OPEN_PAR
  }

  /**
   * One token.
   *
   * @param literal the text it was read from; "" for {@link Kind#END}
   * @param position the 0-based offset of its first character
   */
  record Token(Kind kind, String literal, int position) {}

  private static final Map<String, Kind> SYMBOLS = Map.of(
      ")", Kind.CLOSED_PAR,
      ",", Kind.COMMA,
      "!", Kind.DOES_NOT_EXIST,
      "==", Kind.DOUBLE_EQUALS,
      "=", Kind.EQUALS,
      ">", Kind.GREATER_THAN,
      "<", Kind.LESS_THAN,
      "!=", Kind.NOT_EQUALS,
      "(", Kind.OPEN_PAR);

  private static final Map<String, Kind> KEYWORDS = Map.of("in", Kind.IN, "notin", Kind.NOT_IN);

  private LabelSelectorLexer() {}

  /** All tokens of {@code text}, always ending with one {@link Kind#END}. */
  static List<Token> tokenize(String text) {
    List<Token> tokens = new ArrayList<>();
    int position = 0;
    while (true) {
      while (position < text.length() && isWhitespace(text.charAt(position))) {
        position++;
      }
      if (position == text.length()) {
        tokens.add(new Token(Kind.END, "", position));
        return tokens;
      }
      Token token = isSpecial(text.charAt(position))
          ? symbol(text, position)
          : identifierOrKeyword(text, position);
      tokens.add(token);
      position += token.literal().length();
    }
  }

  /**
   * The longest operator starting at {@code start}. Every special character is an operator by
   * itself, so there always is one; reading stops at the first extension that is not.
   */
  private static Token symbol(String text, int start) {
    Kind kind = null;
    int end = start;
    for (int i = start; i < text.length() && isSpecial(text.charAt(i)); i++) {
      Kind longer = SYMBOLS.get(text.substring(start, i + 1));
      if (longer == null) {
        break;
      }
      kind = longer;
      end = i + 1;
    }
    return new Token(kind, text.substring(start, end), start);
  }

  private static Token identifierOrKeyword(String text, int start) {
    int end = start;
    while (end < text.length() && !isWhitespace(text.charAt(end)) && !isSpecial(text.charAt(end))) {
      end++;
    }
    String word = text.substring(start, end);
    return new Token(KEYWORDS.getOrDefault(word, Kind.IDENTIFIER), word, start);
  }

  private static boolean isWhitespace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  private static boolean isSpecial(char c) {
    return switch (c) {
      case '=', '!', '(', ')', ',', '>', '<' -> true;
      default -> false;
    };
  }
}
