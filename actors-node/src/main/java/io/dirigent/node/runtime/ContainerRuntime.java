package io.dirigent.node.runtime;

import io.fabric8.kubernetes.api.model.Probe;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * The seam between the node agent and what runs its containers: Docker for real work, a
 * simulation for scale tests. Every call is asynchronous; an implementation that blocks does so
 * on threads of its own, never on the caller's.
 *
 * <p>Only containers carrying Dirigent's labels for the given node are ever listed, changed or
 * removed: a runtime shared with other software, or with other nodes of a test, stays theirs.
 */
public interface ContainerRuntime extends AutoCloseable {

  /** The runtime's name and version, and the host's OS, for the Node's status. */
  CompletionStage<RuntimeInfo> info();

  /** Every container of {@code node}, with its state. */
  CompletionStage<List<RuntimeContainer>> containers(String node);

  /** The containers of one pod on {@code node}, sandbox included, with their state. */
  CompletionStage<List<RuntimeContainer>> podContainers(String node, String podUid);

  /** The image if the node has it; empty if it does not (and cannot get it). */
  CompletionStage<Optional<Image>> image(String image);

  /**
   * An image on the node.
   *
   * @param id the runtime's id for it
   * @param user the user its containers run as unless told otherwise ("" for root)
   * @param entrypoint what its containers run unless told otherwise, with {@code cmd} after it
   * @param cmd the arguments (or the command, without an entrypoint) unless told otherwise
   */
  record Image(String id, String user, List<String> entrypoint, List<String> cmd) {
    public Image {
      user = user == null ? "" : user;
      entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
      cmd = cmd == null ? List.of() : List.copyOf(cmd);
    }

    public Image(String id, String user) {
      this(id, user, List.of(), List.of());
    }
  }

  /** Creates and starts a pod's sandbox; answers it running, with the pod's IP. */
  CompletionStage<RuntimeContainer> runSandbox(SandboxSpec spec);

  /** Creates a container in a sandbox, without starting it; answers its id. */
  CompletionStage<String> createContainer(ContainerSpec spec);

  CompletionStage<Void> startContainer(String id);

  /** Stops a container: SIGTERM, then SIGKILL once {@code grace} has passed. */
  CompletionStage<Void> stopContainer(String id, Duration grace);

  /** Removes a container (stopping it at once if it still runs). A missing container is not an error. */
  CompletionStage<Void> removeContainer(String id);

  /** Runs a command in a running container. */
  CompletionStage<ExecResult> exec(String id, List<String> command, Duration timeout);

  /**
   * Starts {@code command} in a running container with its standard streams attached (stdin only
   * if asked for; with {@code tty}, a terminal, whose output all arrives as stdout). Fails if the
   * container does not run.
   */
  CompletionStage<AttachedExec> attachExec(String id, List<String> command, boolean stdin, boolean tty);

  /**
   * Attaches to the standard streams of a running container's own process (stdin only if asked
   * for; {@code tty} as the container was created). The streams end when the container's output
   * does; the exit code is always 0, the container's own is in its status. Fails if the container
   * does not run.
   */
  CompletionStage<AttachedExec> attach(String id, boolean stdin, boolean tty);

  /**
   * Whether pods' IPs can be reached from this host, so their ports can be forwarded. A simulated
   * runtime's pods have no network.
   */
  default boolean networked() {
    return true;
  }

  /**
   * Runs one probe against a container: exec in it, or HTTP GET / TCP connect to {@code podIp}.
   * Answers whether it succeeded; the message says why not.
   */
  CompletionStage<ProbeOutcome> probe(String containerId, String podIp, Probe probe);

  /** The container's output (stdout and stderr as written), ending when the container stops or, without follow, at its end. */
  Source<ByteString, NotUsed> logs(String id, LogOptions options);

  /**
   * Calls {@code onExit} for each container of {@code node} that exits or dies, as soon as the
   * runtime says so. Closing the answer stops the calls.
   */
  AutoCloseable watchExits(String node, Consumer<Exited> onExit);

  /** A container that exited: which pod it belongs to, and its id. */
  record Exited(String podUid, String containerId) {}

  /** The outcome of one probe. */
  record ProbeOutcome(boolean success, String message) {
    public static final ProbeOutcome SUCCESS = new ProbeOutcome(true, "");
  }

  @Override
  void close();
}
