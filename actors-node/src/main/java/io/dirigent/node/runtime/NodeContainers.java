package io.dirigent.node.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import io.dirigent.node.runtime.ContainerRuntime.Exited;
import io.dirigent.node.runtime.RuntimeContainer.ContainerLabels;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's containers as the engine has them, kept in memory: listed once, then followed on
 * the engine's event stream, and told by the runtime of each change it made the moment it made
 * it. A pod worker's look at its pod is a read of this map, not an engine call — while pods
 * start, the engine is the node's scarcest resource, and a listing per pod per step costs it
 * more the more pods there are.
 *
 * <p>Every entry carries the number of the look that produced it, taken before the engine was
 * asked: a look that began later replaces one that began earlier, never the other way round, so
 * an event's late inspection cannot undo what the runtime recorded after it. A view whose event
 * stream broke, or that was not listed in full for {@code maxAge}, is listed again at the next
 * read: nothing missed stays missed.
 */
final class NodeContainers implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NodeContainers.class);

  /** A container as last seen: null when it is gone or no pod's (a free pool sandbox); its list state, to skip inspecting it again. */
  private record Seen(long look, RuntimeContainer container, String listState) {}

  private final DockerClient docker;
  private final String node;
  private final Function<String, RuntimeContainer> inspect;
  private final Predicate<Map<String, String>> ours;
  private final Executor blocking;
  private final Duration maxAge;
  private final Consumer<String> otherDied;
  private final Map<String, Seen> containers = new ConcurrentHashMap<>();
  private final AtomicLong looks = new AtomicLong();
  private final List<Consumer<Exited>> exitListeners = new CopyOnWriteArrayList<>();
  /** Whether the view may have missed something: listed at the next read. */
  private volatile boolean stale = true;
  private volatile long listedAt;
  private volatile boolean closed;
  private volatile Closeable stream;

  /**
   * @param inspect the container as a pod's (null if it is no pod's); blocking; throws
   *     NotFoundException when it is gone
   * @param ours whether a container with these labels is this server's
   * @param otherDied told of a container of the node that died and is no pod's (a free pool sandbox)
   */
  NodeContainers(DockerClient docker, String node, Function<String, RuntimeContainer> inspect, Predicate<Map<String, String>> ours,
      Executor blocking, Duration maxAge, Consumer<String> otherDied) {
    this.docker = docker;
    this.node = node;
    this.inspect = inspect;
    this.ours = ours;
    this.blocking = blocking;
    this.maxAge = maxAge;
    this.otherDied = otherDied;
    blocking.execute(this::subscribe);
  }

  /** Whether a read now would be answered from memory. */
  boolean fresh() {
    return !stale && System.nanoTime() - listedAt < maxAge.toNanos();
  }

  /** The containers of pod {@code uid}; lists the node's first unless {@link #fresh()}. Blocking then. */
  List<RuntimeContainer> pod(String uid) {
    if (!fresh()) {
      list(false);
    }
    return ofPod(uid);
  }

  /** The containers of pod {@code uid} from memory; null if the view must be listed first. Never blocks. */
  List<RuntimeContainer> podIfFresh(String uid) {
    return fresh() ? ofPod(uid) : null;
  }

  private List<RuntimeContainer> ofPod(String uid) {
    return containers.values().stream().map(Seen::container)
        .filter(container -> container != null && uid.equals(container.pod().podUid())).toList();
  }

  /** Every pod container of the node, from a listing made now. Blocking. */
  List<RuntimeContainer> all() {
    list(true);
    return containers.values().stream().map(Seen::container).filter(container -> container != null).toList();
  }

  /** Whether the view holds container {@code id} (as a pod's or not). */
  boolean holds(String id) {
    Seen seen = containers.get(id);
    return seen != null && seen.container() != null;
  }

  /** The next look's number: take it before asking the engine. */
  long look() {
    return looks.incrementAndGet();
  }

  /** Records what a look numbered {@code look} saw of {@code id}: null when it is no pod's or gone. */
  void record(String id, long look, RuntimeContainer container) {
    record(id, look, container, null);
  }

  private void record(String id, long look, RuntimeContainer container, String listState) {
    containers.merge(id, new Seen(look, container, listState), (known, next) -> next.look() > known.look() ? next : known);
  }

  /** Looks at {@code id} again now (after the runtime changed it). Blocking. */
  void refresh(String id) {
    long look = look();
    try {
      record(id, look, inspect.apply(id));
    } catch (NotFoundException gone) {
      record(id, look, null);
    }
  }

  /** The runtime removed {@code id}. */
  void removed(String id) {
    record(id, look(), null);
  }

  /** Calls {@code onExit} for each of the node's pod containers that exits, once the view shows it exited. */
  AutoCloseable onExit(Consumer<Exited> onExit) {
    exitListeners.add(onExit);
    return () -> exitListeners.remove(onExit);
  }

  /**
   * Lists the node's containers and inspects those whose state the listing shows changed (a
   * running or exited container that stays so is not inspected again); forgets what is gone.
   * Unless {@code always}, a view made fresh meanwhile (by another reader) is not listed again.
   */
  private synchronized void list(boolean always) {
    if (!always && fresh()) {
      return;
    }
    // Events from here on are applied; what happened before is in the listing.
    stale = false;
    long look = look();
    Set<String> listed = new HashSet<>();
    for (Container container : docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(ContainerLabels.NODE, node)).exec()) {
      if (!ours.test(container.getLabels())) {
        continue;
      }
      String id = container.getId();
      String raw = container.getState() == null ? "" : container.getState();
      // With the name: a pool sandbox taken by a pod (renamed) is looked at again, though it still runs.
      String state = raw + "|" + (container.getNames() == null || container.getNames().length == 0 ? "" : container.getNames()[0]);
      listed.add(id);
      Seen known = containers.get(id);
      if (known != null && state.equals(known.listState()) && !raw.equals("created")) {
        continue;
      }
      long inspection = look();
      try {
        record(id, inspection, inspect.apply(id), state);
      } catch (NotFoundException gone) {
        record(id, inspection, null);
      }
    }
    // Gone since, unless a later look (a container made during the listing) says otherwise.
    containers.entrySet().removeIf(entry -> !listed.contains(entry.getKey()) && entry.getValue().look() < look);
    listedAt = System.nanoTime();
  }

  // ---- the engine's events ----

  private void subscribe() {
    if (closed) {
      return;
    }
    ResultCallback.Adapter<Event> callback = new ResultCallback.Adapter<>() {
      @Override
      public void onNext(Event event) {
        heard(event);
      }

      @Override
      public void onError(Throwable failure) {
        broken("failed: " + failure);
      }

      @Override
      public void onComplete() {
        broken("ended");
      }
    };
    stream = callback;
    try {
      docker.eventsCmd()
          .withEventTypeFilter(EventType.CONTAINER)
          // "oom" too: the engine may mark a container OOMKilled only after it reported it dead.
          .withEventFilter("create", "start", "die", "oom", "destroy", "rename")
          .withLabelFilter(Map.of(ContainerLabels.NODE, node))
          .exec(callback);
    } catch (RuntimeException e) {
      broken("could not start: " + e);
    }
  }

  private void broken(String why) {
    stale = true;
    if (!closed) {
      log.warn("the engine's event stream for node {} {}; following it again", node, why);
      CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS, blocking).execute(this::subscribe);
    }
  }

  private void heard(Event event) {
    String id = event.getId();
    Map<String, String> attributes = event.getActor() == null ? null : event.getActor().getAttributes();
    if (id == null || attributes == null || !ours.test(attributes)) {
      return;
    }
    String action = event.getAction() == null ? "" : event.getAction();
    if (action.equals("destroy")) {
      removed(id);
      return;
    }
    Seen known = containers.get(id);
    // What the runtime did itself it recorded already: a container it made, or started and saw running.
    if (action.equals("create") && known != null
        || action.equals("start") && known != null && known.container() != null && known.container().running()) {
      return;
    }
    boolean exit = action.equals("die") || action.equals("oom");
    blocking.execute(() -> {
      refresh(id);
      if (!exit) {
        return;
      }
      Seen now = containers.get(id);
      if (now != null && now.container() != null) {
        Exited exited = new Exited(now.container().pod().podUid(), id);
        exitListeners.forEach(listener -> listener.accept(exited));
      } else {
        otherDied.accept(id);
      }
    });
  }

  @Override
  public void close() {
    closed = true;
    Closeable current = stream;
    if (current != null) {
      try {
        current.close();
      } catch (IOException ignored) {
        // the stream is going away with the view
      }
    }
  }
}
