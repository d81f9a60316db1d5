package io.dirigent.core.crd.jsonpath;

import io.dirigent.core.crd.jsonpath.JsonPathNode.BoolLiteral;
import io.dirigent.core.crd.jsonpath.JsonPathNode.Bound;
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
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * client-go's {@code util/jsonpath} parser, rule for rule and error for error, so a printer column
 * parses here exactly when it parses in Kubernetes. Two of its quirks are kept on purpose: {@code
 * ['a.b']} means {@code .a.b} (a dot in a key is written {@code .a\.b}), and a nested part (a
 * filter's sides, a union's members, a bracketed key) is parsed again as its own template.
 *
 * <p>Unlike client-go it is written as loops, not one recursive call per token, and it refuses
 * templates longer than {@link #MAX_LENGTH} characters or nested deeper than {@link #MAX_DEPTH},
 * so a hostile path costs little and ends with an error.
 */
final class JsonPathParser {

  /** Longest template accepted; printer columns are short, and this bounds every later cost. */
  static final int MAX_LENGTH = 4096;
  /**
   * Deepest nesting of filters, unions and bracketed keys inside one another. client-go's grammar
   * cannot nest them more than a few levels; the guard keeps it so whatever the input.
   */
  static final int MAX_DEPTH = 16;

  private static final int EOF = -1;
  private static final Pattern DICT_KEY = Pattern.compile("^'([^']*)'$");
  private static final Pattern SLICE = Pattern.compile("^(-?\\d*)(:-?\\d*)?(:-?\\d*)?$");
  private static final Pattern COMPARISON = Pattern.compile("^([^!<>=]+)([!<>=]+)(.+?)$");

  private final String input;
  private final int depth;
  private final List<JsonPathNode> root = new ArrayList<>();
  private int pos;
  private int start;
  private int width;

  private JsonPathParser(String input, int depth) {
    this.input = input;
    this.depth = depth;
  }

  /** The top-level nodes of {@code template}: text, and a {@link Sequence} per {@code {...}}. */
  static List<JsonPathNode> parse(String template) throws JsonPathException {
    if (template.length() > MAX_LENGTH) {
      throw new JsonPathException("jsonpath is longer than " + MAX_LENGTH + " characters");
    }
    return new JsonPathParser(template, 0).parseText();
  }

  /** client-go's {@code parseAction}: {@code text} parsed as the inside of one {@code {...}}. */
  private Sequence parseAction(String text) throws JsonPathException {
    if (depth + 1 > MAX_DEPTH) {
      throw new JsonPathException("jsonpath is nested more than " + MAX_DEPTH + " levels deep");
    }
    List<JsonPathNode> nodes = new JsonPathParser("{" + text + "}", depth + 1).parseText();
    return (Sequence) nodes.get(0);
  }

  private List<JsonPathNode> parseText() throws JsonPathException {
    while (true) {
      int brace = input.indexOf('{', pos);
      if (brace < 0) {
        if (pos < input.length()) {
          root.add(new Text(input.substring(pos)));
        }
        return root;
      }
      if (brace > pos) {
        root.add(new Text(input.substring(pos, brace)));
      }
      pos = brace + 1;
      start = pos;
      List<JsonPathNode> action = new ArrayList<>();
      parseInsideAction(action);
      root.add(new Sequence(action));
    }
  }

  private void parseInsideAction(List<JsonPathNode> cur) throws JsonPathException {
    while (true) {
      if (input.startsWith("}", pos)) {
        pos++;
        start = pos;
        return;
      }
      if (input.startsWith("[?(", pos)) {
        parseFilter(cur);
        continue;
      }
      if (input.startsWith("..", pos)) {
        pos += 2;
        start = pos;
        cur.add(new Recursive());
        if (isAlphaNumeric(peek())) {
          parseField(cur);
        }
        continue;
      }
      int r = next();
      if (r == EOF || r == '\r' || r == '\n') {
        throw new JsonPathException("unclosed action");
      } else if (r == ' ' || r == '@' || r == '$') {
        start = pos; // a space, or the current object: nothing to add
      } else if (r == '[') {
        parseArray(cur);
      } else if (r == '"' || r == '\'') {
        parseQuote(cur, r);
      } else if (r == '.') {
        parseField(cur);
      } else if (r == '+' || r == '-' || Character.isDigit(r)) {
        backup();
        parseNumber(cur);
      } else if (isAlphaNumeric(r)) {
        backup();
        parseIdentifier(cur);
      } else {
        throw new JsonPathException("unrecognized character in action: " + goRune(r));
      }
    }
  }

  private void parseField(List<JsonPathNode> cur) {
    start = pos;
    while (advance()) {
      // scan to the next terminator not escaped by a backslash
    }
    String value = consumeText();
    cur.add(value.equals("*") ? new Wildcard() : new Field(value.replace("\\", "")));
  }

  private void parseIdentifier(List<JsonPathNode> cur) {
    while (true) {
      int r = next();
      if (isTerminator(r)) {
        backup();
        break;
      }
    }
    String value = consumeText();
    cur.add(value.equals("true") || value.equals("false")
        ? new BoolLiteral(Boolean.parseBoolean(value)) : new Identifier(value));
  }

  private void parseNumber(List<JsonPathNode> cur) throws JsonPathException {
    int r = peek();
    if (r == '+' || r == '-') {
      next();
    }
    while (true) {
      r = next();
      if (r != '.' && !Character.isDigit(r)) {
        backup();
        break;
      }
    }
    String value = consumeText();
    if (!value.chars().allMatch(c -> c < 0x80)) {
      // Java would read other scripts' digits; Go's strconv does not.
      throw new JsonPathException("cannot parse number " + value);
    }
    try {
      cur.add(new IntLiteral(Long.parseLong(value)));
    } catch (NumberFormatException notInteger) {
      try {
        cur.add(new FloatLiteral(Double.parseDouble(value)));
      } catch (NumberFormatException notNumber) {
        throw new JsonPathException("cannot parse number " + value);
      }
    }
  }

  private void parseArray(List<JsonPathNode> cur) throws JsonPathException {
    while (true) {
      int r = next();
      if (r == EOF || r == '\n') {
        throw new JsonPathException("unterminated array");
      }
      if (r == ']') {
        break;
      }
    }
    String text = consumeText();
    text = text.substring(1, text.length() - 1);
    if (text.equals("*")) {
      text = ":";
    }
    String[] members = text.split(",", -1);
    if (members.length > 1) {
      List<Sequence> parts = new ArrayList<>();
      for (String member : members) {
        parts.add(parseAction("[" + trimSpaces(member) + "]"));
      }
      cur.add(new Union(parts));
      return;
    }
    Matcher key = DICT_KEY.matcher(text);
    if (key.matches()) {
      cur.addAll(parseAction("." + key.group(1)).nodes());
      return;
    }
    Matcher slice = SLICE.matcher(text);
    if (!slice.matches()) {
      throw new JsonPathException("invalid array index " + text);
    }
    Bound[] bounds = new Bound[3];
    for (int i = 0; i < 3; i++) {
      String value = slice.group(i + 1);
      if (value != null && !value.isEmpty()) {
        if (i > 0) {
          value = value.substring(1);
        }
        bounds[i] = i > 0 && value.isEmpty() ? Bound.UNKNOWN : new Bound(index(value), true, false);
      } else if (i == 1) {
        bounds[i] = new Bound(bounds[0].value() + 1, true, true);
      } else {
        bounds[i] = Bound.UNKNOWN;
      }
    }
    cur.add(new Slice(bounds[0], bounds[1], bounds[2]));
  }

  private void parseFilter(List<JsonPathNode> cur) throws JsonPathException {
    pos += 3;
    start = pos;
    boolean begin = false;
    boolean end = false;
    int pair = 0;
    scan:
    while (true) {
      int r = next();
      switch (r) {
        case EOF, '\n' -> throw new JsonPathException("unterminated filter");
        case '"', '\'' -> {
          if (!begin) {
            begin = true;
            pair = r;
          } else if (input.charAt(pos - 2) != '\\' && r == pair) {
            end = true;
          }
        }
        case ')' -> {
          if (begin == end) {
            break scan;
          }
        }
        default -> { }
      }
    }
    if (next() != ']') {
      throw new JsonPathException("unclosed array expect ]");
    }
    String text = consumeText();
    text = text.substring(0, text.length() - 2);
    Matcher comparison = COMPARISON.matcher(text);
    if (!comparison.matches()) {
      cur.add(new Filter(parseAction(text), new Sequence(List.of()), "exists"));
    } else {
      Sequence left = parseAction(comparison.group(1));
      Sequence right = parseAction(comparison.group(3));
      cur.add(new Filter(left, right, comparison.group(2)));
    }
  }

  private void parseQuote(List<JsonPathNode> cur, int quote) throws JsonPathException {
    while (true) {
      int r = next();
      if (r == EOF || r == '\n') {
        throw new JsonPathException("unterminated quoted string");
      }
      if (r == quote && input.charAt(pos - 2) != '\\') {
        break;
      }
    }
    String value = consumeText();
    cur.add(new Text(GoStrings.unquote(value)));
  }

  private static long index(String value) throws JsonPathException {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new JsonPathException("array index " + value + " is not a number");
    }
  }

  /** Moves past one rune unless it is an unescaped terminator; false at the terminator. */
  private boolean advance() {
    int r = next();
    if (r == '\\') {
      next();
    } else if (isTerminator(r)) {
      backup();
      return false;
    }
    return true;
  }

  private String consumeText() {
    String value = input.substring(start, pos);
    start = pos;
    return value;
  }

  private int next() {
    if (pos >= input.length()) {
      width = 0;
      return EOF;
    }
    int r = input.codePointAt(pos);
    width = Character.charCount(r);
    pos += width;
    return r;
  }

  private int peek() {
    int r = next();
    backup();
    return r;
  }

  private void backup() {
    pos -= width;
  }

  private static boolean isTerminator(int r) {
    return switch (r) {
      case EOF, ' ', '\t', '\r', '\n', '.', ',', '[', ']', '$', '@', '{', '}' -> true;
      default -> false;
    };
  }

  private static boolean isAlphaNumeric(int r) {
    return r == '_' || Character.isLetter(r) || Character.isDigit(r);
  }

  private static String trimSpaces(String value) {
    int from = 0;
    int to = value.length();
    while (from < to && value.charAt(from) == ' ') {
      from++;
    }
    while (to > from && value.charAt(to - 1) == ' ') {
      to--;
    }
    return value.substring(from, to);
  }

  /** Go's {@code %#U}: {@code U+0021 '!'}. */
  private static String goRune(int r) {
    String code = "U+%04X".formatted(r);
    return Character.isISOControl(r) ? code : code + " '" + new String(Character.toChars(r)) + "'";
  }
}
