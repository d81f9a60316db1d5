package io.dirigent.core.services;

import com.typesafe.config.Config;
import io.dirigent.core.net.Ipv4;

/**
 * The ranges Service addresses come from: ClusterIPs from a CIDR block (without its network and
 * broadcast addresses), NodePorts from a port range. Pure arithmetic on IPv4 addresses as longs.
 */
record AddressRanges(long firstIp, long lastIp, int firstPort, int lastPort, String cidr) {

  static AddressRanges from(Config config) {
    Config services = config.getConfig("dirigent.services");
    String cidr = services.getString("cluster-ip-range");
    String ports = services.getString("node-port-range");
    String[] parts = cidr.split("/");
    int bits = Integer.parseInt(parts[1]);
    if (bits < 8 || bits > 30) {
      throw new IllegalArgumentException("dirigent.services.cluster-ip-range must be an IPv4 block from /8 to /30: " + cidr);
    }
    long base = ip(parts[0]) & (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
    long size = 1L << (32 - bits);
    String[] range = ports.split("-");
    return new AddressRanges(base + 1, base + size - 2, Integer.parseInt(range[0].strip()), Integer.parseInt(range[1].strip()), cidr);
  }

  boolean containsIp(String address) {
    try {
      long value = ip(address);
      return value >= firstIp && value <= lastIp;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  boolean containsPort(int port) {
    return port >= firstPort && port <= lastPort;
  }

  long ipCount() {
    return lastIp - firstIp + 1;
  }

  int portCount() {
    return lastPort - firstPort + 1;
  }

  String ipAt(long offset) {
    return text(firstIp + offset);
  }

  static long ip(String address) {
    return Ipv4.parse(address).orElseThrow(() -> new IllegalArgumentException("not an IPv4 address: " + address));
  }

  static String text(long ip) {
    return Ipv4.text(ip);
  }
}
