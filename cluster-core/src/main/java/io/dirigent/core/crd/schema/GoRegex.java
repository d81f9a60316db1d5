package io.dirigent.core.crd.schema;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * A schema's {@code pattern} read as Go reads it. Kubernetes compiles patterns with Go's RE2
 * syntax, and where Java's {@link Pattern} reads the same text differently the CRD or the object
 * would be refused (or accepted) where Kubernetes does not. The rewrite covers what RE2 accepts and
 * Java does not, or takes another way:
 *
 * <ul>
 *   <li>a {@code {} that does not open a repetition ({@code ^{{.*}}$}, {@code a{,3}}) is a literal
 *       in Go and a syntax error in Java;
 *   <li>inside a class, {@code [} is a literal in Go ({@code [^[\]]}) and opens a nested class in
 *       Java, {@code &&} is literal in Go and an intersection in Java, and a {@code ]} right after
 *       the opening {@code [} or {@code [^} is a literal in both only after the rewrite;
 *   <li>the POSIX classes {@code [:alpha:]} and {@code [:^alpha:]} exist in Go only;
 *   <li>named groups are {@code (?P<name>...)} in Go, {@code (?<name>...)} in Java;
 *   <li>{@code $} without the {@code m} flag is the end of the text in Go ({@code \z}), while Java
 *       also matches before a final line break;
 *   <li>{@code .}, {@code ^} and {@code $} know only {@code \n} as a line end in Go, which Java's
 *       {@link Pattern#UNIX_LINES} gives (without it Java's {@code .} also stops at {@code \r} and
 *       {@code \u2028}).
 * </ul>
 *
 * Go's refusals that Java lacks (look-around, back-references) are {@link
 * StructuralRules#patternProblem}'s business, not this rewrite's.
 */
final class GoRegex {

  private static final Map<String, String> POSIX_CLASSES = Map.ofEntries(
      Map.entry("alnum", "Alnum"), Map.entry("alpha", "Alpha"), Map.entry("ascii", "ASCII"),
      Map.entry("blank", "Blank"), Map.entry("cntrl", "Cntrl"), Map.entry("digit", "Digit"),
      Map.entry("graph", "Graph"), Map.entry("lower", "Lower"), Map.entry("print", "Print"),
      Map.entry("punct", "Punct"), Map.entry("space", "Space"), Map.entry("upper", "Upper"),
      Map.entry("xdigit", "XDigit"));

  /** An inline flag group that turns on multi-line mode, e.g. {@code (?m)} or {@code (?im:...)}. */
  private static final Pattern MULTI_LINE_FLAG = Pattern.compile("\\(\\?[a-zA-Z]*m");

  private GoRegex() {}

  /**
   * Compiles a Go pattern as Java reads it after {@link #toJava}.
   *
   * @throws java.util.regex.PatternSyntaxException when Java (and, as a rule, Go) refuses it
   */
  static Pattern compile(String goPattern) {
    return Pattern.compile(toJava(goPattern), Pattern.UNIX_LINES);
  }

  /** The Java spelling of a Go pattern, e.g. {@code ^[[:alnum:]{]+$} becomes {@code ^[\p{Alnum}\{]+\z}. */
  static String toJava(String go) {
    boolean multiLine = MULTI_LINE_FLAG.matcher(go).find();
    StringBuilder out = new StringBuilder(go.length() + 8);
    boolean inClass = false;
    int classFirst = -1;
    int i = 0;
    while (i < go.length()) {
      char c = go.charAt(i);
      if (c == '\\' && i + 1 < go.length()) {
        i = escape(go, i, inClass, out);
      } else if (inClass) {
        if (c == ']' && i != classFirst) {
          inClass = false;
          out.append(c);
          i++;
        } else if (c == '[' && go.startsWith("[:", i) && posixClass(go, i) != null) {
          int end = go.indexOf(":]", i + 2);
          out.append(posixClass(go, i));
          i = end + 2;
        } else {
          out.append(c == '[' || c == ']' || c == '&' ? "\\" + c : String.valueOf(c));
          i++;
        }
      } else if (c == '[') {
        inClass = true;
        out.append(c);
        i++;
        if (i < go.length() && go.charAt(i) == '^') {
          out.append('^');
          i++;
        }
        classFirst = i;
      } else if (c == '{' && !opensRepetition(go, i)) {
        out.append("\\{");
        i++;
      } else if (go.startsWith("(?P<", i)) {
        out.append("(?<");
        i += 4;
      } else if (c == '$' && !multiLine) {
        out.append("\\z");
        i++;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  /** Copies the escape at {@code i}; {@code \Q...\E} is quoted character by character. */
  private static int escape(String go, int i, boolean inClass, StringBuilder out) {
    if (go.charAt(i + 1) != 'Q') {
      out.append(go, i, i + 2);
      return i + 2;
    }
    int end = go.indexOf("\\E", i + 2);
    String literal = end < 0 ? go.substring(i + 2) : go.substring(i + 2, end);
    for (int k = 0; k < literal.length(); k++) {
      char c = literal.charAt(k);
      out.append(Character.isLetterOrDigit(c) || c > 0x7f ? String.valueOf(c) : "\\" + c);
    }
    return end < 0 ? go.length() : end + 2;
  }

  /** Java's spelling of the POSIX class at {@code i} ({@code [:alpha:]}), or null if there is none. */
  private static String posixClass(String go, int i) {
    int end = go.indexOf(":]", i + 2);
    if (end < 0) {
      return null;
    }
    String name = go.substring(i + 2, end);
    boolean negated = name.startsWith("^");
    if (negated) {
      name = name.substring(1);
    }
    if (name.equals("word")) {
      return negated ? "\\W" : "\\w";
    }
    String java = POSIX_CLASSES.get(name);
    return java == null ? null : (negated ? "\\P{" : "\\p{") + java + "}";
  }

  /** Go's parseRepeat: {@code {n}}, {@code {n,}} or {@code {n,m}}, digits only. */
  private static boolean opensRepetition(String go, int i) {
    int k = i + 1;
    int digits = 0;
    while (k < go.length() && isDigit(go.charAt(k))) {
      k++;
      digits++;
    }
    if (digits == 0 || k >= go.length()) {
      return false;
    }
    if (go.charAt(k) == ',') {
      k++;
      while (k < go.length() && isDigit(go.charAt(k))) {
        k++;
      }
    }
    return k < go.length() && go.charAt(k) == '}';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
