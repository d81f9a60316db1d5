package io.dirigent.cli.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A second host on this machine: a network namespace joined to this one by a veth pair, this side
 * {@link #HERE}, that side {@link #THERE}, a /24 of their own. From inside, nothing but that link
 * (and the namespace's own loopback) is reachable: a member there that works has found the other
 * side by the addresses it advertises, not by this host's loopback. {@link #close()} removes the
 * namespace and the link.
 */
public final class SecondHost implements AutoCloseable {

  /** This host's address on the link. */
  public static final String HERE = "10.77.0.1";
  /** The second host's address. */
  public static final String THERE = "10.77.0.2";
  private static final String NAMESPACE = "dirigent-host2";
  private static final String LINK = "dirigent-h2";
  private static final String PEER = "dirigent-h2p";

  private SecondHost() {}

  /** Makes the namespace and its link (after removing any a killed run left). Needs root and iproute2. */
  public static SecondHost create() throws IOException, InterruptedException {
    remove();
    ip("netns", "add", NAMESPACE);
    ip("link", "add", LINK, "type", "veth", "peer", "name", PEER);
    ip("link", "set", PEER, "netns", NAMESPACE);
    ip("addr", "add", HERE + "/24", "dev", LINK);
    ip("link", "set", LINK, "up");
    ip("netns", "exec", NAMESPACE, "ip", "addr", "add", THERE + "/24", "dev", PEER);
    ip("netns", "exec", NAMESPACE, "ip", "link", "set", PEER, "up");
    ip("netns", "exec", NAMESPACE, "ip", "link", "set", "lo", "up");
    return new SecondHost();
  }

  /** The namespace's file, for {@code nsenter --net=}. */
  public String namespacePath() {
    return "/run/netns/" + NAMESPACE;
  }

  /** {@code command} as it runs on the second host. */
  public List<String> on(List<String> command) {
    List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", NAMESPACE));
    wrapped.addAll(command);
    return wrapped;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    remove();
  }

  private static void remove() throws IOException, InterruptedException {
    run(List.of("ip", "netns", "del", NAMESPACE));
    // Gone with the namespace, unless only this side was made.
    run(List.of("ip", "link", "del", LINK));
  }

  private static void ip(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(List.of(arguments));
    if (run(command) != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed");
    }
  }

  private static int run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = process.waitFor();
    if (exit != 0 && !output.isBlank()) {
      System.out.println(String.join(" ", command) + ": " + output.strip());
    }
    return exit;
  }
}
