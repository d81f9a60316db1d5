package io.dirigent.core.quota;

import io.dirigent.core.validation.Quantities;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Resource amounts by resource name ({@code cpu}, {@code requests.memory}, {@code pods}), as
 * quotas and limit ranges add and compare them, and as Kubernetes prints them in its messages.
 */
public final class Amounts {

  private static final BigInteger KI = BigInteger.valueOf(1024);
  private static final String[] BINARY = {"Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

  private Amounts() {}

  /** {@code text} as an amount; zero for what is not a quantity (validation refuses those). */
  public static BigDecimal of(String text) {
    return text == null ? BigDecimal.ZERO : Quantities.amount(text).orElse(BigDecimal.ZERO);
  }

  /** A resource list ({@code {"cpu": "500m", "pods": "2"}}) as amounts by name. */
  public static Map<String, BigDecimal> of(com.fasterxml.jackson.databind.JsonNode list) {
    Map<String, BigDecimal> amounts = new TreeMap<>();
    list.fields().forEachRemaining(e -> amounts.put(e.getKey(), of(e.getValue().asText())));
    return amounts;
  }

  /** The sum of two maps of amounts. */
  public static Map<String, BigDecimal> plus(Map<String, BigDecimal> a, Map<String, BigDecimal> b) {
    Map<String, BigDecimal> sum = new TreeMap<>(a);
    b.forEach((name, amount) -> sum.merge(name, amount, BigDecimal::add));
    return sum;
  }

  /**
   * An amount as a quantity: whole numbers as they are (in Ki..Ei when a whole number of them and
   * at least 1Ki, as memory is written), fractions in thousandths ({@code 500m}).
   */
  public static String format(BigDecimal amount) {
    BigDecimal stripped = amount.stripTrailingZeros();
    if (stripped.scale() <= 0) {
      BigInteger whole = stripped.toBigIntegerExact();
      if (whole.signum() > 0 && whole.compareTo(KI) >= 0) {
        int unit = -1;
        BigInteger value = whole;
        while (unit < BINARY.length - 1 && value.mod(KI).signum() == 0 && value.compareTo(KI) >= 0) {
          value = value.divide(KI);
          unit++;
        }
        if (unit >= 0) {
          return value + BINARY[unit];
        }
      }
      return whole.toString();
    }
    BigDecimal milli = stripped.movePointRight(3);
    if (milli.stripTrailingZeros().scale() <= 0) {
      return milli.toBigInteger() + "m";
    }
    return stripped.toPlainString();
  }

  /** {@code cpu=500m,memory=1Gi}: the names in order, as Kubernetes' quota messages list them. */
  public static String describe(Map<String, BigDecimal> amounts) {
    return new TreeMap<>(amounts).entrySet().stream().map(e -> e.getKey() + "=" + format(e.getValue())).collect(Collectors.joining(","));
  }
}
