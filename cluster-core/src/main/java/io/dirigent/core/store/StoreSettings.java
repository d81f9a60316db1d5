package io.dirigent.core.store;

import com.typesafe.config.Config;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The store's tuning, from {@code dirigent.store} in the configuration (reference.conf documents
 * each setting).
 */
public record StoreSettings(
    String role,
    int snapshotEvery,
    int indexSnapshotEvery,
    Duration versionTimeout,
    Duration persistMinBackoff,
    Duration persistMaxBackoff,
    int versionBlock,
    int watchWindow,
    Duration resolveAfter,
    int rebuildParallelism,
    Duration askTimeout,
    Duration bookmarkInterval,
    Duration tickInterval,
    int watchBuffer,
    long maxObjectBytes,
    long listPageBytes,
    Duration definitionsRelistDelay,
    Duration definitionWait) {

  public StoreSettings {
    if (snapshotEvery < 1 || indexSnapshotEvery < 1 || versionBlock < 1 || watchWindow < 1 || rebuildParallelism < 1) {
      throw new IllegalArgumentException("store counts must be positive");
    }
  }

  public static StoreSettings from(Config root) {
    Config c = root.getConfig("dirigent.store");
    return new StoreSettings(
        c.getString("role"),
        c.getInt("snapshot-every"),
        c.getInt("index-snapshot-every"),
        c.getDuration("version-timeout"),
        c.getDuration("persist-min-backoff"),
        c.getDuration("persist-max-backoff"),
        c.getInt("version-block"),
        c.getInt("watch-window"),
        c.getDuration("resolve-after"),
        c.getInt("rebuild-parallelism"),
        c.getDuration("ask-timeout"),
        c.getDuration("bookmark-interval"),
        c.getDuration("tick-interval"),
        c.getInt("watch-buffer"),
        c.getBytes("max-object-bytes"),
        c.getBytes("list-page-bytes"),
        c.getDuration("definitions-relist-delay"),
        c.getDuration("definition-wait"));
  }

  public static StoreSettings from(ActorSystem<?> system) {
    return from(system.settings().config());
  }
}
