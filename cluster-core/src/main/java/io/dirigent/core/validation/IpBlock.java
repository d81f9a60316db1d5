package io.dirigent.core.validation;

import io.dirigent.core.net.Ipv4;
import java.math.BigInteger;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An address block of either family in CIDR notation, read as a NetworkPolicy's {@code ipBlock}
 * names one ({@code 10.0.0.0/8}, {@code 0.0.0.0/0}, {@code ::/0}, {@code 2001:db8::/32}): unlike
 * {@link io.dirigent.core.net.Ipv4Cidr}, which guards what reaches this cluster's packet filter,
 * host bits may be set, as Kubernetes' {@code ParseCIDRSloppy} allows — policies are stored, not
 * enforced. Parsed by hand so that a hostile value never turns into a DNS lookup.
 *
 * @param bits the address, as an unsigned number of {@code width} bits
 * @param width 32 for IPv4, 128 for IPv6
 * @param prefix the prefix length
 */
record IpBlock(BigInteger bits, int width, int prefix) {

  private static final Pattern PREFIX = Pattern.compile("0|[1-9][0-9]{0,2}");
  private static final Pattern GROUP = Pattern.compile("[0-9a-fA-F]{1,4}");

  /** The block {@code text} names, or empty when it is no CIDR of either family. */
  static Optional<IpBlock> parse(String text) {
    int slash = text.indexOf('/');
    if (slash < 0 || !PREFIX.matcher(text.substring(slash + 1)).matches()) {
      return Optional.empty();
    }
    String address = text.substring(0, slash);
    int prefix = Integer.parseInt(text.substring(slash + 1));
    Optional<BigInteger> bits = address.contains(":") ? ipv6(address) : ipv4(address);
    int width = address.contains(":") ? 128 : 32;
    return bits.filter(b -> prefix <= width).map(b -> new IpBlock(b, width, prefix));
  }

  /** Whether {@code other} lies inside this block and is smaller than it. */
  boolean strictlyContains(IpBlock other) {
    return other.width == width && other.prefix > prefix && network().equals(other.bits.shiftRight(width - prefix));
  }

  private BigInteger network() {
    return bits.shiftRight(width - prefix);
  }

  private static Optional<BigInteger> ipv4(String address) {
    var parsed = Ipv4.parse(address);
    return parsed.isPresent() ? Optional.of(BigInteger.valueOf(parsed.getAsLong())) : Optional.empty();
  }

  /** RFC 4291 text: eight groups, or fewer around one {@code ::}, the last two of them possibly an IPv4 address. */
  private static Optional<BigInteger> ipv6(String address) {
    int gap = address.indexOf("::");
    if (gap >= 0 && address.indexOf("::", gap + 1) >= 0) {
      return Optional.empty();
    }
    String[] head = gap < 0 ? address.split(":", -1) : groups(address.substring(0, gap));
    String[] tail = gap < 0 ? new String[0] : groups(address.substring(gap + 2));
    BigInteger value = BigInteger.ZERO;
    int count = 0;
    for (String[] part : new String[][] {head, tail}) {
      if (part == tail && gap >= 0) {
        int present = head.length + tail.length + (embedsIpv4(tail, head) ? 1 : 0);
        if (present > 7) {
          return Optional.empty();
        }
        value = value.shiftLeft(16 * (8 - present));
        count += 8 - present;
      }
      for (int i = 0; i < part.length; i++) {
        String group = part[i];
        if (i == part.length - 1 && group.contains(".") && (part == tail || gap < 0)) {
          var ipv4 = Ipv4.parse(group);
          if (ipv4.isEmpty()) {
            return Optional.empty();
          }
          value = value.shiftLeft(32).or(BigInteger.valueOf(ipv4.getAsLong()));
          count += 2;
        } else if (GROUP.matcher(group).matches()) {
          value = value.shiftLeft(16).or(BigInteger.valueOf(Integer.parseInt(group, 16)));
          count++;
        } else {
          return Optional.empty();
        }
      }
    }
    return count == 8 ? Optional.of(value) : Optional.empty();
  }

  private static boolean embedsIpv4(String[] tail, String[] head) {
    String[] last = tail.length > 0 ? tail : head;
    return last.length > 0 && last[last.length - 1].contains(".");
  }

  private static String[] groups(String text) {
    return text.isEmpty() ? new String[0] : text.split(":", -1);
  }
}
