package io.dirigent.core.crd.schema;

import io.dirigent.core.net.Ipv4;

/**
 * IP address literals as Go's {@code net.ParseIP} and {@code net.ParseCIDR} read them: dotted IPv4
 * without leading zeros, and IPv6 with at most one {@code ::} and an optional dotted tail. Parsed by
 * hand so that no text ever reaches a name resolver.
 */
final class Addresses {

  private Addresses() {}

  /** Whether the text is an IPv4 or an IPv6 address. */
  static boolean isIp(String text) {
    return Ipv4.isValid(text) || isIpv6(text);
  }

  /** Whether the text is an address, a slash and a prefix length that fits it. */
  static boolean isCidr(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      return false;
    }
    String address = text.substring(0, slash);
    String prefix = text.substring(slash + 1);
    if (!prefix.matches("[0-9]{1,3}")) {
      return false;
    }
    int bits = Integer.parseInt(prefix);
    if (Ipv4.isValid(address)) {
      return bits <= 32;
    }
    return isIpv6(address) && bits <= 128;
  }

  private static boolean isIpv6(String text) {
    if (!text.contains(":")) {
      return false;
    }
    int elided = text.indexOf("::");
    if (elided >= 0 && text.indexOf("::", elided + 1) >= 0) {
      return false;
    }
    int groups;
    if (elided >= 0) {
      String head = text.substring(0, elided);
      String tail = text.substring(elided + 2);
      int headGroups = groups(head, false);
      int tailGroups = groups(tail, true);
      if (headGroups < 0 || tailGroups < 0) {
        return false;
      }
      groups = headGroups + tailGroups;
      return groups < 8;
    }
    groups = groups(text, true);
    return groups == 8;
  }

  /** How many 16-bit groups a colon-separated run holds (a dotted IPv4 tail counts two), or -1. */
  private static int groups(String run, boolean mayEndInIpv4) {
    if (run.isEmpty()) {
      return 0;
    }
    String[] parts = run.split(":", -1);
    int count = 0;
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (mayEndInIpv4 && i == parts.length - 1 && part.contains(".")) {
        if (!Ipv4.isValid(part)) {
          return -1;
        }
        count += 2;
      } else if (part.matches("[0-9a-fA-F]{1,4}")) {
        count++;
      } else {
        return -1;
      }
    }
    return count;
  }
}
