package io.dirigent.node.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import io.dirigent.node.runtime.RuntimeContainer.ContainerLabels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pod sandboxes started before the pods that will use them. Starting a sandbox is the most
 * expensive step of a pod's start — the engine makes a network namespace, gives it an address and
 * wires it to the bridge — so the node keeps a few started while the engine is idle, and a pod
 * that arrives takes one: its start then costs only its own containers.
 *
 * <p>A pool sandbox is an ordinary sandbox without a pod: named {@code dirigent_pool_<random>},
 * labelled with the node, this server's instance and the engine network it is on ({@link #POOL}).
 * Handing one to a pod renames it to the name the pod's own sandbox would have had
 * ({@link ContainerLabels#containerName()}); the engine keeps the name, so the claim outlives the
 * agent, and the pod's containers, labels and name find it as before. The pod's hostname and
 * {@code /etc/hosts} line are written into the sandbox's files, which the app containers share;
 * their own UTS name is set by {@link PooledHostnames} when they start.
 *
 * <p>The pool is filled one sandbox at a time, on a thread of its own, only while no pod work has
 * reached the engine for a while, so that refilling never competes with the pods it is for. After
 * a restart the pool adopts the free sandboxes of its network and removes the others; closing it
 * removes the free ones (pods' sandboxes stay with their pods).
 */
final class SandboxPool implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SandboxPool.class);

  /** The label a pool sandbox carries: the engine network it is on ({@link #DEFAULT_NETWORK} for the engine's default). */
  static final String POOL = "io.dirigent.pool";
  static final String DEFAULT_NETWORK = "bridge";
  static final String NAME_PREFIX = "dirigent_pool_";
  /** The hostname a free pool sandbox has; a claimed one's files say the pod's. */
  private static final String FREE_HOSTNAME = "dirigent-pool";
  /** A pod sandbox's name, as {@link ContainerLabels#containerName()} makes it. */
  private static final Pattern CLAIMED = Pattern.compile("/?dirigent_" + ContainerLabels.SANDBOX + "_([^_]+)_([^_]+)_([^_]+)_(\\d+)");
  private static final long TICK_MILLIS = 200;
  /** How long after a failure to make one the pool waits before it tries again. */
  private static final long FAILURE_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final DockerClient docker;
  private final String sandboxImage;
  private final String node;
  private final int size;
  private final Map<String, String> baseLabels;
  private final Supplier<String> network;
  private final BooleanSupplier engineIdle;
  private final ConcurrentLinkedDeque<String> free = new ConcurrentLinkedDeque<>();
  private final ScheduledExecutorService filler;
  /** The network the free sandboxes are on; null until the first look. */
  private volatile String poolNetwork;
  private volatile boolean closed;
  /** The runtime's lock on starts and removals (Docker 20.10 deadlocks on concurrent endpoint changes). */
  private final java.util.concurrent.locks.Lock endpoints;
  private long pausedUntil;

  /**
   * @param network the engine network pod sandboxes join now (null for the engine's default), or
   *     null from the supplier's future while the pod network is not ready
   * @param engineIdle whether no pod work reached the engine lately: the pool fills only then
   */
  SandboxPool(DockerClient docker, String sandboxImage, String node, int size, Map<String, String> baseLabels,
      Supplier<String> network, BooleanSupplier engineIdle, java.util.concurrent.locks.Lock endpoints) {
    if (size < 1) {
      throw new IllegalArgumentException("a sandbox pool holds at least one sandbox, not " + size);
    }
    this.docker = docker;
    this.sandboxImage = sandboxImage;
    this.node = node;
    this.size = size;
    this.baseLabels = Map.copyOf(baseLabels);
    this.network = network;
    this.engineIdle = engineIdle;
    this.endpoints = endpoints;
    this.filler = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "dirigent-sandbox-pool");
      thread.setDaemon(true);
      return thread;
    });
    filler.scheduleWithFixedDelay(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  String node() {
    return node;
  }

  /** Free sandboxes ready to be taken. */
  int ready() {
    return free.size();
  }

  /** The network a pool sandbox must be on to serve a sandbox on {@code network} (null: the engine's default). */
  static String key(String network) {
    return network == null ? DEFAULT_NETWORK : network;
  }

  /**
   * Hands a free sandbox on {@code network} to the pod {@code spec} is for, named and with its
   * files written for that pod; answers it as the engine now has it, or null when there is none
   * (the caller starts one). Blocking.
   */
  InspectContainerResponse claim(SandboxSpec spec, String network) {
    // The hostname goes into files every container of the pod reads: only a DNS name (the API
    // validated it already; a pod that somehow has another gets a sandbox of its own, which the
    // engine checks).
    if (closed || !key(network).equals(poolNetwork) || !PooledHostnames.isHostname(spec.hostname())) {
      return null;
    }
    for (String id = free.poll(); id != null; id = free.poll()) {
      try {
        docker.renameContainerCmd(id).withName(spec.labels().containerName()).exec();
      } catch (NotFoundException gone) {
        continue;
      } catch (ConflictException taken) {
        // The pod's sandbox name is in use (a container left from before): the caller's own start
        // says so; this sandbox stays free.
        free.addFirst(id);
        return null;
      }
      try {
        InspectContainerResponse sandbox = docker.inspectContainerCmd(id).exec();
        if (!Boolean.TRUE.equals(sandbox.getState().getRunning())) {
          removeQuietly(id);
          continue;
        }
        name(sandbox, spec.hostname());
        log.debug("pod sandbox from the pool pod={}/{} sandbox={} ready={}", spec.labels().podNamespace(), spec.labels().podName(), id, free.size());
        return sandbox;
      } catch (NotFoundException gone) {
        // removed meanwhile: the next one
      } catch (IOException | RuntimeException e) {
        // Named for the pod already: removed, so that the pod's next sandbox is not this half-made one.
        log.warn("a pool sandbox could not be given to pod {}/{}: {}", spec.labels().podNamespace(), spec.labels().podName(), e.toString());
        removeQuietly(id);
        return null;
      }
    }
    return null;
  }

  /**
   * Writes the pod's hostname into the sandbox's {@code /etc/hostname} and its {@code /etc/hosts}
   * line, in place: the files are bind-mounted into the sandbox and every container that joins it.
   */
  private static void name(InspectContainerResponse sandbox, String hostname) throws IOException {
    String ip = DockerRuntime.ip(sandbox);
    rewrite(Path.of(sandbox.getHostnamePath()), hostname + "\n");
    Path hosts = Path.of(sandbox.getHostsPath());
    rewrite(hosts, hostsFile(Files.readString(hosts), ip, hostname));
  }

  /** The engine's hosts file with the lines of {@code ip} naming {@code hostname} instead of the free sandbox's. */
  static String hostsFile(String current, String ip, String hostname) {
    StringBuilder out = new StringBuilder();
    boolean named = false;
    for (String line : current.split("\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      String[] fields = line.trim().split("\\s+");
      if (ip != null && fields[0].equals(ip)) {
        if (!named) {
          out.append(ip).append('\t').append(hostname).append('\n');
          named = true;
        }
        continue;
      }
      out.append(line).append('\n');
    }
    if (!named && ip != null) {
      out.append(ip).append('\t').append(hostname).append('\n');
    }
    return out.toString();
  }

  /** Writes {@code content} into the same file (a bind mount pins the inode: no new file may take its place). */
  private static void rewrite(Path file, String content) throws IOException {
    Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
  }

  /**
   * The labels of a pool sandbox that a pod claimed, from its name; null for a free one (which is
   * no pod's) or a container not of the pool.
   */
  static ContainerLabels labelsOf(InspectContainerResponse container) {
    Map<String, String> labels = container.getConfig().getLabels();
    if (labels == null || !labels.containsKey(POOL)) {
      return null;
    }
    Matcher name = CLAIMED.matcher(container.getName() == null ? "" : container.getName());
    if (!name.matches()) {
      return null;
    }
    return new ContainerLabels(labels.getOrDefault(ContainerLabels.NODE, ""), name.group(3), name.group(1), name.group(2),
        ContainerLabels.SANDBOX, Integer.parseInt(name.group(4)), "");
  }

  /** The pod of a claimed pool sandbox an engine event names (its name as the event gives it); null if it is free. */
  static String podOf(String containerName) {
    Matcher name = CLAIMED.matcher(containerName == null ? "" : containerName);
    return name.matches() ? name.group(3) : null;
  }

  /** The hostname a claimed pool sandbox's files give: its pod's. */
  static String hostnameIn(InspectContainerResponse container) {
    try {
      return Files.readString(Path.of(container.getHostnamePath())).strip();
    } catch (IOException | RuntimeException e) {
      return container.getConfig().getHostName();
    }
  }

  /** A container is gone (removed, or a free one died): a free one is removed and no longer handed out. */
  void forget(String id) {
    if (free.remove(id) && !closed) {
      filler.execute(() -> removeQuietly(id));
    }
  }

  // ---- filling ----

  private void tick() {
    try {
      String current = network.get();
      if (closed || current == null) {
        return;
      }
      if (!current.equals(poolNetwork)) {
        adopt(current);
        poolNetwork = current;
      }
      if (free.size() >= size || System.nanoTime() < pausedUntil || !engineIdle.getAsBoolean()) {
        return;
      }
      make(current);
    } catch (RuntimeException e) {
      pausedUntil = System.nanoTime() + FAILURE_PAUSE_NANOS;
      log.warn("a pool sandbox could not be made on node {} (trying again in {} s): {}", node, TimeUnit.NANOSECONDS.toSeconds(FAILURE_PAUSE_NANOS), e.toString());
    }
  }

  /** Takes the free sandboxes of {@code network} left by an earlier run into the pool; removes the others (another network, stopped, too many). */
  private void adopt(String network) {
    free.clear();
    Map<String, String> filter = new java.util.HashMap<>(baseLabels);
    filter.put(ContainerLabels.NODE, node);
    for (Container container : docker.listContainersCmd().withShowAll(true).withLabelFilter(filter).exec()) {
      Map<String, String> labels = container.getLabels() == null ? Map.of() : container.getLabels();
      String name = container.getNames() == null || container.getNames().length == 0 ? "" : container.getNames()[0];
      if (!labels.containsKey(POOL) || !name.startsWith("/" + NAME_PREFIX)) {
        continue;
      }
      boolean usable = network.equals(labels.get(POOL)) && "running".equals(container.getState()) && free.size() < size;
      if (usable) {
        free.add(container.getId());
      } else {
        removeQuietly(container.getId());
      }
    }
    log.info("sandbox pool of node {} on network {}: {} adopted, filling to {}", node, network, free.size(), size);
  }

  private void make(String network) {
    Map<String, String> labels = new java.util.HashMap<>(baseLabels);
    labels.put(ContainerLabels.NODE, node);
    labels.put(POOL, network);
    HostConfig host = HostConfig.newHostConfig().withInit(true).withIpcMode("shareable");
    if (!network.equals(DEFAULT_NETWORK)) {
      host.withNetworkMode(network);
    }
    String name = NAME_PREFIX + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    String id = docker.createContainerCmd(sandboxImage).withName(name).withHostName(FREE_HOSTNAME).withLabels(labels).withHostConfig(host).exec().getId();
    endpoints.lock();
    try {
      docker.startContainerCmd(id).exec();
    } catch (RuntimeException e) {
      removeQuietly(id);
      throw e;
    } finally {
      endpoints.unlock();
    }
    if (closed || !network.equals(poolNetwork)) {
      removeQuietly(id);
      return;
    }
    free.add(id);
  }

  private void removeQuietly(String id) {
    endpoints.lock();
    try {
      docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
    } catch (NotFoundException gone) {
      // already removed
    } catch (RuntimeException e) {
      log.warn("pool sandbox {} could not be removed: {}", id, e.toString());
    } finally {
      endpoints.unlock();
    }
  }

  /** Stops filling and removes the free sandboxes; the pods' sandboxes stay with their pods. */
  @Override
  public void close() {
    closed = true;
    // Not interrupted: a start the engine was asked for and not let finish can leave the network an
    // endpoint of no container, which keeps the network from ever being removed. One under way
    // finishes (and removes what it made, seeing the pool closed).
    filler.shutdown();
    try {
      if (!filler.awaitTermination(10, TimeUnit.SECONDS)) {
        log.warn("the sandbox pool of node {} was still making a sandbox after 10 s", node);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<String> left = new ArrayList<>(free);
    free.clear();
    // One at a time (removals take the runtime's endpoint lock), off the caller's thread, within a bound.
    java.util.concurrent.ExecutorService removers = Executors.newSingleThreadExecutor();
    try {
      CompletableFuture.allOf(left.stream().map(id -> CompletableFuture.runAsync(() -> removeQuietly(id), removers)).toArray(CompletableFuture[]::new))
          .get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      log.warn("pool sandboxes of node {} not all removed: {}", node, e.toString());
    } finally {
      removers.shutdownNow();
    }
  }
}
