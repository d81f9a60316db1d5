package io.dirigent.node.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.dirigent.node.runtime.RuntimeContainer.ContainerLabels;
import io.fabric8.kubernetes.api.model.Probe;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Containers as Docker containers, through docker-java. Every Docker call blocks, so each runs on
 * this runtime's own thread pool and comes back as a completion stage.
 *
 * <p>A pod is a sandbox container (the pause image) that owns the network namespace, and app
 * containers that join it ({@code container:<sandbox>} network mode), so they share localhost
 * and the pod IP outlives their restarts. Every container runs with an init process so SIGTERM
 * reaches the app even when it is PID 1's child.
 */
public final class DockerRuntime implements ContainerRuntime, io.dirigent.node.network.PodNetworkEngine {

  private static final Logger log = LoggerFactory.getLogger(DockerRuntime.class);
  private static final String ZERO_TIME = "0001-01-01T00:00:00Z";
  /** dirigent.conf's {@code dirigent.node.docker.connect-timeout}. */
  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final DockerClient docker;
  /** The engine calls' threads, bounded ({@code threads}); calls that wait are taken in {@link Call}'s order. */
  private final java.util.concurrent.ThreadPoolExecutor calls;
  /** Every engine call but a sandbox's start. */
  private final java.util.concurrent.Executor blocking;
  /**
   * Sandbox starts: they wait behind every other call, so that a pod whose sandbox is ready has its
   * containers made at once, not after the sandboxes of every pod that arrived with it.
   */
  private final java.util.concurrent.Executor sandboxStarts;
  private final java.util.concurrent.atomic.AtomicLong sequence = new java.util.concurrent.atomic.AtomicLong();

  /** A waiting engine call: other calls before sandbox starts, each kind first come, first served. */
  private record Call(Runnable task, boolean sandbox, long sequence) implements Runnable, Comparable<Call> {
    @Override
    public void run() {
      task.run();
    }

    @Override
    public int compareTo(Call other) {
      return sandbox != other.sandbox ? Boolean.compare(sandbox, other.sandbox) : Long.compare(sequence, other.sequence);
    }
  }
  private final String sandboxImage;
  private final NetworkProbes networkProbes = new NetworkProbes();
  private final java.net.URI dockerHost;
  /** Long-lived streams (attached execs, followed logs) hold a thread each, so they do not share {@link #blocking}. */
  private final ExecutorService streaming;

  /**
   * @param dockerHost e.g. {@code unix:///var/run/docker.sock}
   * @param sandboxImage the image of pod sandboxes; it must sleep until stopped
   * @param threads how many Docker calls may be under way at once
   */
  /**
   * The label that tells this server's containers from another's on the same engine: two servers on
   * one host (two data directories, each its own cluster) may both name their node after the host,
   * and neither may take or remove the other's containers.
   */
  public static final String INSTANCE = "io.dirigent.instance";

  /** This server's value of {@link #INSTANCE}; containers without the label (made before it existed) count as its own. */
  private final String instance;

  public DockerRuntime(String dockerHost, String sandboxImage, int threads) {
    this(dockerHost, sandboxImage, threads, "");
  }

  /** For tools and tests that make a runtime without a member's configuration: its connect timeout is dirigent.conf's default. */
  public DockerRuntime(String dockerHost, String sandboxImage, int threads, String instance) {
    this(dockerHost, sandboxImage, threads, instance, DEFAULT_CONNECT_TIMEOUT);
  }

  /** {@code connectTimeout}: how long opening a connection to the engine may take ({@code dirigent.node.docker.connect-timeout}). */
  public DockerRuntime(String dockerHost, String sandboxImage, int threads, String instance, Duration connectTimeout) {
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("dirigent.node.docker.connect-timeout must be longer than zero: " + connectTimeout);
    }
    this.instance = instance;
    DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(dockerHost).build();
    ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
        .dockerHost(config.getDockerHost())
        .maxConnections(threads + 16)
        .connectionTimeout(connectTimeout)
        .build();
    this.docker = DockerClientImpl.getInstance(config, http);
    AtomicInteger count = new AtomicInteger();
    this.calls = new java.util.concurrent.ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
        new java.util.concurrent.PriorityBlockingQueue<>(), runnable -> {
          Thread thread = new Thread(runnable, "dirigent-docker-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    this.blocking = task -> calls.execute(new Call(task, false, sequence.incrementAndGet()));
    this.sandboxStarts = task -> calls.execute(new Call(task, true, sequence.incrementAndGet()));
    this.sandboxImage = sandboxImage;
    this.dockerHost = config.getDockerHost();
    AtomicInteger streams = new AtomicInteger();
    this.streaming = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "dirigent-docker-stream-" + streams.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * The engine network pod sandboxes join once it is ready: null for the engine's default bridge
   * (until {@link #awaitPodNetwork}, and with the bridge network mode).
   */
  private volatile CompletableFuture<String> podNetwork = CompletableFuture.completedFuture(null);
  private volatile Duration podNetworkTimeout = Duration.ZERO;

  /** The node's pool of started sandboxes; null: none (each pod's sandbox is started when it arrives). */
  private volatile SandboxPool pool;
  /**
   * Held while a container is started or removed: Docker 20.10's network code deadlocks when
   * several sandboxes' endpoints are created and deleted on one network at once (seen: every API
   * call hung, goroutines of concurrent sandbox deletes waiting on one network's lock), so this
   * node's starts and removals go one at a time; each takes a fraction of a second.
   */
  private final java.util.concurrent.locks.ReentrantLock endpoints = new java.util.concurrent.locks.ReentrantLock();
  private volatile PooledHostnames hostnames = new PooledHostnames(DEFAULT_BUSYBOX);
  private static final String DEFAULT_BUSYBOX = "/bin/busybox";
  /** The pod's hostname, by sandbox id, of pods whose sandbox came from the pool. */
  private final Map<String, String> pooled = new java.util.concurrent.ConcurrentHashMap<>();
  /** Containers created in a pooled sandbox and not started yet: the hostname to give each once it runs. */
  private final Map<String, String> unnamed = new java.util.concurrent.ConcurrentHashMap<>();
  /** When pod work last reached the engine: the pool fills only once it has been quiet for {@link #IDLE}. */
  private final java.util.concurrent.atomic.AtomicLong lastPodWork = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
  private static final Duration IDLE = Duration.ofSeconds(1);

  /**
   * Keeps {@code size} sandboxes of {@code node} started ahead of its pods ({@link SandboxPool}),
   * with {@code busybox} (the host's static one) to give their containers the pod's hostname. With
   * 0, or on a host without what that needs, none are kept: each pod's sandbox is started when the
   * pod arrives.
   */
  public void poolSandboxes(String node, int size, String busybox) {
    if (size <= 0 || pool != null) {
      return;
    }
    String missing = PooledHostnames.unavailable(busybox);
    if (missing != null) {
      log.warn("no sandbox pool on node {}: {}; each pod's sandbox is started when the pod arrives", node, missing);
      return;
    }
    hostnames = new PooledHostnames(busybox);
    pool = new SandboxPool(docker, sandboxImage, node, size, instance.isEmpty() ? Map.of() : Map.of(INSTANCE, instance),
        this::poolNetwork, () -> System.nanoTime() - lastPodWork.get() > IDLE.toNanos(), endpoints);
  }

  /** How many pool sandboxes are ready to be taken (0 without a pool). */
  public int pooledSandboxes() {
    SandboxPool current = pool;
    return current == null ? 0 : current.ready();
  }

  /** The network pool sandboxes are made on: the pod network's once it is ready, else null. */
  private String poolNetwork() {
    CompletableFuture<String> current = podNetwork;
    if (!current.isDone() || current.isCompletedExceptionally()) {
      return null;
    }
    return SandboxPool.key(current.getNow(null));
  }

  private void podWork() {
    lastPodWork.set(System.nanoTime());
  }

  /**
   * From now on pod sandboxes join the engine network {@link #podNetworkReady} names; a sandbox
   * started before it is named waits for it, up to {@code timeout}, then fails (and its pod worker
   * retries), as a kubelet does not start pods while the node's network is not ready.
   */
  public void awaitPodNetwork(Duration timeout) {
    this.podNetworkTimeout = timeout;
    this.podNetwork = new CompletableFuture<>();
  }

  /** The engine network pod sandboxes join from now on (its node's range is in place). */
  public void podNetworkReady(String network) {
    CompletableFuture<String> current = podNetwork;
    if (!current.complete(network) && !network.equals(current.getNow(null))) {
      podNetwork = CompletableFuture.completedFuture(network);
    }
  }

  /** The label of the engine networks made for pods: the name of the node whose range it is. */
  static final String POD_NETWORK = "io.dirigent.pod-network";
  /** A network younger than this is not pruned: its node may not be in every agent's view yet. */
  private static final Duration PRUNE_GRACE = Duration.ofSeconds(60);
  /** The networks whose MTU difference was said already. */
  private final java.util.Set<String> mtuWarned = java.util.concurrent.ConcurrentHashMap.newKeySet();

  @Override
  public void ensureNetwork(String name, io.dirigent.core.net.Ipv4Cidr range, String gateway, String bridge, int mtu, String node) throws IOException {
    Map<String, String> options = Map.of(
        "com.docker.network.bridge.name", bridge,
        "com.docker.network.bridge.enable_ip_masquerade", "false",
        "com.docker.network.driver.mtu", String.valueOf(mtu));
    try {
      com.github.dockerjava.api.model.Network existing = docker.inspectNetworkCmd().withNetworkId(name).exec();
      List<com.github.dockerjava.api.model.Network.Ipam.Config> configs = existing.getIpam() == null || existing.getIpam().getConfig() == null
          ? List.of() : existing.getIpam().getConfig();
      Map<String, String> present = existing.getOptions() == null ? Map.of() : existing.getOptions();
      boolean sameRange = "bridge".equals(existing.getDriver()) && configs.size() == 1 && range.toString().equals(configs.get(0).getSubnet())
          && gateway.equals(configs.get(0).getGateway()) && bridge.equals(present.get("com.docker.network.bridge.name"))
          && "false".equals(present.get("com.docker.network.bridge.enable_ip_masquerade"));
      boolean ours = existing.getLabels() != null && node.equals(existing.getLabels().get(POD_NETWORK));
      boolean sameMtu = String.valueOf(mtu).equals(present.get("com.docker.network.driver.mtu"));
      boolean attached = existing.getContainers() != null && !existing.getContainers().isEmpty();
      if (sameRange && (attached || ours && sameMtu)) {
        // Pods use it: kept as it is (another node's label, an older MTU), for them.
        if (!sameMtu && mtuWarned.add(name)) {
          log.warn("the engine's network {} has MTU {}, not {}: kept while pods use it", name, present.get("com.docker.network.driver.mtu"), mtu);
        }
        return;
      }
      if (attached) {
        throw new IOException("the engine's network %s is %s with %d containers attached, not this node's range %s: remove those containers (or the network) to move to the new range"
            .formatted(name, configs.isEmpty() ? "of no range" : configs.get(0).getSubnet(), existing.getContainers().size(), range));
      }
      // Empty: made again as this node's (its label, its MTU), so that no agent takes it for a gone node's.
      log.info("replacing the engine's network {} ({}) for range {}", name, configs.isEmpty() ? "no range" : configs.get(0).getSubnet(), range);
      try {
        docker.removeNetworkCmd(name).exec();
      } catch (RuntimeException stuck) {
        if (sameRange) {
          // The engine keeps an endpoint of no container (a start whose client went away, a killed
          // server's), so the network cannot go; it has this node's range and bridge: used as it is.
          log.warn("the engine's network {} cannot be removed ({}); this node's pods use it as it is", name, stuck.getMessage());
          return;
        }
        throw stuck;
      }
    } catch (NotFoundException absent) {
      // made below
    } catch (RuntimeException e) {
      throw new IOException("the engine's network " + name + " could not be read: " + e.getMessage(), e);
    }
    try {
      docker.createNetworkCmd().withName(name).withDriver("bridge").withCheckDuplicate(true)
          .withIpam(new com.github.dockerjava.api.model.Network.Ipam().withConfig(
              new com.github.dockerjava.api.model.Network.Ipam.Config().withSubnet(range.toString()).withGateway(gateway)))
          .withOptions(options)
          .withLabels(Map.of(INSTANCE, instance, POD_NETWORK, node))
          .exec();
    } catch (RuntimeException e) {
      throw new IOException("the engine's network %s (%s, bridge %s) could not be made: %s".formatted(name, range, bridge, e.getMessage()), e);
    }
  }

  @Override
  public void removeNetwork(String name) throws IOException {
    try {
      docker.removeNetworkCmd(name).exec();
    } catch (NotFoundException absent) {
      // nothing to remove
    } catch (RuntimeException e) {
      throw new IOException("the engine's network " + name + " could not be removed: " + e.getMessage(), e);
    }
  }

  @Override
  public void pruneNetworks(String keep, String node, java.util.Set<String> nodes) throws IOException {
    try {
      for (com.github.dockerjava.api.model.Network listed : docker.listNetworksCmd().withFilter("label", List.of(POD_NETWORK)).exec()) {
        // The network this node uses now is never pruned, whoever's label it still carries (another
        // cluster's node held the same range on this engine, and its pods are still attached).
        if (keep.equals(listed.getName())) {
          continue;
        }
        String owner = listed.getLabels() == null ? null : listed.getLabels().get(POD_NETWORK);
        boolean ownOld = node.equals(owner) && !keep.equals(listed.getName());
        if (!ownOld && (owner == null || node.equals(owner) || nodes.contains(owner))) {
          continue;
        }
        // A list does not say which containers are attached; an inspection does.
        com.github.dockerjava.api.model.Network network = docker.inspectNetworkCmd().withNetworkId(listed.getId()).exec();
        if ((network.getContainers() == null || network.getContainers().isEmpty()) && (ownOld || olderThan(network, PRUNE_GRACE))) {
          log.info("removing the engine's network {} of node {}: {}", network.getName(), owner, ownOld ? "the node holds another range now" : "no such node");
          removeNetwork(network.getName());
        }
      }
    } catch (RuntimeException e) {
      throw new IOException("the engine's pod networks could not be listed: " + e.getMessage(), e);
    }
  }

  /** Whether the engine made {@code network} longer than {@code age} ago (unknown: no). */
  private static boolean olderThan(com.github.dockerjava.api.model.Network network, Duration age) {
    return network.getCreated() != null && network.getCreated().toInstant().plus(age).isBefore(Instant.now());
  }

  private <T> CompletionStage<T> call(Supplier<T> call) {
    return CompletableFuture.supplyAsync(call, blocking);
  }

  @Override
  public CompletionStage<RuntimeInfo> info() {
    return call(() -> {
      Info info = docker.infoCmd().exec();
      String arch = info.getArchitecture() == null ? "" : info.getArchitecture();
      return new RuntimeInfo("docker://" + info.getServerVersion(), info.getOperatingSystem(), info.getKernelVersion(),
          arch.equals("x86_64") ? "amd64" : arch.equals("aarch64") ? "arm64" : arch);
    });
  }

  @Override
  public CompletionStage<List<RuntimeContainer>> containers(String node) {
    return call(() -> view(node).all());
  }

  @Override
  public CompletionStage<List<RuntimeContainer>> podContainers(String node, String podUid) {
    // From memory when the view is current: a look at a pod waits for no engine call.
    NodeContainers view = view(node);
    List<RuntimeContainer> known = view.podIfFresh(podUid);
    return known != null ? CompletableFuture.completedFuture(known) : call(() -> view.pod(podUid));
  }

  /** Each node's containers, as this runtime follows them ({@link NodeContainers}). */
  private final Map<String, NodeContainers> views = new java.util.concurrent.ConcurrentHashMap<>();
  /** A node's view is listed in full at least this often, in case the engine's events missed something. */
  private static final Duration VIEW_MAX_AGE = Duration.ofSeconds(30);

  private NodeContainers view(String node) {
    return views.computeIfAbsent(node, name -> new NodeContainers(docker, name, this::inspect, this::ours, blocking, VIEW_MAX_AGE, this::otherDied));
  }

  /** A container of a node died that is no pod's: a free pool sandbox, no longer to be handed out. */
  private void otherDied(String id) {
    SandboxPool current = pool;
    if (current != null) {
      current.forget(id);
    }
  }

  /** Inspects {@code id} and records what it is now in {@code node}'s view. Blocking. */
  private RuntimeContainer recorded(String node, String id) {
    NodeContainers view = view(node);
    long look = view.look();
    RuntimeContainer container = inspect(id);
    view.record(id, look, container);
    return container;
  }

  /** Looks again at {@code id} in the views that hold it, after it was changed. Blocking. */
  private void refreshed(String id) {
    views.values().stream().filter(view -> view.holds(id)).forEach(view -> view.refresh(id));
  }


  /** A container's labels: the pod's, and this server's instance. */
  private Map<String, String> labelled(ContainerLabels labels) {
    Map<String, String> all = new java.util.HashMap<>(labels.toLabels());
    if (!instance.isEmpty()) {
      all.put(INSTANCE, instance);
    }
    return all;
  }

  /** Whether a container with {@code labels} is this server's (or older than the instance label). */
  private boolean ours(Map<String, String> labels) {
    String theirs = labels == null ? null : labels.get(INSTANCE);
    return theirs == null || instance.isEmpty() || theirs.equals(instance);
  }

  private RuntimeContainer inspect(String id) {
    return from(docker.inspectContainerCmd(id).exec());
  }

  /** The container as the node agent sees it; null if it is none of a pod's (a free pool sandbox, say). */
  private RuntimeContainer from(InspectContainerResponse inspected) {
    ContainerLabels labels = ContainerLabels.fromLabels(inspected.getConfig().getLabels());
    if (labels == null) {
      labels = SandboxPool.labelsOf(inspected);
      if (labels == null) {
        return null;
      }
      // A pod's sandbox from the pool, maybe seen first after a restart: its containers need the pod's hostname.
      pooled.computeIfAbsent(inspected.getId(), id -> SandboxPool.hostnameIn(inspected));
    }
    var state = inspected.getState();
    RuntimeContainer.State phase = Boolean.TRUE.equals(state.getRunning()) ? RuntimeContainer.State.RUNNING
        : "created".equals(state.getStatus()) ? RuntimeContainer.State.CREATED : RuntimeContainer.State.EXITED;
    int exitCode = state.getExitCodeLong() == null ? 0 : state.getExitCodeLong().intValue();
    String reason = null;
    if (phase == RuntimeContainer.State.EXITED) {
      reason = Boolean.TRUE.equals(state.getOOMKilled()) ? "OOMKilled" : exitCode == 0 ? "Completed" : "Error";
    }
    return new RuntimeContainer(inspected.getId(), labels, inspected.getConfig().getImage(), inspected.getImageId(), phase,
        exitCode, reason, time(inspected.getCreated()), time(state.getStartedAt()), phase == RuntimeContainer.State.EXITED ? time(state.getFinishedAt()) : null,
        labels.isSandbox() ? ip(inspected) : null);
  }

  static String ip(InspectContainerResponse inspected) {
    var settings = inspected.getNetworkSettings();
    if (settings == null) {
      return null;
    }
    if (settings.getNetworks() != null) {
      for (ContainerNetwork network : settings.getNetworks().values()) {
        if (network.getIpAddress() != null && !network.getIpAddress().isEmpty()) {
          return network.getIpAddress();
        }
      }
    }
    return settings.getIpAddress() == null || settings.getIpAddress().isEmpty() ? null : settings.getIpAddress();
  }

  private static Instant time(String value) {
    if (value == null || value.isEmpty() || value.equals(ZERO_TIME)) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  /** Images seen present, with when: a burst of pods of one image asks the engine once. */
  private final java.util.concurrent.ConcurrentHashMap<String, java.util.Map.Entry<Image, Long>> images = new java.util.concurrent.ConcurrentHashMap<>();
  private static final long IMAGE_CACHE_NANOS = TimeUnit.SECONDS.toNanos(5);

  @Override
  public CompletionStage<Optional<Image>> image(String image) {
    Image known = recent(image);
    return known != null ? CompletableFuture.completedFuture(Optional.of(known)) : call(() -> lookUp(image));
  }

  /** The image if it was seen present within the last few seconds; null otherwise. */
  private Image recent(String image) {
    var known = images.get(image);
    return known != null && System.nanoTime() - known.getValue() < IMAGE_CACHE_NANOS ? known.getKey() : null;
  }

  /** The image from the engine (blocking), remembered for a while. */
  private Optional<Image> lookUp(String image) {
    try {
      var inspected = docker.inspectImageCmd(image).exec();
      if (inspected.getId() == null) {
        return Optional.empty();
      }
      var config = inspected.getConfig();
      Image found = config == null ? new Image(inspected.getId(), "")
          : new Image(inspected.getId(), config.getUser(), listOf(config.getEntrypoint()), listOf(config.getCmd()));
      images.put(image, java.util.Map.entry(found, System.nanoTime()));
      return Optional.of(found);
    } catch (NotFoundException e) {
      images.remove(image);
      return Optional.empty();
    }
  }

  private static List<String> listOf(String[] values) {
    return values == null ? List.of() : List.of(values);
  }

  @Override
  public CompletionStage<RuntimeContainer> runSandbox(SandboxSpec spec) {
    podWork();
    if (spec.hostNetwork()) {
      return startSandbox(spec, null);
    }
    Duration timeout = podNetworkTimeout;
    return podNetwork.copy().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionallyCompose(failure -> CompletableFuture.failedFuture(new IllegalStateException(
            "this node's pod network is not ready after " + timeout.toSeconds() + " s (no range for the node yet, or it could not be set up: see the agent's log)")))
        .thenCompose(network -> fromPool(spec, network));
  }

  /** A sandbox from the pool when the pod can use one (and one is ready), else one started now. */
  private CompletionStage<RuntimeContainer> fromPool(SandboxSpec spec, String network) {
    SandboxPool current = pool;
    // The pool's sandboxes have no published ports or host IPC: pods that need those get their own.
    if (current == null || spec.hostIpc() || !spec.ports().isEmpty() || !spec.labels().node().equals(current.node())) {
      return startSandbox(spec, network);
    }
    return call(() -> {
      NodeContainers view = view(spec.labels().node());
      long look = view.look();
      InspectContainerResponse claimed = current.claim(spec, network);
      if (claimed == null) {
        return null;
      }
      pooled.put(claimed.getId(), spec.hostname());
      RuntimeContainer sandbox = from(claimed);
      view.record(claimed.getId(), look, sandbox);
      return sandbox;
    }).thenCompose(claimed -> claimed != null ? CompletableFuture.completedFuture(claimed) : startSandbox(spec, network));
  }

  private CompletionStage<RuntimeContainer> startSandbox(SandboxSpec spec, String network) {
    return CompletableFuture.supplyAsync(() -> {
      // The app containers join the sandbox's IPC namespace too, which Docker allows only when asked.
      HostConfig host = HostConfig.newHostConfig().withInit(true).withIpcMode(spec.hostIpc() ? "host" : "shareable");
      CreateContainerCmd create = docker.createContainerCmd(sandboxImage)
          .withName(spec.labels().containerName())
          .withLabels(labelled(spec.labels()));
      if (spec.hostNetwork()) {
        host.withNetworkMode("host");
      } else {
        create.withHostName(spec.hostname());
        if (network != null) {
          host.withNetworkMode(network);
        }
        if (!spec.ports().isEmpty()) {
          Ports bindings = new Ports();
          List<ExposedPort> exposed = new ArrayList<>();
          for (SandboxSpec.PortMapping port : spec.ports()) {
            ExposedPort container = new ExposedPort(port.containerPort(), InternetProtocol.parse(port.protocol().toLowerCase()));
            exposed.add(container);
            bindings.bind(container, port.hostIp() == null || port.hostIp().isEmpty()
                ? Ports.Binding.bindPort(port.hostPort())
                : Ports.Binding.bindIpAndPort(port.hostIp(), port.hostPort()));
          }
          create.withExposedPorts(exposed);
          host.withPortBindings(bindings);
        }
      }
      String id = create.withHostConfig(host).exec().getId();
      try {
        oneAtATime(() -> docker.startContainerCmd(id).exec());
      } catch (RuntimeException e) {
        removeQuietly(id);
        throw e;
      }
      return recorded(spec.labels().node(), id);
    }, sandboxStarts);
  }

  @Override
  public CompletionStage<String> createContainer(ContainerSpec spec) {
    podWork();
    return call(() -> {
      // In a sandbox from the pool, the container waits for its pod's hostname (PooledHostnames).
      String hostname = pooled.get(spec.sandboxId());
      HostConfig host = HostConfig.newHostConfig()
          .withInit(true)
          .withNetworkMode("container:" + spec.sandboxId())
          .withIpcMode("container:" + spec.sandboxId());
      List<Bind> binds = new ArrayList<>(spec.mounts().stream()
          .map(mount -> new Bind(bindable(mount.hostPath()), new Volume(bindable(mount.containerPath())), mount.readOnly() ? AccessMode.ro : AccessMode.rw))
          .toList());
      PooledHostnames naming = hostnames;
      if (hostname != null) {
        binds.add(new Bind(naming.busybox(), new Volume(PooledHostnames.TOOLS), AccessMode.ro));
      }
      if (!binds.isEmpty()) {
        host.withBinds(binds);
      }
      if (spec.memoryLimitBytes() > 0) {
        host.withMemory(spec.memoryLimitBytes());
        host.withMemorySwap(spec.memoryLimitBytes());
      }
      if (spec.cpuLimitMillis() > 0) {
        host.withNanoCPUs(spec.cpuLimitMillis() * 1_000_000L);
      }
      if (spec.cpuRequestMillis() > 0) {
        host.withCpuShares((int) Math.max(2, spec.cpuRequestMillis() * 1024 / 1000));
      }
      secure(host, spec.security());
      CreateContainerCmd create = docker.createContainerCmd(spec.image())
          .withName(spec.labels().containerName())
          .withLabels(labelled(spec.labels()))
          .withEnv(spec.env())
          .withHostConfig(host);
      if (spec.stdio().stdin()) {
        // Kept open for an attach (kubectl attach, run -i); closed after the first one with stdinOnce.
        create.withStdinOpen(true).withAttachStdin(true).withStdInOnce(spec.stdio().stdinOnce());
      }
      if (spec.stdio().tty()) {
        create.withTty(true);
      }
      if (spec.security().user() != null) {
        create.withUser(spec.security().user());
      }
      if (hostname != null) {
        Image image = Optional.ofNullable(recent(spec.image())).or(() -> lookUp(spec.image()))
            .orElseThrow(() -> new IllegalStateException("image " + spec.image() + " is not present"));
        create.withEntrypoint(PooledHostnames.entrypoint(hostname));
        create.withCmd(PooledHostnames.argv(spec.command(), spec.args(), image));
      } else if (!spec.command().isEmpty()) {
        // As Kubernetes: a command replaces the entrypoint and the image's arguments with it.
        create.withEntrypoint(spec.command());
        create.withCmd(spec.args().isEmpty() ? List.of() : spec.args());
      } else if (!spec.args().isEmpty()) {
        create.withCmd(spec.args());
      }
      if (spec.workingDir() != null && !spec.workingDir().isEmpty()) {
        create.withWorkingDir(spec.workingDir());
      }
      NodeContainers view = view(spec.labels().node());
      long look = view.look();
      String id = create.exec().getId();
      if (hostname != null) {
        unnamed.put(id, hostname);
      }
      // As the engine now has it (made, not started); its start is looked at when it comes.
      Image image = recent(spec.image());
      view.record(id, look, new RuntimeContainer(id, spec.labels(), spec.image(), image == null ? "" : image.id(), RuntimeContainer.State.CREATED,
          0, null, Instant.now(), null, null, null));
      return id;
    });
  }

  /** Applies what the container may do: user groups, privileges, capabilities, seccomp, read-only root. */
  private static void secure(HostConfig host, ContainerSecurity security) {
    if (!security.groups().isEmpty()) {
      host.withGroupAdd(security.groups().stream().map(String::valueOf).toList());
    }
    if (security.privileged()) {
      host.withPrivileged(true);
    }
    if (security.readOnlyRootFilesystem()) {
      host.withReadonlyRootfs(true);
    }
    if (!security.capAdd().isEmpty()) {
      host.withCapAdd(security.capAdd().stream().map(DockerRuntime::capability).toArray(Capability[]::new));
    }
    if (!security.capDrop().isEmpty()) {
      host.withCapDrop(security.capDrop().stream().map(DockerRuntime::capability).toArray(Capability[]::new));
    }
    List<String> options = new ArrayList<>();
    if (security.noNewPrivileges()) {
      options.add("no-new-privileges");
    }
    if (security.seccompUnconfined()) {
      options.add("seccomp=unconfined");
    }
    if (!options.isEmpty()) {
      host.withSecurityOpts(options);
    }
    if (security.hostPid()) {
      host.withPidMode("host");
    }
  }

  private static Capability capability(String name) {
    try {
      return Capability.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown capability " + name);
    }
  }

  /** A path for a bind: Docker reads binds as {@code host:container:mode}, so a ':' or ',' would change their meaning. */
  private static String bindable(String path) {
    if (path.contains(":") || path.contains(",")) {
      throw new IllegalArgumentException("a volume path may not contain ':' or ',': " + path);
    }
    return path;
  }

  @Override
  public CompletionStage<Void> startContainer(String id) {
    podWork();
    return call(() -> {
      oneAtATime(() -> docker.startContainerCmd(id).exec());
      String hostname = unnamed.remove(id);
      if (hostname != null) {
        name(id, hostname);
      }
      refreshed(id);
      return null;
    });
  }

  /** Gives a started container of a pooled sandbox its pod's hostname; one that cannot be given it is removed. */
  private void name(String id, String hostname) {
    try {
      Long pid = docker.inspectContainerCmd(id).exec().getState().getPidLong();
      if (pid == null || pid <= 0) {
        throw new IOException("it is not running");
      }
      // The engine answers once the container's init runs; its child, the waiting command, follows at once.
      long waiting = 0;
      for (int look = 0; look < 20 && waiting == 0; look++) {
        waiting = PooledHostnames.waiting(pid);
        if (waiting == 0) {
          Thread.sleep(1);
        }
      }
      hostnames.name(pid, hostname, waiting);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while naming a container", e);
    } catch (IOException | RuntimeException e) {
      removeQuietly(id);
      throw new IllegalStateException("the container could not be given its pod's hostname " + hostname + ": " + e.getMessage(), e);
    }
  }

  @Override
  public CompletionStage<Void> stopContainer(String id, Duration grace) {
    podWork();
    return call(() -> {
      try {
        // Docker counts whole seconds: round up, so SIGKILL never comes before the grace period ends.
        docker.stopContainerCmd(id).withTimeout((int) Math.max(0, (grace.toMillis() + 999) / 1000)).exec();
      } catch (NotModifiedException | NotFoundException alreadyStopped) {
        // stopped already, or gone: what was asked for
      }
      refreshed(id);
      return null;
    });
  }

  @Override
  public CompletionStage<Void> removeContainer(String id) {
    podWork();
    return call(() -> {
      removeQuietly(id);
      return null;
    });
  }

  private void removeQuietly(String id) {
    views.values().forEach(view -> view.removed(id));
    pooled.remove(id);
    unnamed.remove(id);
    SandboxPool current = pool;
    if (current != null) {
      current.forget(id);
    }
    try {
      oneAtATime(() -> docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec());
    } catch (NotFoundException gone) {
      // already removed
    }
  }

  /** Runs an engine call that may create or delete a network endpoint under {@link #endpoints}. */
  private void oneAtATime(Runnable call) {
    endpoints.lock();
    try {
      call.run();
    } finally {
      endpoints.unlock();
    }
  }

  @Override
  public CompletionStage<ExecResult> exec(String id, List<String> command, Duration timeout) {
    return call(() -> {
      String exec = docker.execCreateCmd(id).withCmd(command.toArray(String[]::new)).withAttachStdout(true).withAttachStderr(true).exec().getId();
      StringBuilder output = new StringBuilder();
      var callback = docker.execStartCmd(exec).exec(new ResultCallback.Adapter<Frame>() {
        @Override
        public void onNext(Frame frame) {
          synchronized (output) {
            if (output.length() < 10_000) {
              output.append(new String(frame.getPayload(), java.nio.charset.StandardCharsets.UTF_8));
            }
          }
        }
      });
      try {
        if (!callback.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          closeQuietly(callback);
          return new ExecResult(-1, "command timed out after " + timeout.toSeconds() + "s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new ExecResult(-1, "interrupted");
      }
      Long code = docker.inspectExecCmd(exec).exec().getExitCodeLong();
      synchronized (output) {
        return new ExecResult(code == null ? -1 : code.intValue(), output.toString().strip());
      }
    });
  }

  @Override
  public CompletionStage<AttachedExec> attachExec(String id, List<String> command, boolean stdin, boolean tty) {
    return call(() -> {
      String exec = docker.execCreateCmd(id).withCmd(command.toArray(String[]::new)).withAttachStdin(stdin)
          .withAttachStdout(true).withAttachStderr(true).withTty(tty).exec().getId();
      return new HijackedExec(dockerHost, "/exec/" + exec + "/start", "{\"Detach\":false,\"Tty\":" + tty + "}", tty, streaming,
          // On the exec's own I/O thread, in order with what it is sent: a size set before a
          // command is typed applies to that command.
          (width, height) -> resizeQuietly(exec, width, height),
          () -> {
            Long code = docker.inspectExecCmd(exec).exec().getExitCodeLong();
            return code == null ? -1 : code.intValue();
          }).attached();
    });
  }

  @Override
  public CompletionStage<AttachedExec> attach(String id, boolean stdin, boolean tty) {
    return call(() -> {
      // Only the output from now on (logs=0), as the kubelet attaches.
      String path = "/containers/" + id + "/attach?stream=1&logs=0&stdout=1&stderr=1&stdin=" + (stdin ? 1 : 0);
      return new HijackedExec(dockerHost, path, "", tty, streaming,
          (width, height) -> resizeContainerQuietly(id, width, height),
          // An attach has no exit code of its own: it ends when the container's streams do.
          () -> 0).attached();
    });
  }

  private void resizeContainerQuietly(String id, int width, int height) {
    try {
      docker.resizeContainerCmd(id).withSize(height, width).exec();
    } catch (RuntimeException e) {
      log.debug("resizing container {} failed: {}", id, e.getMessage());
    }
  }

  private void resizeQuietly(String exec, int width, int height) {
    try {
      docker.resizeExecCmd(exec).withSize(height, width).exec();
    } catch (RuntimeException e) {
      log.debug("resizing exec {} failed: {}", exec, e.getMessage());
    }
  }

  @Override
  public CompletionStage<ProbeOutcome> probe(String containerId, String podIp, Probe probe) {
    Duration timeout = NetworkProbes.timeout(probe);
    if (probe.getExec() != null) {
      return exec(containerId, probe.getExec().getCommand(), timeout).thenApply(result -> result.exitCode() == 0
          ? ProbeOutcome.SUCCESS
          : new ProbeOutcome(false, result.output().isEmpty() ? "command exited with " + result.exitCode() : result.output()));
    }
    if (probe.getHttpGet() != null) {
      return networkProbes.httpGet(podIp, probe.getHttpGet(), timeout);
    }
    if (probe.getTcpSocket() != null) {
      return networkProbes.tcp(podIp, probe.getTcpSocket(), timeout);
    }
    return CompletableFuture.completedFuture(new ProbeOutcome(false, "the probe has no exec, httpGet or tcpSocket action"));
  }

  @Override
  public Source<ByteString, NotUsed> logs(String id, LogOptions options) {
    return Source.<ByteString>queue(64, OverflowStrategy.backpressure())
        .mapMaterializedValue(queue -> {
          streaming.execute(() -> streamLogs(id, options, queue));
          return NotUsed.getInstance();
        });
  }

  /** Feeds the container's log frames into {@code queue}, waiting for room, until either side ends. */
  private void streamLogs(String id, LogOptions options, SourceQueueWithComplete<ByteString> queue) {
    var command = docker.logContainerCmd(id).withStdOut(true).withStdErr(true)
        .withFollowStream(options.follow()).withTimestamps(options.timestamps());
    if (options.tailLines() != null) {
      command.withTail(options.tailLines());
    } else {
      command.withTailAll();
    }
    if (options.sinceEpochSeconds() != null) {
      command.withSince((int) (long) options.sinceEpochSeconds());
    }
    AtomicBoolean cancelled = new AtomicBoolean();
    ResultCallback.Adapter<Frame> callback = new ResultCallback.Adapter<>() {
      @Override
      public void onNext(Frame frame) {
        if (cancelled.get()) {
          return;
        }
        try {
          // Waiting here is the back-pressure: Docker's stream is read no faster than the client reads.
          queue.offer(ByteString.fromArray(frame.getPayload())).toCompletableFuture().get(5, TimeUnit.MINUTES);
        } catch (Exception e) {
          cancelled.set(true);
          closeQuietly(this);
        }
      }

      @Override
      public void onError(Throwable failure) {
        if (failure instanceof NotFoundException) {
          queue.complete();
        } else {
          queue.fail(failure);
        }
      }

      @Override
      public void onComplete() {
        queue.complete();
      }
    };
    queue.watchCompletion().whenComplete((done, failure) -> {
      cancelled.set(true);
      closeQuietly(callback);
    });
    try {
      command.exec(callback);
    } catch (NotFoundException e) {
      queue.complete();
    } catch (RuntimeException e) {
      queue.fail(e);
    }
  }

  @Override
  public AutoCloseable watchExits(String node, Consumer<Exited> onExit) {
    return view(node).onExit(onExit);
  }

  private static void closeQuietly(Closeable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (IOException ignored) {
      // closing a stream that is ending anyway
    }
  }

  /**
   * Stops filling the sandbox pool and removes its free sandboxes (pods' sandboxes stay); from now
   * on every pod's sandbox is started when it arrives. Blocking; once is enough.
   */
  public void closePool() {
    SandboxPool current = pool;
    pool = null;
    if (current != null) {
      current.close();
    }
  }

  @Override
  public void close() {
    closePool();
    views.values().forEach(NodeContainers::close);
    // Calls under way are let finish (for a moment): one the engine was not let finish can leave
    // half of what it made (a network endpoint of no container).
    calls.shutdown();
    try {
      calls.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    calls.shutdownNow();
    streaming.shutdownNow();
    try {
      docker.close();
    } catch (IOException ignored) {
      // the engine's connection is going away with this runtime
    }
  }
}
