package io.dirigent.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.LocalOnly;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.LocalVolumes;
import io.dirigent.core.api.Storage;
import io.dirigent.core.informer.Informer;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreException;
import io.dirigent.core.store.WriteOptions;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the directories of this node's deleted local volumes — the part of a Delete reclaim
 * that only the node can do. A local volume the provisioner made carries the finalizer
 * {@link Storage#LOCAL_VOLUME_FINALIZER}; once the volume is deleted, this actor removes its
 * directory (only one strictly below the node's volumes directory, reached without a symbolic
 * link, and never following one inside it), off its thread, then the finalizer, and the volume is
 * gone. A removal or write that fails is tried again after the retry interval.
 */
final class LocalVolumeReclaimer {

  private static final Logger log = LoggerFactory.getLogger(LocalVolumeReclaimer.class);

  sealed interface Command extends LocalOnly {}

  private record VolumeEvent(Informer.Event event) implements Command {}

  private record DirectoryRemoved(String volume, Throwable failure) implements Command {}

  private record FinalizerRemoved(String volume, Throwable failure) implements Command {}

  private record Retry(String volume) implements Command {}

  private LocalVolumeReclaimer() {}

  static Behavior<Command> create(Store store, String nodeName, Path volumesDir, Executor blocking, Duration relistDelay, Duration retryInterval) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      ActorRef<Informer.Event> events = context.messageAdapter(Informer.Event.class, VolumeEvent::new);
      context.spawn(Informer.create(store, store.registry().byResource("persistentvolumes").orElseThrow(), ObjectFilter.ALL, events, relistDelay),
          "volumes");
      return new Running(context, timers, store, nodeName, volumesDir, blocking, retryInterval).behavior();
    }));
  }

  private static final class Running {
    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final Store store;
    private final String nodeName;
    private final Path volumesDir;
    private final Executor blocking;
    private final Duration retryInterval;
    /** The newest version of each deleted local volume of this node that still holds the finalizer. */
    private final Map<String, ObjectNode> doomed = new HashMap<>();
    /** Volumes whose directory or finalizer is being removed. */
    private final Set<String> busy = new HashSet<>();

    Running(ActorContext<Command> context, TimerScheduler<Command> timers, Store store, String nodeName, Path volumesDir, Executor blocking,
        Duration retryInterval) {
      this.context = context;
      this.timers = timers;
      this.store = store;
      this.nodeName = nodeName;
      this.volumesDir = volumesDir;
      this.blocking = blocking;
      this.retryInterval = retryInterval;
    }

    Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessage(VolumeEvent.class, this::onEvent)
          .onMessage(DirectoryRemoved.class, this::onDirectoryRemoved)
          .onMessage(FinalizerRemoved.class, this::onFinalizerRemoved)
          .onMessage(Retry.class, retry -> {
            reclaim(retry.volume());
            return Behaviors.same();
          })
          .build();
    }

    private Behavior<Command> onEvent(VolumeEvent message) {
      Informer.Event event = message.event();
      if (event instanceof Informer.Upserted upserted) {
        observe(upserted.object());
      } else if (event instanceof Informer.Deleted deleted) {
        doomed.remove(KubeJson.name(deleted.object()));
      } else if (event instanceof Informer.Synced synced) {
        doomed.clear();
        synced.objects().forEach(this::observe);
      }
      return Behaviors.same();
    }

    private void observe(ObjectNode volume) {
      String name = KubeJson.name(volume);
      if (ours(volume)) {
        doomed.put(name, volume);
        reclaim(name);
      } else {
        doomed.remove(name);
      }
    }

    /** Deleted, pinned to this node, and still waiting for this node to let go. */
    private boolean ours(ObjectNode volume) {
      boolean deleted = !volume.path("metadata").path("deletionTimestamp").asText("").isEmpty();
      boolean held = false;
      for (JsonNode finalizer : volume.path("metadata").path("finalizers")) {
        held |= Storage.LOCAL_VOLUME_FINALIZER.equals(finalizer.asText());
      }
      return deleted && held && LocalVolumes.pinnedTo(volume, nodeName);
    }

    private void reclaim(String name) {
      ObjectNode volume = doomed.get(name);
      if (volume == null || !busy.add(name)) {
        return;
      }
      String path = LocalVolumes.path(volume).orElse("");
      Path root = volumesDir;
      log.debug("node={} volume={} removing directory path={}", nodeName, name, path);
      context.pipeToSelf(CompletableFuture.runAsync(() -> removeBelow(root, path), blocking),
          (done, failure) -> new DirectoryRemoved(name, failure));
    }

    private Behavior<Command> onDirectoryRemoved(DirectoryRemoved removed) {
      String name = removed.volume();
      ObjectNode volume = doomed.get(name);
      if (removed.failure() != null || volume == null) {
        busy.remove(name);
        if (removed.failure() != null) {
          context.getLog().warn("node={} volume={} directory not removed, trying again in {}: {}", nodeName, name, retryInterval,
              StoreException.cause(removed.failure()).getMessage());
          timers.startSingleTimer(name, new Retry(name), retryInterval);
        }
        return Behaviors.same();
      }
      ObjectNode released = volume.deepCopy();
      ArrayNode finalizers = ((ObjectNode) released.get("metadata")).putArray("finalizers");
      volume.path("metadata").path("finalizers").forEach(finalizer -> {
        if (!Storage.LOCAL_VOLUME_FINALIZER.equals(finalizer.asText())) {
          finalizers.add(finalizer);
        }
      });
      context.getLog().info("node={} volume={} directory removed, releasing the volume", nodeName, name);
      context.pipeToSelf(store.update(store.registry().byResource("persistentvolumes").orElseThrow(), null, released, WriteOptions.DEFAULT),
          (written, failure) -> new FinalizerRemoved(name, failure));
      return Behaviors.same();
    }

    private Behavior<Command> onFinalizerRemoved(FinalizerRemoved removed) {
      busy.remove(removed.volume());
      if (removed.failure() != null) {
        // A newer version (a conflict) comes as an event; either way the next attempt reads it.
        context.getLog().debug("node={} volume={} finalizer not removed, trying again in {}: {}", nodeName, removed.volume(), retryInterval,
            StoreException.cause(removed.failure()).getMessage());
        timers.startSingleTimer(removed.volume(), new Retry(removed.volume()), retryInterval);
      }
      return Behaviors.same();
    }
  }

  /**
   * Removes the directory at {@code text} if it lies strictly below {@code root} with no symbolic
   * link on the way; nothing inside it is followed (a link is removed as a link). A path outside
   * {@code root} is left alone: this node never made it.
   */
  static void removeBelow(Path root, String text) {
    if (text.isEmpty() || !text.startsWith("/") || List.of(text.split("/")).contains("..")) {
      log.warn("volume path \"{}\" is not an absolute path without '..': nothing removed", text);
      return;
    }
    Path path = Path.of(text).normalize();
    if (!path.startsWith(root) || path.equals(root)) {
      log.warn("volume path {} is outside the volumes directory {}: nothing removed", path, root);
      return;
    }
    Path current = root;
    for (Path element : root.relativize(path)) {
      current = current.resolve(element);
      if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
        return;
      }
      if (Files.isSymbolicLink(current) && !current.equals(path)) {
        log.warn("volume path {} goes through the symbolic link {}: nothing removed", path, current);
        return;
      }
    }
    try {
      Files.walkFileTree(path, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
          Files.delete(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
          if (failure != null) {
            throw failure;
          }
          Files.delete(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot remove " + path, e);
    }
  }
}
