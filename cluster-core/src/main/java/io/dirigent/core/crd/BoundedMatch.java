package io.dirigent.core.crd;

import java.util.regex.Pattern;

/**
 * A pattern search with a step budget. Kubernetes matches {@code pattern} with Go's RE2, which runs
 * in linear time; Java's backtracking engine can take exponential or high-polynomial time on a
 * pattern such as {@code (.*a){12}$} against a long non-matching string, and a CRD author could use
 * that to stall the API server on every write. Counting the characters the engine reads bounds the work: past {@link
 * #BUDGET} reads the search gives up and the value is refused as not matching.
 */
final class BoundedMatch {

  /** Character reads allowed for one search: far beyond any sane pattern on a sane value. */
  static final int BUDGET = 1_000_000;

  /** Character reads allowed for all the searches over one object. */
  static final long OBJECT_BUDGET = 20_000_000;

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
   * {@link #BUDGET} reads and what is left of the object's budget.
   */
  static Outcome find(Pattern pattern, String text, Budget budget) {
    long allowed = Math.min(BUDGET, budget.left);
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
