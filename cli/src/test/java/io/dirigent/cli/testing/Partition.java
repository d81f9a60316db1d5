package io.dirigent.cli.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A network partition between loopback addresses, made with iptables: every packet between
 * {@code host} and each of {@code others} is dropped, both ways, as a cut cable or a firewall does
 * (no reset, no error: the peers fall silent). Everything else — the test itself, the store on
 * 127.0.0.1 — still reaches both sides. The rules live in a chain of their own, which {@link
 * #close()} removes, so a failed test heals the network too.
 */
public final class Partition implements AutoCloseable {

  private static final String CHAIN = "DIRIGENT-FAULTS";

  private Partition() {}

  /** Cuts {@code host} off from {@code others}. Needs root and iptables (bin/docker-engine installs it). */
  public static Partition isolate(String host, Collection<String> others) throws IOException, InterruptedException {
    heal();
    iptables("-N", CHAIN);
    iptables("-I", "INPUT", "1", "-j", CHAIN);
    for (String other : others) {
      iptables("-A", CHAIN, "-s", host, "-d", other, "-j", "DROP");
      iptables("-A", CHAIN, "-s", other, "-d", host, "-j", "DROP");
    }
    return new Partition();
  }

  /** Removes the partition's rules (and any a killed test left behind). */
  public static void heal() throws IOException, InterruptedException {
    while (run(List.of("-D", "INPUT", "-j", CHAIN)) == 0) {
      // A rule may have been inserted more than once by earlier runs.
    }
    run(List.of("-F", CHAIN));
    run(List.of("-X", CHAIN));
  }

  @Override
  public void close() throws IOException, InterruptedException {
    heal();
  }

  private static void iptables(String... arguments) throws IOException, InterruptedException {
    List<String> command = List.of(arguments);
    if (run(command) != 0) {
      throw new IllegalStateException("iptables " + String.join(" ", command) + " failed");
    }
  }

  private static int run(List<String> arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("iptables", "-w", "5"));
    command.addAll(arguments);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("iptables did not finish: " + command);
    }
    if (process.exitValue() != 0 && !arguments.get(0).equals("-D") && !arguments.get(0).equals("-F") && !arguments.get(0).equals("-X")) {
      System.err.println(String.join(" ", command) + ": " + output.strip());
    }
    return process.exitValue();
  }
}
