package io.dirigent.core.crd.schema;

import java.util.regex.Pattern;

/**
 * A pattern search with a step budget. Kubernetes matches {@code pattern} with Go's RE2, which runs
 * in linear time; Java's backtracking engine can take exponential or high-polynomial time on a
 * pattern such as {@code (.*a){12}$} against a long non-matching string, and a CRD author could use
 * that to stall the API server on every write. Counting the characters the engine reads bounds the
 * work: a search may read {@link #BUDGET} characters plus {@link #READS_PER_CHAR} per character of
 * its text (so long values with ordinary patterns pass), all the searches over one object share
 * {@link #OBJECT_BUDGET}, and a search that runs out gives up: the value is refused as not
 * matching.
 */
final class BoundedMatch {

  /** Character reads any search may make: far beyond any sane pattern on a short value. */
  static final long BUDGET = 1_000_000;

  /** Further reads a search may make per character of its text. */
  static final long READS_PER_CHAR = 64;

  /** Character reads for all the searches over one object: about a second of work at worst. */
  static final long OBJECT_BUDGET = 100_000_000;

  /** Reads left to spend; one per validated object, shared by its searches. */
  static final class Budget {
    private long left;

    Budget(long reads) {
      left = reads;
    }
  }

  enum Outcome { MATCHED, UNMATCHED, GAVE_UP }

  private BoundedMatch() {}

  /**
   * Whether the pattern is found anywhere in the text, as Go's {@code regexp.MatchString}, within
   * the search's reads and what is left of the object's budget.
   */
  static Outcome find(Pattern pattern, String text, Budget budget) {
    long allowed = Math.min(BUDGET + READS_PER_CHAR * text.length(), budget.left);
    long[] reads = {0};
    try {
      return pattern.matcher(new CountingText(text, reads, allowed, 0, text.length())).find()
          ? Outcome.MATCHED : Outcome.UNMATCHED;
    } catch (BudgetSpent | StackOverflowError e) {
      return Outcome.GAVE_UP;
    } finally {
      budget.left -= Math.min(reads[0], budget.left);
    }
  }

  private static final class BudgetSpent extends RuntimeException {
    BudgetSpent() {
      super(null, null, false, false);
    }
  }

  /** A view of a string that counts every character read, shared by its sub-sequences. */
  private record CountingText(String text, long[] reads, long allowed, int start, int end) implements CharSequence {
    @Override
    public int length() {
      return end - start;
    }

    @Override
    public char charAt(int index) {
      if (++reads[0] > allowed) {
        throw new BudgetSpent();
      }
      return text.charAt(start + index);
    }

    @Override
    public CharSequence subSequence(int from, int to) {
      return new CountingText(text, reads, allowed, start + from, start + to);
    }

    @Override
    public String toString() {
      return text.substring(start, end);
    }
  }
}
