package io.dirigent.core.selector;

/**
 * A label or field selector that cannot be parsed or built. The message is worded as Kubernetes
 * words it (e.g. {@code unable to parse requirement: found '=', expected: identifier}) and, when
 * the problem comes from selector text, ends with the position it was found at.
 */
public final class SelectorException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String detail;
  private final int position;

  /**
   * @param detail what is wrong, in Kubernetes' words
   * @param position the 0-based offset in the selector text where the problem starts, or -1
   *     when the selector did not come from text
   */
  public SelectorException(String detail, int position) {
    super(position < 0 ? detail : detail + " (at position " + position + ")");
    this.detail = detail;
    this.position = position;
  }

  /** A problem with a selector built from objects rather than text. */
  public SelectorException(String detail) {
    this(detail, -1);
  }

  /** What is wrong, without the position. */
  public String detail() {
    return detail;
  }

  /** The 0-based offset in the selector text where the problem starts, or -1. */
  public int position() {
    return position;
  }
}
