package io.dirigent.core.validation;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes' resource quantities ({@code 500m}, {@code 128Mi}, {@code 1e3}): which texts are
 * quantities, and what they amount to. fabric8's Quantity keeps any string; what every reader of
 * it (the runtime's limits, the tables) computes must not fail or run away on one a client sent.
 */
public final class Quantities {

  /** Kubernetes' own words for a quantity it cannot parse. */
  public static final String FORMAT_ERROR =
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

  // A number, then one suffix: binary (Ki..Ei), decimal (n..E), or a decimal exponent. Exponents
  // are bounded so that no amount is expensive to compute.
  private static final Pattern QUANTITY =
      Pattern.compile("([+-]?)([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]{1,3})?");
  private static final int MAX_LENGTH = 64;
  private static final Map<String, BigDecimal> SUFFIXES = Map.ofEntries(
      Map.entry("", BigDecimal.ONE),
      Map.entry("Ki", BigDecimal.valueOf(1L << 10)), Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
      Map.entry("Gi", BigDecimal.valueOf(1L << 30)), Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
      Map.entry("Pi", BigDecimal.valueOf(1L << 50)), Map.entry("Ei", BigDecimal.valueOf(1L << 60)),
      Map.entry("n", BigDecimal.ONE.scaleByPowerOfTen(-9)), Map.entry("u", BigDecimal.ONE.scaleByPowerOfTen(-6)),
      Map.entry("m", BigDecimal.ONE.scaleByPowerOfTen(-3)), Map.entry("k", BigDecimal.ONE.scaleByPowerOfTen(3)),
      Map.entry("M", BigDecimal.ONE.scaleByPowerOfTen(6)), Map.entry("G", BigDecimal.ONE.scaleByPowerOfTen(9)),
      Map.entry("T", BigDecimal.ONE.scaleByPowerOfTen(12)), Map.entry("P", BigDecimal.ONE.scaleByPowerOfTen(15)),
      Map.entry("E", BigDecimal.ONE.scaleByPowerOfTen(18)));

  private Quantities() {}

  /** The amount {@code text} stands for (cores for cpu, bytes for memory); empty when it is no quantity. */
  public static Optional<BigDecimal> amount(String text) {
    if (text.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    Matcher matcher = QUANTITY.matcher(text.strip());
    if (!matcher.matches()) {
      return Optional.empty();
    }
    BigDecimal number = new BigDecimal(matcher.group(2).endsWith(".") ? matcher.group(2) + "0" : matcher.group(2));
    if (matcher.group(1).equals("-")) {
      number = number.negate();
    }
    String suffix = matcher.group(3) == null ? "" : matcher.group(3);
    BigDecimal multiplier = SUFFIXES.get(suffix);
    return Optional.of(multiplier != null ? number.multiply(multiplier) : number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1))));
  }
}
