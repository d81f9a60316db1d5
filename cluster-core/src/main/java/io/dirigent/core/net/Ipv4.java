package io.dirigent.core.net;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * IPv4 addresses as users write them into objects (endpoints, ClusterIPs, host IPs), read
 * strictly: four decimal octets, no signs, no spaces, no leading zeros (which some tools read as
 * octal), each at most 255. What passes is safe to hand to iptables or the engine as it is.
 */
public final class Ipv4 {

  private static final Pattern DOTTED = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");

  private Ipv4() {}

  /** The address as a number, or empty when {@code text} is not a strict dotted IPv4 address. */
  public static OptionalLong parse(String text) {
    if (text == null || !DOTTED.matcher(text).matches()) {
      return OptionalLong.empty();
    }
    long value = 0;
    for (String octet : text.split("\\.")) {
      int part = Integer.parseInt(octet);
      if (part > 255) {
        return OptionalLong.empty();
      }
      value = value << 8 | part;
    }
    return OptionalLong.of(value);
  }

  /** The dotted form of {@code ip} (0 to 2^32 - 1). */
  public static String text(long ip) {
    return "%d.%d.%d.%d".formatted(ip >> 24 & 255, ip >> 16 & 255, ip >> 8 & 255, ip & 255);
  }

  public static boolean isValid(String text) {
    return parse(text).isPresent();
  }

  /**
   * Why {@code text} may not be a destination that traffic is sent to on a user's say-so, as
   * Kubernetes refuses endpoint addresses: the unspecified address, loopback, link-local (the
   * cloud metadata address among them), multicast, broadcast. Empty for an ordinary address.
   */
  public static Optional<String> special(String text) {
    OptionalLong parsed = parse(text);
    if (parsed.isEmpty()) {
      return Optional.of("must be a valid IPv4 address");
    }
    long ip = parsed.getAsLong();
    if (ip == 0) {
      return Optional.of("may not be unspecified (0.0.0.0)");
    }
    if (ip >> 24 == 127) {
      return Optional.of("may not be in the loopback range (127.0.0.0/8)");
    }
    if (ip >> 16 == (169 << 8 | 254)) {
      return Optional.of("may not be in the link-local range (169.254.0.0/16)");
    }
    if (ip >> 28 == 0xE) {
      return Optional.of("may not be in the multicast range (224.0.0.0/4)");
    }
    if (ip == 0xFFFFFFFFL) {
      return Optional.of("may not be the broadcast address (255.255.255.255)");
    }
    return Optional.empty();
  }
}
