package io.dirigent.api;

import com.typesafe.config.Config;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a request's Host header names this server: one of its names (localhost, the host's
 * name, the {@code kubernetes} Service's names, {@code dirigent.api.served-names}) or one of its
 * addresses. A page in a browser on this host that is made to resolve its own name to 127.0.0.1
 * (DNS rebinding) still sends that name, and is refused: the browser's same-origin rule would
 * otherwise let it read the API.
 */
final class HostCheck {

  private static final List<String> KUBERNETES_NAMES =
      List.of("localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local");

  private final Set<String> names;
  private final Set<InetAddress> addresses;

  HostCheck(Set<String> names, Set<InetAddress> addresses) {
    this.names = Set.copyOf(names);
    this.addresses = Set.copyOf(addresses);
  }

  /** The names this server answers to, lower case. */
  Set<String> names() {
    return names;
  }

  /** The addresses this server answers to (its interfaces', and those configured). */
  Set<InetAddress> addresses() {
    return addresses;
  }

  /** The names and addresses of this host, and those configured. */
  static HostCheck from(Config api) {
    Set<String> names = new HashSet<>(KUBERNETES_NAMES);
    Set<InetAddress> addresses = new HashSet<>();
    for (String served : api.getStringList("served-names")) {
      literal(served).ifPresentOrElse(addresses::add, () -> names.add(served.toLowerCase(Locale.ROOT)));
    }
    literal(api.getString("host")).ifPresent(addresses::add);
    try {
      InetAddress local = InetAddress.getLocalHost();
      names.add(local.getHostName().toLowerCase(Locale.ROOT));
      names.add(local.getCanonicalHostName().toLowerCase(Locale.ROOT));
    } catch (UnknownHostException e) {
      // A host without a resolvable name: its addresses still serve.
    }
    try {
      for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        addresses.addAll(Collections.list(network.getInetAddresses()));
      }
    } catch (SocketException e) {
      // No interfaces to list: loopback is allowed below regardless.
    }
    return new HostCheck(names, addresses);
  }

  /** Whether {@code host} (a Host header's value, with or without a port) names this server; no Host is allowed (HTTP/1.0). */
  boolean allows(Optional<String> host) {
    if (host.isEmpty() || host.get().isEmpty()) {
      return true;
    }
    String name = withoutPort(host.get().toLowerCase(Locale.ROOT));
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    Optional<InetAddress> address = literal(name);
    if (address.isPresent()) {
      return address.get().isLoopbackAddress() || addresses.contains(address.get());
    }
    return names.contains(name);
  }

  private static String withoutPort(String host) {
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      return end < 0 ? host : host.substring(1, end);
    }
    int colon = host.lastIndexOf(':');
    return colon >= 0 && host.indexOf(':') == colon ? host.substring(0, colon) : host;
  }

  /** The address {@code text} is, when it is an IP literal; never a lookup, whatever the text. */
  private static Optional<InetAddress> literal(String text) {
    java.util.OptionalLong ipv4 = io.dirigent.core.net.Ipv4.parse(text);
    byte[] bytes;
    if (ipv4.isPresent()) {
      long value = ipv4.getAsLong();
      bytes = new byte[] {(byte) (value >> 24), (byte) (value >> 16), (byte) (value >> 8), (byte) value};
    } else if (text.contains(":") && text.matches("[0-9a-fA-F:.]+") && (Character.digit(text.charAt(0), 16) >= 0 || text.charAt(0) == ':')) {
      // Hex digits and colons only, starting with either: the JDK parses it as an IPv6 literal or refuses it, never resolves it.
      try {
        bytes = InetAddress.getByName(text).getAddress();
      } catch (UnknownHostException e) {
        return Optional.empty();
      }
    } else {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByAddress(bytes));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }
}
