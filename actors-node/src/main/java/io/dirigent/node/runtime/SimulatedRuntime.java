package io.dirigent.node.runtime;

import io.dirigent.node.runtime.RuntimeContainer.ContainerLabels;
import io.fabric8.kubernetes.api.model.Probe;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Containers that "run" without Docker, as kwok's nodes do for Kubernetes: they start at once,
 * keep running until stopped, and cost a few objects in memory, so one process hosts hundreds of
 * nodes. Pod IPs come from 10.244.0.0/14 and are never contacted; probes succeed unless a test
 * says otherwise.
 *
 * <p>A pod can ask for its containers to exit: annotation {@value #EXIT_CODE} (the exit code) and
 * {@value #RUN_SECONDS} (after how long; default at once), or the same keys followed by
 * {@code .<container name>} for one container only. Tests can also make a container exit
 * ({@link #exit}), make an image absent ({@link #removeImage}), a probe fail
 * ({@link #failProbes}) or a look at a pod's containers fail ({@link #failLooks}).
 */
public final class SimulatedRuntime implements ContainerRuntime {

  public static final String EXIT_CODE = "simulation.dirigent.io/exit-code";
  public static final String RUN_SECONDS = "simulation.dirigent.io/run-seconds";

  private final Clock clock;
  private final Map<String, Simulated> containers = new ConcurrentHashMap<>();
  private final Map<String, List<Consumer<Exited>>> exitWatchers = new ConcurrentHashMap<>();
  private final Set<String> missingImages = ConcurrentHashMap.newKeySet();
  private final Set<String> failingProbes = ConcurrentHashMap.newKeySet();
  /** How many more looks at a pod's containers fail, by node. */
  private final Map<String, Integer> failingLooks = new ConcurrentHashMap<>();
  private final AtomicLong addresses = new AtomicLong();
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "dirigent-simulated-runtime");
    thread.setDaemon(true);
    return thread;
  });

  /** One simulated container; its fields change under its own lock. */
  private static final class Simulated {
    final String id;
    final ContainerLabels labels;
    final String image;
    final Instant createdAt;
    final String ip;
    final List<String> log = new CopyOnWriteArrayList<>();
    RuntimeContainer.State state = RuntimeContainer.State.CREATED;
    int exitCode;
    String reason;
    Instant startedAt;
    Instant finishedAt;
    Map<String, String> annotations = Map.of();

    Simulated(String id, ContainerLabels labels, String image, Instant createdAt, String ip) {
      this.id = id;
      this.labels = labels;
      this.image = image;
      this.createdAt = createdAt;
      this.ip = ip;
    }

    synchronized RuntimeContainer snapshot() {
      return new RuntimeContainer(id, labels, image, "sha256:simulated-" + Integer.toHexString(image.hashCode()), state, exitCode, reason,
          createdAt, startedAt, finishedAt, ip);
    }
  }

  public SimulatedRuntime(Clock clock) {
    this.clock = clock;
  }

  // ---- what tests can tell it ----

  /** Makes a running container exit with {@code code}, as if its process ended. */
  public boolean exit(String containerId, int code) {
    Simulated container = containers.get(containerId);
    return container != null && finish(container, code, code == 0 ? "Completed" : "Error");
  }

  /** The image is not on any simulated node from now on. */
  public void removeImage(String image) {
    missingImages.add(image);
  }

  /** Probes of this container fail from now on ({@code false}: they succeed again). */
  public void failProbes(String containerId, boolean fail) {
    if (fail) {
      failingProbes.add(containerId);
    } else {
      failingProbes.remove(containerId);
    }
  }

  /** The next {@code times} looks at a pod's containers on {@code node} fail, as an engine that does not answer. */
  public void failLooks(String node, int times) {
    failingLooks.put(node, times);
  }

  /** Whether this look at a pod's containers on {@code node} is one that fails; counts it. */
  private boolean lookFails(String node) {
    boolean[] fails = {false};
    failingLooks.computeIfPresent(node, (n, left) -> {
      fails[0] = true;
      return left > 1 ? left - 1 : null;
    });
    return fails[0];
  }

  /** How many containers exist, on all nodes. */
  public int size() {
    return containers.size();
  }

  // ---- the runtime ----

  @Override
  public CompletionStage<RuntimeInfo> info() {
    return CompletableFuture.completedFuture(new RuntimeInfo("simulated://1.0", "Dirigent simulated node", "simulated", "amd64"));
  }

  @Override
  public CompletionStage<List<RuntimeContainer>> containers(String node) {
    List<RuntimeContainer> found = new ArrayList<>();
    for (Simulated container : containers.values()) {
      if (container.labels.node().equals(node)) {
        found.add(container.snapshot());
      }
    }
    return CompletableFuture.completedFuture(found);
  }

  @Override
  public CompletionStage<List<RuntimeContainer>> podContainers(String node, String podUid) {
    if (lookFails(node)) {
      return CompletableFuture.failedFuture(new IllegalStateException("simulated: the engine did not answer"));
    }
    List<RuntimeContainer> found = new ArrayList<>();
    for (Simulated container : containers.values()) {
      if (container.labels.node().equals(node) && container.labels.podUid().equals(podUid)) {
        found.add(container.snapshot());
      }
    }
    return CompletableFuture.completedFuture(found);
  }

  @Override
  public CompletionStage<Optional<Image>> image(String image) {
    return CompletableFuture.completedFuture(missingImages.contains(image)
        ? Optional.empty()
        : Optional.of(new Image("sha256:simulated-" + Integer.toHexString(image.hashCode()), "")));
  }

  @Override
  public CompletionStage<RuntimeContainer> runSandbox(SandboxSpec spec) {
    long n = addresses.getAndIncrement() % (4L * 65536 - 2) + 1;
    String ip = "10.%d.%d.%d".formatted(244 + n / 65536, (n / 256) % 256, n % 256);
    Simulated sandbox = new Simulated(UUID.randomUUID().toString(), spec.labels(), "dirigent/pause:1", clock.instant(), ip);
    synchronized (sandbox) {
      sandbox.state = RuntimeContainer.State.RUNNING;
      sandbox.startedAt = clock.instant();
    }
    containers.put(sandbox.id, sandbox);
    return CompletableFuture.completedFuture(sandbox.snapshot());
  }

  @Override
  public CompletionStage<String> createContainer(ContainerSpec spec) {
    if (missingImages.contains(spec.image())) {
      return CompletableFuture.failedFuture(new IllegalStateException("No such image: " + spec.image()));
    }
    Simulated container = new Simulated(UUID.randomUUID().toString(), spec.labels(), spec.image(), clock.instant(), null);
    container.annotations = spec.annotations();
    containers.put(container.id, container);
    return CompletableFuture.completedFuture(container.id);
  }

  @Override
  public CompletionStage<Void> startContainer(String id) {
    Simulated container = containers.get(id);
    if (container == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("No such container: " + id));
    }
    Map<String, String> annotations;
    synchronized (container) {
      container.state = RuntimeContainer.State.RUNNING;
      container.startedAt = clock.instant();
      container.finishedAt = null;
      container.reason = null;
      annotations = container.annotations;
    }
    container.log.add(clock.instant() + " simulated container " + container.labels.container() + " started");
    String name = container.labels.container();
    String exitCode = annotations.getOrDefault(EXIT_CODE + "." + name, annotations.get(EXIT_CODE));
    if (exitCode != null) {
      int code = parseInt(exitCode);
      double seconds = parseDouble(annotations.getOrDefault(RUN_SECONDS + "." + name, annotations.getOrDefault(RUN_SECONDS, "0")));
      timers.schedule(() -> exit(id, code), (long) (seconds * 1000), TimeUnit.MILLISECONDS);
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> stopContainer(String id, Duration grace) {
    Simulated container = containers.get(id);
    if (container != null) {
      // A simulated process exits at once on SIGTERM, with the shell's code for it.
      finish(container, 143, "Error");
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> removeContainer(String id) {
    containers.remove(id);
    failingProbes.remove(id);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<ExecResult> exec(String id, List<String> command, Duration timeout) {
    Simulated container = containers.get(id);
    if (container == null || !container.snapshot().running()) {
      return CompletableFuture.completedFuture(new ExecResult(126, "container is not running"));
    }
    return CompletableFuture.completedFuture(new ExecResult(failingProbes.contains(id) ? 1 : 0, ""));
  }

  /**
   * A simulated container knows three commands: {@code echo ARGS} prints them, {@code cat} copies
   * stdin to stdout until it ends, {@code sh -c "exit N"} exits with N; any other is not found (127).
   */
  @Override
  public CompletionStage<AttachedExec> attachExec(String id, List<String> command, boolean stdin, boolean tty) {
    Simulated container = containers.get(id);
    if (container == null || !container.snapshot().running()) {
      return CompletableFuture.failedFuture(new IllegalStateException("container " + id + " is not running"));
    }
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    String program = command.isEmpty() ? "" : command.get(0);
    Flow<AttachedExec.Input, AttachedExec.Output, NotUsed> streams;
    int code;
    if (program.equals("cat")) {
      code = 0;
      streams = Flow.<AttachedExec.Input>create()
          .takeWhile(in -> !(in instanceof AttachedExec.CloseStdin))
          .filter(in -> in instanceof AttachedExec.Stdin)
          .map(in -> new AttachedExec.Output(false, ((AttachedExec.Stdin) in).data()));
    } else {
      AttachedExec.Output output;
      if (program.equals("echo")) {
        code = 0;
        output = new AttachedExec.Output(false, ByteString.fromString(String.join(" ", command.subList(1, command.size())) + "\n"));
      } else if (command.size() == 3 && program.equals("sh") && command.get(1).equals("-c") && command.get(2).matches("exit \\d+")) {
        code = Integer.parseInt(command.get(2).substring(5));
        output = new AttachedExec.Output(false, ByteString.emptyByteString());
      } else {
        code = 127;
        output = new AttachedExec.Output(true, ByteString.fromString("sh: " + program + ": not found\n"));
      }
      streams = Flow.fromSinkAndSource(Sink.ignore(), Source.single(output).filter(out -> !out.data().isEmpty()));
    }
    return CompletableFuture.completedFuture(new AttachedExec(
        streams.watchTermination((notUsed, done) -> {
          done.whenComplete((ok, failure) -> exit.complete(code));
          return NotUsed.getInstance();
        }),
        exit));
  }

  /** A simulated container's own process echoes what it reads, as {@code cat} would, until its stdin ends. */
  @Override
  public CompletionStage<AttachedExec> attach(String id, boolean stdin, boolean tty) {
    Simulated container = containers.get(id);
    if (container == null || !container.snapshot().running()) {
      return CompletableFuture.failedFuture(new IllegalStateException("container " + id + " is not running"));
    }
    Flow<AttachedExec.Input, AttachedExec.Output, NotUsed> streams = Flow.<AttachedExec.Input>create()
        .takeWhile(in -> !(in instanceof AttachedExec.CloseStdin))
        .filter(in -> in instanceof AttachedExec.Stdin)
        .map(in -> new AttachedExec.Output(false, ((AttachedExec.Stdin) in).data()));
    return CompletableFuture.completedFuture(new AttachedExec(streams, CompletableFuture.completedFuture(0)));
  }

  @Override
  public boolean networked() {
    return false;
  }

  @Override
  public CompletionStage<ProbeOutcome> probe(String containerId, String podIp, Probe probe) {
    return CompletableFuture.completedFuture(failingProbes.contains(containerId)
        ? new ProbeOutcome(false, "simulated probe failure")
        : ProbeOutcome.SUCCESS);
  }

  @Override
  public Source<ByteString, NotUsed> logs(String id, LogOptions options) {
    Simulated container = containers.get(id);
    if (container == null) {
      return Source.empty();
    }
    List<String> lines = List.copyOf(container.log);
    if (options.tailLines() != null && options.tailLines() < lines.size()) {
      lines = lines.subList(lines.size() - options.tailLines(), lines.size());
    }
    return Source.from(lines).map(line -> ByteString.fromString(line + "\n"));
  }

  @Override
  public AutoCloseable watchExits(String node, Consumer<Exited> onExit) {
    exitWatchers.computeIfAbsent(node, n -> new CopyOnWriteArrayList<>()).add(onExit);
    return () -> exitWatchers.getOrDefault(node, List.of()).remove(onExit);
  }

  private boolean finish(Simulated container, int code, String reason) {
    synchronized (container) {
      if (container.state != RuntimeContainer.State.RUNNING) {
        return false;
      }
      container.state = RuntimeContainer.State.EXITED;
      container.exitCode = code;
      container.reason = reason;
      container.finishedAt = clock.instant();
    }
    container.log.add(clock.instant() + " simulated container " + container.labels.container() + " exited with " + code);
    for (Consumer<Exited> watcher : exitWatchers.getOrDefault(container.labels.node(), List.of())) {
      watcher.accept(new Exited(container.labels.podUid(), container.id));
    }
    return true;
  }

  private static int parseInt(String value) {
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  private static double parseDouble(String value) {
    try {
      return Double.parseDouble(value.strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override
  public void close() {
    timers.shutdownNow();
  }
}
