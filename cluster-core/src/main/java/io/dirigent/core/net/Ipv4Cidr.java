package io.dirigent.core.net;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An IPv4 block in CIDR notation (a pod CIDR, a node's range), read strictly: a strict
 * {@link Ipv4} address that is the block's first (no host bits set), a slash, a prefix length
 * 0–32 without leading zeros. What parses is safe to hand to {@code ip}, iptables or the engine.
 *
 * @param network the block's first address, as a number
 * @param prefix the prefix length
 */
public record Ipv4Cidr(long network, int prefix) {

  private static final Pattern PREFIX = Pattern.compile("0|[1-9][0-9]?");

  public Ipv4Cidr {
    if (prefix < 0 || prefix > 32) {
      throw new IllegalArgumentException("a prefix length is 0 to 32: " + prefix);
    }
    if (network < 0 || network > 0xFFFFFFFFL || (network & ~mask(prefix) & 0xFFFFFFFFL) != 0) {
      throw new IllegalArgumentException("not the first address of a /" + prefix + ": " + Ipv4.text(network & 0xFFFFFFFFL));
    }
  }

  /** The block {@code text} names, or empty when it is not a strict IPv4 CIDR with no host bits set. */
  public static Optional<Ipv4Cidr> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    int slash = text.indexOf('/');
    if (slash < 0 || !PREFIX.matcher(text.substring(slash + 1)).matches()) {
      return Optional.empty();
    }
    var address = Ipv4.parse(text.substring(0, slash));
    int prefix = Integer.parseInt(text.substring(slash + 1));
    if (address.isEmpty() || prefix > 32 || (address.getAsLong() & ~mask(prefix) & 0xFFFFFFFFL) != 0) {
      return Optional.empty();
    }
    return Optional.of(new Ipv4Cidr(address.getAsLong(), prefix));
  }

  /** The block {@code text} names; what {@code what} is, in the error when it names none. */
  public static Ipv4Cidr of(String text, String what) {
    return parse(text).orElseThrow(() -> new IllegalArgumentException(
        what + " must be an IPv4 block in CIDR notation with no host bits set (e.g. 10.244.0.0/16): " + text));
  }

  private static long mask(int prefix) {
    return prefix == 0 ? 0 : 0xFFFFFFFFL << (32 - prefix) & 0xFFFFFFFFL;
  }

  /** How many addresses the block has. */
  public long size() {
    return 1L << (32 - prefix);
  }

  public boolean contains(long ip) {
    return (ip & mask(prefix)) == network;
  }

  /** Whether {@code other} lies wholly inside this block. */
  public boolean contains(Ipv4Cidr other) {
    return other.prefix >= prefix && contains(other.network);
  }

  public boolean overlaps(Ipv4Cidr other) {
    return contains(other) || other.contains(this);
  }

  /** How many blocks of {@code subnetPrefix} this one holds. */
  public long subnets(int subnetPrefix) {
    if (subnetPrefix < prefix || subnetPrefix > 32) {
      throw new IllegalArgumentException("a /" + prefix + " holds no /" + subnetPrefix);
    }
    return 1L << (subnetPrefix - prefix);
  }

  /** The {@code index}th (from 0) block of {@code subnetPrefix} inside this one. */
  public Ipv4Cidr subnet(long index, int subnetPrefix) {
    if (index < 0 || index >= subnets(subnetPrefix)) {
      throw new IllegalArgumentException("a /" + prefix + " has no /" + subnetPrefix + " number " + index);
    }
    return new Ipv4Cidr(network + index * (1L << (32 - subnetPrefix)), subnetPrefix);
  }

  /** The address {@code offset} after the block's first, as text. */
  public String address(long offset) {
    if (offset < 0 || offset >= size()) {
      throw new IllegalArgumentException(this + " has no address at offset " + offset);
    }
    return Ipv4.text(network + offset);
  }

  @Override
  public String toString() {
    return Ipv4.text(network) + "/" + prefix;
  }
}
