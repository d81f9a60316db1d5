package io.dirigent.node;

import com.typesafe.config.Config;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The node agent's settings, from {@code dirigent.node}.
 *
 * @param name the Node's name
 * @param address the node's InternalIP
 * @param podsDir where pod volumes live on the host; null: volumes are not materialized
 *     (simulated nodes)
 * @param volumesDir where the node's local PersistentVolumes live (each a directory below it, which
 *     nothing outside it is allowed to be); null: the node takes no local volumes (simulated nodes)
 * @param maxPods the Node's pod capacity
 * @param leaseDuration the Lease's leaseDurationSeconds
 * @param leaseRenewInterval how often the Lease is renewed
 * @param statusUpdateInterval how often the Node's conditions are reported
 * @param resyncInterval how often each pod is checked against the runtime
 * @param backoffInitial first restart back-off
 * @param backoffMax longest restart back-off
 * @param backoffReset a container that ran this long has its back-off forgotten
 * @param defaultGracePeriod when a pod does not name one
 * @param relistDelay the pause before the agent's informers list again after their watch ended
 * @param registerRetryInterval a registration that failed is tried again after this
 * @param registerSpread simulated nodes register at a random moment within this of their start
 * @param writeRetryInterval a pod status or a finished pod's deletion that failed is tried again after this
 * @param events whether the agent records Events
 */
public record NodeSettings(
    String name,
    String address,
    Path podsDir,
    Path volumesDir,
    int maxPods,
    Duration leaseDuration,
    Duration leaseRenewInterval,
    Duration statusUpdateInterval,
    Duration resyncInterval,
    Duration backoffInitial,
    Duration backoffMax,
    Duration backoffReset,
    Duration defaultGracePeriod,
    Duration relistDelay,
    Duration registerRetryInterval,
    Duration registerSpread,
    Duration writeRetryInterval,
    boolean events) {

  public NodeSettings {
    for (Duration interval : List.of(leaseDuration, leaseRenewInterval, statusUpdateInterval, resyncInterval, relistDelay, registerRetryInterval,
        writeRetryInterval)) {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("node " + name + ": its intervals must be longer than zero: " + interval);
      }
    }
  }

  /** The settings of this member's own node. */
  public static NodeSettings from(Config config) {
    Config node = config.getConfig("dirigent.node");
    String name = node.getString("name");
    return new NodeSettings(
        name.isEmpty() ? hostname() : name,
        node.getString("address"),
        Path.of(node.getString("pods-dir")),
        Path.of(node.getString("volumes-dir")).toAbsolutePath().normalize(),
        node.getInt("max-pods"),
        node.getDuration("lease-duration"),
        node.getDuration("lease-renew-interval"),
        node.getDuration("status-update-interval"),
        node.getDuration("resync-interval"),
        node.getDuration("restart-backoff.initial"),
        node.getDuration("restart-backoff.max"),
        node.getDuration("restart-backoff.reset-after"),
        node.getDuration("default-grace-period"),
        node.getDuration("relist-delay"),
        node.getDuration("register-retry-interval"),
        node.getDuration("simulated.register-spread"),
        node.getDuration("write-retry-interval"),
        node.getBoolean("events"));
  }

  /** The settings of the {@code index}th (from 1) simulated node this member hosts. */
  public static NodeSettings simulated(Config config, int index) {
    Config simulated = config.getConfig("dirigent.node.simulated");
    NodeSettings own = from(config);
    return new NodeSettings(
        "%s-%04d".formatted(simulated.getString("name-prefix"), index),
        own.address(),
        null,
        null,
        own.maxPods(),
        simulated.getDuration("lease-duration"),
        simulated.getDuration("lease-renew-interval"),
        own.statusUpdateInterval().multipliedBy(6),
        own.resyncInterval().multipliedBy(3),
        own.backoffInitial(),
        own.backoffMax(),
        own.backoffReset(),
        own.defaultGracePeriod(),
        own.relistDelay(),
        own.registerRetryInterval(),
        own.registerSpread(),
        own.writeRetryInterval(),
        simulated.getBoolean("events"));
  }

  /** The same node renewing a lease of {@code duration} every {@code renewInterval}. */
  public NodeSettings withLease(Duration duration, Duration renewInterval) {
    return new NodeSettings(name, address, podsDir, volumesDir, maxPods, duration, renewInterval, statusUpdateInterval, resyncInterval,
        backoffInitial, backoffMax, backoffReset, defaultGracePeriod, relistDelay, registerRetryInterval, registerSpread, writeRetryInterval, events);
  }

  public NodeSettings withName(String other) {
    return new NodeSettings(other, address, podsDir, volumesDir, maxPods, leaseDuration, leaseRenewInterval, statusUpdateInterval, resyncInterval,
        backoffInitial, backoffMax, backoffReset, defaultGracePeriod, relistDelay, registerRetryInterval, registerSpread, writeRetryInterval, events);
  }

  /** Kubernetes node names are lower-case DNS subdomains; host names usually are already. */
  static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName().toLowerCase();
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }
}
