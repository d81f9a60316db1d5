package io.dirigent.node.proxy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import io.dirigent.node.network.HostCommand;
import io.dirigent.node.network.HostCommand.Result;
import io.dirigent.node.network.PacketFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Service traffic through the kernel's NAT: each sync renders every rule ({@link IptablesRules})
 * and hands them to {@code iptables-restore --noflush} in one transaction, so a change of
 * endpoints is never half applied. Loopback NodePorts need {@code route_localnet}, which this
 * sets, as kube-proxy does.
 */
public final class IptablesProxier implements Proxier {

  private static final Logger log = LoggerFactory.getLogger(IptablesProxier.class);
  private static final Path ROUTE_LOCALNET = Path.of("/proc/sys/net/ipv4/conf/all/route_localnet");

  private final IptablesRules rules;
  /** What every command runs under: nothing on the host, {@code ip netns exec NAME} in a network namespace. */
  private final List<String> within;

  public IptablesProxier(IptablesRules rules) {
    this.rules = rules;
    this.within = List.of();
  }

  /** Rules in network namespace {@code networkNamespace} instead of the host's (tests run it in one of their own). */
  public IptablesProxier(IptablesRules rules, String networkNamespace) {
    if (!networkNamespace.matches("[a-z0-9][-a-z0-9]{0,30}")) {
      throw new IllegalArgumentException("not a network namespace name: " + networkNamespace);
    }
    this.rules = rules;
    this.within = List.of("ip", "netns", "exec", networkNamespace);
  }

  /** Whether iptables can be used here: the binaries exist and the nat table answers. */
  public static boolean available() {
    return PacketFilter.available();
  }

  @Override
  public void sync(List<ServiceRule> wanted) throws IOException {
    enableRouteLocalnet();
    // The chains must exist before the built-in chains can jump to them.
    Set<String> existing = existingChains();
    Result restore = run(List.of("iptables-restore", "-w", "5", "--noflush"), rules.render(wanted, stale(existing)));
    if (restore.exit() != 0) {
      throw new IOException("iptables-restore failed: " + restore.output());
    }
    for (List<String> jump : rules.jumps()) {
      ensureJump(hooked(jump));
    }
  }

  /**
   * {@code jump}, with a jump from {@code FORWARD} moved to where forwarded packets meet it first
   * ({@link PacketFilter#forwardHook}). Without that, a pod on a network made after the proxy
   * started could reach an unserved service address — and through it whatever the default route
   * leads to.
   */
  private List<String> hooked(List<String> jump) throws IOException {
    if (!jump.get(0).equals("filter") || !jump.get(1).equals("FORWARD")) {
      return jump;
    }
    List<String> moved = new ArrayList<>(jump);
    moved.set(1, PacketFilter.forwardHook(within));
    return moved;
  }

  private Set<String> stale(Set<String> existing) {
    Set<String> stale = new LinkedHashSet<>();
    for (String chain : existing) {
      if (rules.isDynamic(chain)) {
        stale.add(chain);
      }
    }
    return stale;
  }

  private Set<String> existingChains() throws IOException {
    Result saved = run(List.of("iptables-save", "-t", "nat"), null);
    Set<String> chains = new LinkedHashSet<>();
    for (String line : saved.output().split("\n")) {
      if (line.startsWith(":")) {
        chains.add(line.substring(1, line.indexOf(' ')));
      }
    }
    return chains;
  }

  private void ensureJump(List<String> jump) throws IOException {
    String table = jump.get(0);
    String chain = jump.get(1);
    List<String> rule = jump.subList(2, jump.size());
    List<String> check = new ArrayList<>(List.of("iptables", "-w", "5", "-t", table, "-C", chain));
    check.addAll(rule);
    if (run(check, null).exit() == 0) {
      return;
    }
    List<String> insert = new ArrayList<>(List.of("iptables", "-w", "5", "-t", table, "-I", chain, "1"));
    insert.addAll(rule);
    Result inserted = run(insert, null);
    if (inserted.exit() != 0) {
      throw new IOException("could not add the jump to %s in %s: %s".formatted(jump.get(jump.size() - 1), chain, inserted.output()));
    }
  }

  private void enableRouteLocalnet() {
    try {
      if (!within.isEmpty()) {
        // /proc/sys/net is the network namespace's own, as seen from a process inside it.
        run(List.of("sh", "-c", "echo 1 > " + ROUTE_LOCALNET), null);
      } else if (!Files.readString(ROUTE_LOCALNET).strip().equals("1")) {
        Files.writeString(ROUTE_LOCALNET, "1");
      }
    } catch (IOException e) {
      log.warn("cannot enable route_localnet ({}); NodePorts on 127.0.0.1 will not answer", e.getMessage());
    }
  }

  @Override
  public void close() {
    try {
      for (List<String> jump : rules.jumps()) {
        for (String chain : jump.get(1).equals("FORWARD") ? PacketFilter.FORWARD_CHAINS : List.of(jump.get(1))) {
          PacketFilter.deleteJump(within, jump.get(0), chain, jump.subList(2, jump.size()));
        }
      }
      Set<String> ours = new LinkedHashSet<>();
      for (String chain : existingChains()) {
        if (rules.isDynamic(chain) || chain.equals(rules.services()) || chain.equals(rules.nodePorts())
            || chain.equals(rules.postrouting()) || chain.equals(rules.markMasquerade())) {
          ours.add(chain);
        }
      }
      StringBuilder nat = new StringBuilder("*nat\n");
      ours.forEach(chain -> nat.append(':').append(chain).append(" - [0:0]\n"));
      ours.forEach(chain -> nat.append("-X ").append(chain).append('\n'));
      nat.append("COMMIT\n*filter\n");
      for (String chain : List.of(rules.firewall(), rules.localnetGuard())) {
        nat.append(':').append(chain).append(" - [0:0]\n-X ").append(chain).append('\n');
      }
      nat.append("COMMIT\n");
      Result removed = run(List.of("iptables-restore", "-w", "5", "--noflush"), nat.toString());
      if (removed.exit() != 0) {
        log.warn("could not remove the service proxy's iptables chains: {}", removed.output());
      }
    } catch (IOException e) {
      log.warn("could not remove the service proxy's iptables rules: {}", e.getMessage());
    }
  }

  private Result run(List<String> command, String input) throws IOException {
    return HostCommand.run(within, command, input);
  }
}
