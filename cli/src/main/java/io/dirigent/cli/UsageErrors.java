package io.dirigent.cli;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * A command line the parser refused, as one line in kubectl's words — the unknown command or flag,
 * the closest valid one (as cobra finds it: within two edits, or starting with what was typed),
 * and where the usage is — instead of the whole usage text.
 */
final class UsageErrors {

  /** Farthest a suggestion may be from what was typed, in single-character edits (cobra's default). */
  private static final int MAX_DISTANCE = 2;

  private UsageErrors() {}

  static String describe(ParameterException e) {
    CommandLine command = e.getCommandLine();
    String name = command.getCommandSpec().qualifiedName();
    String help = " (see '" + name + " --help')";
    if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
      String first = unmatched.getUnmatched().get(0);
      if (first.startsWith("--")) {
        String flag = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
        return "unknown flag: " + flag + suggestion(flag, flagNames(command)) + help;
      }
      if (first.startsWith("-") && first.length() > 1) {
        return "unknown shorthand flag: '" + first.charAt(1) + "' in " + first + help;
      }
      if (!command.getSubcommands().isEmpty() && command.getCommandSpec().positionalParameters().isEmpty()) {
        return "unknown command \"" + first + "\" for \"" + name + "\"" + suggestion(first, command.getSubcommands().keySet());
      }
      return "unexpected argument \"" + first + "\"" + help;
    }
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    return Character.toLowerCase(message.charAt(0)) + message.substring(1) + help;
  }

  /** {@code ; did you mean "X"?} for the candidate closest to {@code typed}, or nothing. */
  static String suggestion(String typed, Collection<String> candidates) {
    return closest(typed, candidates).map(best -> "; did you mean \"" + best + "\"?").orElse("");
  }

  static Optional<String> closest(String typed, Collection<String> candidates) {
    record Scored(String name, int distance) {}
    String lower = typed.toLowerCase();
    return candidates.stream()
        .map(candidate -> new Scored(candidate, distance(lower, candidate.toLowerCase())))
        .filter(scored -> scored.distance() <= MAX_DISTANCE
            || (lower.replace("-", "").length() > 1 && scored.name().toLowerCase().startsWith(lower)))
        .min(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name))
        .map(Scored::name);
  }

  private static List<String> flagNames(CommandLine command) {
    return command.getCommandSpec().options().stream()
        .filter(option -> !option.hidden())
        .map(OptionSpec::names).flatMap(java.util.Arrays::stream)
        .filter(flag -> flag.startsWith("--"))
        .toList();
  }

  /** Levenshtein distance: the fewest single-character insertions, deletions and substitutions. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
