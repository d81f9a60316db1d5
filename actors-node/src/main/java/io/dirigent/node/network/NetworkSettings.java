package io.dirigent.node.network;

import com.typesafe.config.Config;
import io.dirigent.core.net.Ipv4Cidr;
import java.time.Duration;

/**
 * The pod network's settings, from {@code dirigent.network}.
 *
 * @param mode how this host joins its pods to the other hosts'
 * @param cluster the cluster's pod network, of which each Node has a range
 * @param vxlanPort the UDP port VXLAN uses between hosts
 * @param vni the VXLAN network identifier
 * @param mtu the pods' MTU; 0: the uplink's, less what the encapsulation adds
 * @param readyTimeout how long a sandbox waits for the network before its start fails
 * @param chainPrefix the prefix of the iptables chains (the service proxy's)
 * @param serviceRange the ClusterIP range, whose traffic the pod network leaves to the service proxy's rules
 */
public record NetworkSettings(Mode mode, Ipv4Cidr cluster, int vxlanPort, int vni, int mtu, Duration readyTimeout, String chainPrefix,
    Ipv4Cidr serviceRange) {

  /** How pods on different hosts reach each other. */
  public enum Mode {
    /** An overlay: VXLAN between the nodes' InternalIPs. */
    VXLAN,
    /** A route to each node's range via its InternalIP: the nodes share a link. */
    HOST_GW,
    /** The engine's default bridge: one host only. */
    BRIDGE
  }

  /** What VXLAN adds to each packet: outer IPv4 (20), UDP (8), VXLAN (8) and Ethernet (14) headers. */
  static final int VXLAN_OVERHEAD = 50;

  public NetworkSettings {
    if (vxlanPort < 1 || vxlanPort > 65535) {
      throw new IllegalArgumentException("dirigent.network.vxlan.port must be a port number: " + vxlanPort);
    }
    if (vni < 1 || vni > 0xFFFFFF) {
      throw new IllegalArgumentException("dirigent.network.vxlan.vni must be 1 to 16777215: " + vni);
    }
    if (mtu != 0 && (mtu < 576 || mtu > 65535)) {
      throw new IllegalArgumentException("dirigent.network.mtu must be 0 (from the uplink) or 576 to 65535: " + mtu);
    }
    if (cluster.overlaps(serviceRange)) {
      throw new IllegalArgumentException("dirigent.network.cluster-cidr " + cluster + " overlaps dirigent.services.cluster-ip-range " + serviceRange);
    }
    if (!chainPrefix.matches("[A-Z][-A-Z0-9]{0,7}")) {
      throw new IllegalArgumentException("the chain prefix must be up to 8 capitals, digits or dashes: " + chainPrefix);
    }
  }

  public static NetworkSettings from(Config config) {
    Config network = config.getConfig("dirigent.network");
    String mode = network.getString("mode");
    return new NetworkSettings(switch (mode) {
      case "vxlan" -> Mode.VXLAN;
      case "host-gw" -> Mode.HOST_GW;
      case "bridge" -> Mode.BRIDGE;
      default -> throw new IllegalArgumentException("unknown dirigent.network.mode '" + mode + "': use vxlan, host-gw or bridge");
    }, Ipv4Cidr.of(network.getString("cluster-cidr"), "dirigent.network.cluster-cidr"), network.getInt("vxlan.port"),
        network.getInt("vxlan.vni"), network.getInt("mtu"), network.getDuration("ready-timeout"), config.getString("dirigent.proxy.chain-prefix"),
        Ipv4Cidr.of(config.getString("dirigent.services.cluster-ip-range"), "dirigent.services.cluster-ip-range"));
  }
}
