package io.dirigent.node.network;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the service proxy and the pod network both need of the host's packet filter: whether it
 * can be used, where a jump for forwarded packets must hang, and taking a jump away.
 */
public final class PacketFilter {

  /** Docker's chain for the user's rules, which the engine runs first in {@code FORWARD} and never reorders. */
  public static final String DOCKER_USER = "DOCKER-USER";
  /** Every chain a jump for forwarded packets may hang from. */
  public static final List<String> FORWARD_CHAINS = List.of("FORWARD", DOCKER_USER);

  private PacketFilter() {}

  /** Whether iptables can be used here: the binaries exist and the nat table answers. */
  public static boolean available() {
    try {
      return HostCommand.run("iptables", "-w", "5", "-t", "nat", "-S", "OUTPUT").ok()
          && HostCommand.run("iptables-restore", "--version").ok();
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Where forwarded packets meet a jump first: {@value #DOCKER_USER} where the engine made it —
   * the engine puts each bridge network's ACCEPT rules at the top of {@code FORWARD} when the
   * network is made, above any jump put there before — else {@code FORWARD}.
   */
  public static String forwardHook(List<String> within) throws IOException {
    return HostCommand.run(within, List.of("iptables", "-w", "5", "-t", "filter", "-S", DOCKER_USER), null).ok() ? DOCKER_USER : "FORWARD";
  }

  /** Deletes every copy of the rule {@code rule} (e.g. {@code -j CHAIN}) from {@code chain} of {@code table}. */
  public static void deleteJump(List<String> within, String table, String chain, List<String> rule) throws IOException {
    List<String> delete = new ArrayList<>(List.of("iptables", "-w", "5", "-t", table, "-D", chain));
    delete.addAll(rule);
    while (HostCommand.run(within, delete, null).ok()) {
      // every copy
    }
  }
}
