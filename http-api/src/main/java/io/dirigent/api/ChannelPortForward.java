package io.dirigent.api;

import io.dirigent.core.node.PodStreams;
import io.dirigent.core.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.IntFunction;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;
import org.apache.pekko.util.ByteString;

/**
 * Port forwarding in Kubernetes' plain WebSocket channel protocol ({@code v4.channel.k8s.io}),
 * which the Python and JavaScript clients and {@code dirigent port-forward} speak: one WebSocket is
 * one connection to each port of the {@code ports} query parameter. Port number {@code i} (in the
 * order given) has data channel {@code 2i} and error channel {@code 2i+1}; every message's first
 * byte is its channel. The server first sends the port, two bytes little-endian, on both channels
 * of each port; then the pod's bytes on the data channel, or why the connection failed on the error
 * channel. What the client sends on a data channel goes to the pod. The socket closes once every
 * port's connection has ended, or when the client closes it.
 *
 * <p>Unlike the SPDY protocol ({@link PortForwardSession}) there is no half-close and no second
 * connection on one socket: a client opens a WebSocket per connection it forwards.
 */
final class ChannelPortForward {

  static final String PROTOCOL = "v4.channel.k8s.io";
  /** The subprotocols, binary first; a client that names none speaks the binary one. */
  static final List<String> PROTOCOLS = List.of(PROTOCOL, "v4.base64.channel.k8s.io");

  /** Chunks the client may send ahead of a connection that is still being made. */
  private static final int INPUT_BUFFER = 16;

  private ChannelPortForward() {}

  /**
   * The WebSocket's handler, from the bytes of each message in to the messages out; to be run
   * once. The client's bytes are back-pressured by the pod's reading.
   *
   * @param connect opens a connection to a port of the pod
   * @param encoding how channel frames travel in the socket's messages
   */
  static Flow<Message, Message, NotUsed> flow(ActorSystem<?> system, List<Integer> ports,
      IntFunction<CompletionStage<PodStreams.Connected>> connect, Flow<Message, ByteString, NotUsed> bytes, ChannelEncoding encoding) {
    List<SourceQueueWithComplete<ByteString>> inputs = new ArrayList<>();
    List<Source<ByteString, NotUsed>> outputs = new ArrayList<>();
    for (int index = 0; index < ports.size(); index++) {
      Pair<SourceQueueWithComplete<ByteString>, Source<ByteString, NotUsed>> input =
          Source.<ByteString>queue(INPUT_BUFFER, OverflowStrategy.backpressure()).preMaterialize(system);
      inputs.add(input.first());
      outputs.add(output(system, ports.get(index), index, connect, input.second()));
    }
    Sink<Message, NotUsed> in = bytes
        .map(encoding::decode)
        .mapAsync(1, message -> toPod(inputs, message))
        .to(Sink.ignore().mapMaterializedValue(done -> {
          done.whenComplete((ok, failure) -> inputs.forEach(SourceQueueWithComplete::complete));
          return NotUsed.getInstance();
        }));
    Source<Message, NotUsed> out = Source.from(outputs)
        .flatMapMerge(Math.max(1, outputs.size()), output -> output)
        .map(encoding::encode);
    return Flow.fromSinkAndSourceCoupled(in, out);
  }

  /** What one port sends the client: the port on both channels, then the pod's bytes or the failure. */
  private static Source<ByteString, NotUsed> output(ActorSystem<?> system, int port, int index,
      IntFunction<CompletionStage<PodStreams.Connected>> connect, Source<ByteString, NotUsed> input) {
    byte data = (byte) (2 * index);
    byte error = (byte) (2 * index + 1);
    ByteString portBytes = ByteString.fromArrayUnsafe(new byte[] {(byte) port, (byte) (port >> 8)});
    Source<ByteString, NotUsed> connection = Source.completionStage(connect.apply(port).handle((connected, failure) -> {
      if (failure != null) {
        input.runWith(Sink.ignore(), system);
        return Source.single(PodStreams.frame(error, text(StoreException.cause(failure).getMessage())));
      }
      input.runWith(connected.input().getSink(), system);
      return connected.output().getSource()
          .map(bytes -> PodStreams.frame(data, bytes))
          .recoverWithRetries(1, Throwable.class, () -> Source.single(PodStreams.frame(error,
              text("error forwarding port %d: the connection to the pod broke".formatted(port)))));
    })).flatMapConcat(source -> source);
    return Source.from(List.of(PodStreams.frame(data, portBytes), PodStreams.frame(error, portBytes))).concat(connection);
  }

  /** Hands a data channel's bytes to its port's connection; anything else is dropped. */
  private static CompletionStage<Object> toPod(List<SourceQueueWithComplete<ByteString>> inputs, ByteString message) {
    int channel = message.isEmpty() ? -1 : message.apply(0) & 0xff;
    if (channel < 0 || channel % 2 != 0 || channel / 2 >= inputs.size() || message.size() == 1) {
      return CompletableFuture.completedFuture(NotUsed.getInstance());
    }
    return inputs.get(channel / 2).offer(message.drop(1)).thenApply(result -> result);
  }

  private static ByteString text(String message) {
    return ByteString.fromString(message, StandardCharsets.UTF_8);
  }
}
