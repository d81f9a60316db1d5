package io.dirigent.controllers;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The controller manager's settings, from {@code dirigent.controllers} (dirigent.conf says what
 * each does).
 *
 * @param role the cluster role whose members run the singleton
 * @param workers keys each loop reconciles at once
 * @param resyncInterval how often every key is reconciled even when nothing changed
 * @param events whether the controllers record events
 * @param retryBackoff a failed reconcile's key is tried again after this, doubling per failure
 * @param relistDelay the pause before a shared informer lists again after its watch ended
 * @param restartBackoff the controller manager's restarts after it failed
 * @param loopRestartBackoff a loop's restarts after it failed
 * @param nodeMonitorGracePeriod a node whose Lease names no duration is late after this
 * @param nodeMonitorPeriod how often a late node is looked at again
 * @param evictions how long pods stay on a node that is not ready
 * @param namespaceRecheckInterval how often a namespace being deleted is looked at while objects are left in it
 * @param apiServerEndpointsInterval how often the kubernetes Service's Endpoints are checked against the members
 * @param nodeIpamRetryInterval how soon a node that got no pod range is tried again
 * @param provisioningRetryInterval how soon a claim whose volume could not be provisioned is tried again
 */
record ControllerSettings(
    String role,
    int workers,
    Duration resyncInterval,
    boolean events,
    Backoff retryBackoff,
    Duration relistDelay,
    Backoff restartBackoff,
    Backoff loopRestartBackoff,
    Duration nodeMonitorGracePeriod,
    Duration nodeMonitorPeriod,
    NodeHealth.Timeouts evictions,
    Duration namespaceRecheckInterval,
    Duration apiServerEndpointsInterval,
    Duration nodeIpamRetryInterval,
    Duration provisioningRetryInterval) {

  ControllerSettings {
    if (workers < 1) {
      throw new IllegalArgumentException("dirigent.controllers.workers must be at least 1: " + workers);
    }
    positive("resync-interval", resyncInterval);
    positive("relist-delay", relistDelay);
    positive("node-monitor-grace-period", nodeMonitorGracePeriod);
    positive("node-monitor-period", nodeMonitorPeriod);
    positive("namespace-recheck-interval", namespaceRecheckInterval);
    positive("apiserver-endpoints-interval", apiServerEndpointsInterval);
    positive("node-ipam-retry-interval", nodeIpamRetryInterval);
    positive("provisioning-retry-interval", provisioningRetryInterval);
  }

  /** A back-off from {@code initial}, doubling to {@code max}. */
  record Backoff(Duration initial, Duration max) {
    Backoff {
      positive("a back-off's initial", initial);
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("a back-off's max (" + max + ") is below its initial (" + initial + ")");
      }
    }

    /** The back-off at {@code path} of {@code config}: its {@code initial} and {@code max}. */
    static Backoff from(Config config, String path) {
      return new Backoff(config.getDuration(path + ".initial"), config.getDuration(path + ".max"));
    }

    /** The wait after one more failure, when the last wait was {@code last} (null: none yet). */
    Duration next(Duration last) {
      if (last == null) {
        return initial;
      }
      Duration doubled = last.multipliedBy(2);
      return doubled.compareTo(max) > 0 ? max : doubled;
    }
  }

  /** The settings under {@code dirigent.controllers} of a member's configuration. */
  static ControllerSettings from(Config config) {
    Config c = config.getConfig("dirigent.controllers");
    return new ControllerSettings(c.getString("role"), c.getInt("workers"), c.getDuration("resync-interval"), c.getBoolean("events"),
        Backoff.from(c, "retry-backoff"), c.getDuration("relist-delay"), Backoff.from(c, "restart-backoff"),
        Backoff.from(c, "loop-restart-backoff"), c.getDuration("node-monitor-grace-period"), c.getDuration("node-monitor-period"),
        NodeHealth.Timeouts.from(c), c.getDuration("namespace-recheck-interval"), c.getDuration("apiserver-endpoints-interval"),
        c.getDuration("node-ipam-retry-interval"), c.getDuration("provisioning-retry-interval"));
  }

  private static void positive(String name, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("dirigent.controllers: " + name + " must be longer than zero: " + value);
    }
  }
}
