package io.dirigent.node.proxy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The iptables rules for a set of {@link ServiceRule}s, as one {@code iptables-restore} input
 * that replaces all of Dirigent's chains at once — kube-proxy's iptables mode, in miniature:
 *
 * <pre>
 * nat    PREROUTING, OUTPUT -> {P}-SERVICES: ClusterIP:port      -> {P}-SVC-x
 *                                          local address:nodePort -> {P}-NODEPORTS -> {P}-SVC-x
 *        {P}-SVC-x: mark for masquerade, then endpoint i of n with probability 1/(n-i) -> {P}-SEP-y
 *        {P}-SEP-y: DNAT to the endpoint
 *        POSTROUTING -> {P}-POSTROUTING: masquerade what was marked
 * filter OUTPUT, FORWARD -> {P}-FIREWALL: reject whatever still goes to the service range
 *        INPUT -> {P}-LOCALNET: drop packets from other hosts addressed to 127.0.0.0/8
 * </pre>
 *
 * The last rule is what keeps service traffic on the host: a packet to a ClusterIP that no rule
 * translated (no such service, no ready endpoint) is rejected rather than routed out.
 */
public final class IptablesRules {

  private final String prefix;
  private final String serviceRange;

  /**
   * @param prefix the chains' name prefix ({@code DIRIGENT}), at most 8 characters (iptables
   *     allows 28 for a chain's name)
   * @param serviceRange the ClusterIP range, e.g. {@code 10.96.0.0/16}
   */
  public IptablesRules(String prefix, String serviceRange) {
    if (!prefix.matches("[A-Z][A-Z0-9]{0,7}")) {
      throw new IllegalArgumentException("the iptables chain prefix must be 1 to 8 upper-case letters or digits: " + prefix);
    }
    this.prefix = prefix;
    this.serviceRange = serviceRange;
  }

  public String services() {
    return prefix + "-SERVICES";
  }

  public String nodePorts() {
    return prefix + "-NODEPORTS";
  }

  public String postrouting() {
    return prefix + "-POSTROUTING";
  }

  public String markMasquerade() {
    return prefix + "-MARK-MASQ";
  }

  public String firewall() {
    return prefix + "-FIREWALL";
  }

  /** The INPUT guard that keeps route_localnet from opening 127.0.0.0/8 to other hosts. */
  public String localnetGuard() {
    return prefix + "-LOCALNET";
  }

  /** Whether a chain is one of the per-service or per-endpoint chains these rules make. */
  public boolean isDynamic(String chain) {
    return chain.startsWith(prefix + "-SVC-") || chain.startsWith(prefix + "-SEP-");
  }

  /** Jumps from the built-in chains: table, chain, rule arguments. */
  public List<List<String>> jumps() {
    return List.of(
        List.of("nat", "PREROUTING", "-m", "comment", "--comment", "dirigent service portals", "-j", services()),
        List.of("nat", "OUTPUT", "-m", "comment", "--comment", "dirigent service portals", "-j", services()),
        List.of("nat", "POSTROUTING", "-m", "comment", "--comment", "dirigent service masquerade", "-j", postrouting()),
        List.of("filter", "OUTPUT", "-m", "comment", "--comment", "dirigent service range firewall", "-j", firewall()),
        List.of("filter", "FORWARD", "-m", "comment", "--comment", "dirigent service range firewall", "-j", firewall()),
        List.of("filter", "INPUT", "-m", "comment", "--comment", "dirigent localnet guard", "-j", localnetGuard()));
  }

  /**
   * The restore input for {@code rules}; {@code staleChains} (chains of earlier syncs no longer
   * wanted) are emptied and removed in the same transaction.
   */
  public String render(List<ServiceRule> rules, Set<String> staleChains) {
    StringBuilder nat = new StringBuilder("*nat\n");
    List<String> natRules = new ArrayList<>();
    Set<String> chains = new LinkedHashSet<>(List.of(services(), nodePorts(), postrouting(), markMasquerade()));
    natRules.add("-A %s -j MARK --set-xmark 0x4000/0x4000".formatted(markMasquerade()));
    natRules.add("-A %s -m mark ! --mark 0x4000/0x4000 -j RETURN".formatted(postrouting()));
    natRules.add("-A %s -j MARK --set-xmark 0x4000/0x0".formatted(postrouting()));
    natRules.add("-A %s -m comment --comment \"dirigent service traffic\" -j MASQUERADE".formatted(postrouting()));
    for (ServiceRule rule : rules) {
      if (rule.endpoints().isEmpty()) {
        continue;
      }
      String protocol = rule.protocol().toLowerCase(Locale.ROOT);
      String svc = chain("SVC", rule.name());
      chains.add(svc);
      String comment = "-m comment --comment \"%s\"".formatted(comment(rule.name()));
      if (rule.clusterIp() != null) {
        natRules.add("-A %s -d %s/32 -p %s %s -m %s --dport %d -j %s".formatted(services(), rule.clusterIp(), protocol, comment, protocol, rule.port(), svc));
      }
      if (rule.nodePort() > 0) {
        natRules.add("-A %s -p %s %s -m %s --dport %d -j %s".formatted(nodePorts(), protocol, comment, protocol, rule.nodePort(), svc));
      }
      natRules.add("-A %s -j %s".formatted(svc, markMasquerade()));
      int n = rule.endpoints().size();
      for (int i = 0; i < n; i++) {
        ServiceRule.Endpoint endpoint = rule.endpoints().get(i);
        String sep = chain("SEP", rule.name() + "@" + endpoint.ip() + ":" + endpoint.port());
        chains.add(sep);
        String pick = i < n - 1 ? String.format(Locale.ROOT, "-m statistic --mode random --probability %.11f ", 1.0 / (n - i)) : "";
        natRules.add("-A %s %s %s-j %s".formatted(svc, comment, pick, sep));
        natRules.add("-A %s -p %s %s -m %s -j DNAT --to-destination %s:%d".formatted(sep, protocol, comment, protocol, endpoint.ip(), endpoint.port()));
      }
    }
    natRules.add("-A %s -m addrtype --dst-type LOCAL -m comment --comment \"dirigent node ports\" -j %s".formatted(services(), nodePorts()));
    for (String chain : chains) {
      nat.append(':').append(chain).append(" - [0:0]\n");
    }
    for (String stale : staleChains) {
      if (!chains.contains(stale)) {
        nat.append(':').append(stale).append(" - [0:0]\n");
      }
    }
    natRules.forEach(rule -> nat.append(rule).append('\n'));
    for (String stale : staleChains) {
      if (!chains.contains(stale)) {
        nat.append("-X ").append(stale).append('\n');
      }
    }
    nat.append("COMMIT\n");
    // route_localnet (which NodePorts on 127.0.0.1 need) would also let other hosts reach services
    // bound to 127.0.0.1 here by sending packets addressed to it: those are dropped on INPUT, as
    // kube-proxy does since CVE-2020-8558.
    String filter = """
        *filter
        :%1$s - [0:0]
        :%3$s - [0:0]
        -A %1$s -d %2$s -m comment --comment "dirigent: no service rule translated this" -j REJECT --reject-with icmp-port-unreachable
        -A %3$s -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -m comment --comment "dirigent: block incoming localnet connections" -j DROP
        COMMIT
        """.formatted(firewall(), serviceRange, localnetGuard());
    return nat + filter;
  }

  /**
   * A rule's comment: the name with anything but letters, digits and {@code /_.:-} replaced, at
   * most 200 characters. The name comes from users' objects; inside the comment's quotes it must
   * not be able to end the quotes, the line, or the table.
   */
  static String comment(String name) {
    String safe = name.replaceAll("[^A-Za-z0-9/_.:-]", "_");
    return safe.length() > 200 ? safe.substring(0, 200) : safe;
  }

  /** A chain's name: the prefix, its kind and a hash of what it stands for, as kube-proxy names them. */
  String chain(String kind, String of) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(of.getBytes(StandardCharsets.UTF_8));
      String text = Base64.getEncoder().withoutPadding().encodeToString(hash).replaceAll("[^A-Za-z0-9]", "").toUpperCase(Locale.ROOT);
      return prefix + "-" + kind + "-" + text.substring(0, 14);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
