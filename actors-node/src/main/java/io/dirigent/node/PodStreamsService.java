package io.dirigent.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.node.PodStreams;
import io.dirigent.node.runtime.AttachedExec;
import io.dirigent.node.runtime.ContainerRuntime;
import io.dirigent.node.runtime.RuntimeContainer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.SinkRef;
import org.apache.pekko.stream.SourceRef;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamRefs;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;

/**
 * The node's side of {@code exec}, {@code attach} and {@code portforward} (the kubelet's streaming server): finds
 * the pod's container or IP in the runtime, opens the stream, and answers the API server with a
 * pair of stream references, wherever in the cluster it runs. It keeps no state: each request's
 * streams live on their own.
 */
final class PodStreamsService {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private PodStreamsService() {}

  static Behavior<PodStreams.Request> create(String node, ContainerRuntime runtime) {
    return Behaviors.setup(context -> {
      context.getSystem().receptionist().tell(Receptionist.register(PodStreams.serviceKey(node), context.getSelf()));
      ActorSystem<?> system = context.getSystem();
      return Behaviors.receiveMessage(request -> {
        CompletionStage<PodStreams.Reply> reply = runtime.podContainers(node, request.uid())
            .thenCompose(containers -> open(system, runtime, new PodObservation(containers), request));
        reply.whenComplete((answer, failure) -> request.replyTo().tell(failure == null ? answer
            : new PodStreams.Failed(500, Failures.cause(failure).getMessage())));
        return Behaviors.same();
      });
    });
  }

  private static CompletionStage<PodStreams.Reply> open(ActorSystem<?> system, ContainerRuntime runtime, PodObservation observed,
      PodStreams.Request request) {
    if (request instanceof PodStreams.Exec exec) {
      return exec(system, runtime, observed, exec);
    }
    if (request instanceof PodStreams.Attach attach) {
      return attach(system, runtime, observed, attach);
    }
    return forward(system, runtime, observed, (PodStreams.PortForward) request);
  }

  private static CompletionStage<PodStreams.Reply> exec(ActorSystem<?> system, ContainerRuntime runtime, PodObservation observed,
      PodStreams.Exec request) {
    Optional<RuntimeContainer> container = observed.latest(request.container()).filter(RuntimeContainer::running);
    if (container.isEmpty()) {
      return CompletableFuture.completedFuture(new PodStreams.Failed(404, "container not found (\"%s\")".formatted(request.container())));
    }
    return runtime.attachExec(container.get().id(), request.command(), request.stdin(), request.tty())
        .<PodStreams.Reply>thenApply(attached -> connect(system, attached, request.stdout(), request.stderr(),
            (code, failure) -> status(request.command(), code, failure)))
        .exceptionally(failure -> new PodStreams.Failed(500, "exec failed: " + Failures.cause(failure).getMessage()));
  }

  private static CompletionStage<PodStreams.Reply> attach(ActorSystem<?> system, ContainerRuntime runtime, PodObservation observed,
      PodStreams.Attach request) {
    Optional<RuntimeContainer> container = observed.latest(request.container()).filter(RuntimeContainer::running);
    if (container.isEmpty()) {
      return CompletableFuture.completedFuture(new PodStreams.Failed(404, "container not found (\"%s\")".formatted(request.container())));
    }
    return runtime.attach(container.get().id(), request.stdin(), request.tty())
        .<PodStreams.Reply>thenApply(attached -> connect(system, attached, request.stdout(), request.stderr(),
            // As the kubelet: an attach that ends without an error ends in Success, whatever the container's exit.
            (code, failure) -> failure == null ? status(List.of(), 0, null)
                : failureStatus("error attaching to container %s: %s".formatted(request.container(), Failures.cause(failure).getMessage()))))
        .exceptionally(failure -> new PodStreams.Failed(500, "attach failed: " + Failures.cause(failure).getMessage()));
  }

  /** Joins the client's channel messages to the process's streams, and ends them with the Status {@code end} gives. */
  private static PodStreams.Connected connect(ActorSystem<?> system, AttachedExec attached, boolean stdout, boolean stderr,
      BiFunction<Integer, Throwable, ByteString> end) {
    Pair<SinkRef<ByteString>, SourceRef<ByteString>> refs = StreamRefs.<ByteString>sinkRef()
        .mapConcat(PodStreamsService::input)
        .via(attached.streams())
        .filter(out -> out.stderr() ? stderr : stdout)
        .map(out -> PodStreams.frame(out.stderr() ? PodStreams.STDERR : PodStreams.STDOUT, out.data()))
        .concat(Source.completionStage(attached.exitCode().handle(end)))
        .toMat(StreamRefs.sourceRef(), Keep.both())
        .run(system);
    return new PodStreams.Connected(refs.first(), refs.second());
  }

  /**
   * An exec or attach message from the client as input for the process. What no process can take
   * is dropped, not failed: empty messages, channels a client does not send on, closes of other
   * channels than stdin, resizes that are not JSON.
   */
  static List<AttachedExec.Input> input(ByteString frame) {
    if (frame.isEmpty()) {
      return List.of();
    }
    ByteString data = frame.drop(1);
    switch (frame.apply(0)) {
      case PodStreams.STDIN:
        return data.isEmpty() ? List.of() : List.of(new AttachedExec.Stdin(data));
      case PodStreams.CLOSE:
        return !data.isEmpty() && data.apply(0) == PodStreams.STDIN ? List.of(new AttachedExec.CloseStdin()) : List.of();
      case PodStreams.RESIZE:
        try {
          JsonNode size = KubeJson.MAPPER.readTree(data.toArrayUnsafe());
          return List.of(new AttachedExec.Resize(size.path("Width").asInt(), size.path("Height").asInt()));
        } catch (java.io.IOException e) {
          return List.of();
        }
      default:
        return List.of();
    }
  }

  /** The Status an exec ends with, as the kubelet writes it on the error channel. */
  private static ByteString status(List<String> command, Integer code, Throwable failure) {
    ObjectNode status = KubeJson.MAPPER.createObjectNode();
    status.putObject("metadata");
    if (failure == null && code == 0) {
      status.put("status", "Success");
    } else if (failure == null) {
      status.put("status", "Failure")
          .put("message", "command terminated with non-zero exit code: error executing command %s, exit code %d".formatted(command, code))
          .put("reason", "NonZeroExitCode");
      status.putObject("details").putArray("causes").addObject().put("reason", "ExitCode").put("message", Integer.toString(code));
    } else {
      return failureStatus("error executing command %s: %s".formatted(command, Failures.cause(failure).getMessage()));
    }
    return statusFrame(status);
  }

  private static ByteString failureStatus(String message) {
    ObjectNode status = KubeJson.MAPPER.createObjectNode();
    status.putObject("metadata");
    status.put("status", "Failure").put("message", message).put("reason", "InternalError");
    return statusFrame(status);
  }

  private static ByteString statusFrame(ObjectNode status) {
    try {
      return PodStreams.frame(PodStreams.ERROR, ByteString.fromArrayUnsafe(KubeJson.MAPPER.writeValueAsBytes(status)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static CompletionStage<PodStreams.Reply> forward(ActorSystem<?> system, ContainerRuntime runtime, PodObservation observed,
      PodStreams.PortForward request) {
    if (!runtime.networked()) {
      return CompletableFuture.completedFuture(new PodStreams.Failed(400,
          "pod %s runs on a simulated node, which has no network to forward port %d to".formatted(request.pod(), request.port())));
    }
    Optional<String> ip = observed.podIp();
    if (ip.isEmpty() || observed.sandbox().filter(RuntimeContainer::running).isEmpty()) {
      return CompletableFuture.completedFuture(new PodStreams.Failed(404, "pod %s has no running sandbox to forward port %d into"
          .formatted(request.pod(), request.port())));
    }
    Flow<ByteString, ByteString, CompletionStage<Tcp.OutgoingConnection>> tcp = Tcp.get(system).outgoingConnection(
        new InetSocketAddress(ip.get(), request.port()), Optional.empty(), List.of(), true, Optional.of(CONNECT_TIMEOUT), Optional.empty());
    Pair<Pair<SinkRef<ByteString>, CompletionStage<Tcp.OutgoingConnection>>, SourceRef<ByteString>> run =
        StreamRefs.<ByteString>sinkRef().viaMat(tcp, Keep.both()).toMat(StreamRefs.sourceRef(), Keep.both()).run(system);
    return run.first().second()
        .<PodStreams.Reply>thenApply(connection -> new PodStreams.Connected(run.first().first(), run.second()))
        .exceptionally(failure -> new PodStreams.Failed(500, "error forwarding port %d to pod %s: dial tcp %s:%d: %s".formatted(
            request.port(), request.pod(), ip.get(), request.port(), String.valueOf(Failures.root(failure).getMessage()).toLowerCase(java.util.Locale.ROOT))));
  }
}
