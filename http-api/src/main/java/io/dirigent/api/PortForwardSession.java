package io.dirigent.api;

import io.dirigent.compat.SpdyFrames;
import io.dirigent.core.node.PodStreams;
import io.dirigent.core.store.StoreException;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ws.BinaryMessage;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.MergeHub;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * One {@code kubectl port-forward} connection: SPDY/3.1 frames inside a WebSocket, as the
 * kubelet's port-forward protocol has them. For every connection it accepts locally, the client
 * opens two SPDY streams with the same {@code requestID} and {@code port} headers: an error stream
 * ({@code streamType: error}) and a data stream ({@code streamType: data}). Each pair becomes one
 * TCP connection to the pod's port through the node's agent: the data stream carries the bytes
 * both ways (a FIN from the client half-closes the connection, the pod's close ends the stream),
 * and a failure is written as text on the error stream before both are finished.
 *
 * <p>Frames from the client are handled one at a time, in order; what goes back is merged from
 * every pair into one outbound queue, where the frames are encoded in the order they leave (SPDY's
 * header compression keeps one context for the whole connection).
 */
final class PortForwardSession {

  /** Chunks (each at most 8 KiB) a connection may hold while its pod reads slower than the client sends. */
  private static final int INPUT_BUFFER = 512;

  private final ActorSystem<?> system;
  private final IntFunction<CompletionStage<PodStreams.Connected>> connect;
  private final SpdyFrames.Decoder decoder = new SpdyFrames.Decoder();
  private final SpdyFrames.Encoder encoder = new SpdyFrames.Encoder();
  /** The error stream of each request id whose data stream has not come yet. */
  private final Map<String, Integer> errorStreams = new ConcurrentHashMap<>();
  /** The forwards under way, by data stream id. */
  private final Map<Integer, Forward> forwards = new ConcurrentHashMap<>();
  private final Sink<SpdyFrame, NotUsed> outbound;
  private final Source<SpdyFrame, NotUsed> outboundFrames;

  /** @param connect opens a connection to a port of the pod */
  PortForwardSession(ActorSystem<?> system, IntFunction<CompletionStage<PodStreams.Connected>> connect) {
    this.system = system;
    this.connect = connect;
    Pair<Sink<SpdyFrame, NotUsed>, Source<SpdyFrame, NotUsed>> hub = MergeHub.of(SpdyFrame.class, 16).preMaterialize(system);
    this.outbound = hub.first();
    this.outboundFrames = hub.second();
  }

  /**
   * The WebSocket's handler, from the bytes of each binary message in to the messages out; to be
   * run once. Frames from the client never wait: a connection whose pod reads slower than the
   * client sends is reset once its buffer is full, rather than holding up the others.
   */
  Flow<Message, Message, NotUsed> flow(Flow<Message, ByteString, NotUsed> bytes) {
    Sink<Message, NotUsed> in = bytes
        .mapConcat(decoder::decode)
        .to(Sink.<SpdyFrame>foreach(this::onFrame).mapMaterializedValue(done -> {
          done.whenComplete((ok, failure) -> closeAll());
          return NotUsed.getInstance();
        }));
    Source<Message, NotUsed> out = outboundFrames.map(frame -> (Message) BinaryMessage.create(encoder.encode(frame)))
        .watchTermination((notUsed, done) -> {
          done.whenComplete((ok, failure) -> encoder.close());
          return notUsed;
        });
    return Flow.fromSinkAndSourceCoupled(in, out);
  }

  private void onFrame(SpdyFrame frame) {
    if (frame instanceof SpdySynStreamFrame syn) {
      onStream(syn);
    } else if (frame instanceof SpdyDataFrame data) {
      Forward forward = forwards.get(data.streamId());
      boolean last = data.isLast();
      ByteString bytes = SpdyFrames.content(data);
      if (forward != null) {
        if (!bytes.isEmpty() && !forward.offer(bytes)) {
          forwards.remove(data.streamId());
          forward.stop();
          send(List.of(new DefaultSpdyRstStreamFrame(data.streamId(), SpdyStreamStatus.FLOW_CONTROL_ERROR)));
        } else if (last) {
          forward.endInput();
        }
      }
    } else if (frame instanceof SpdyRstStreamFrame reset) {
      Forward forward = forwards.remove(reset.streamId());
      if (forward != null) {
        forward.stop();
      }
    } else if (frame instanceof SpdyPingFrame ping) {
      // Pings are answered with themselves; the client counts the silence, not the content.
      send(List.of(ping));
    }
    // SETTINGS, WINDOW_UPDATE, HEADERS and GOAWAY change nothing here: the WebSocket's end ends the session.
  }

  private void onStream(SpdySynStreamFrame syn) {
    String type = syn.headers().getAsString("streamtype");
    String requestId = syn.headers().getAsString("requestid");
    String port = syn.headers().getAsString("port");
    int id = syn.streamId();
    int number;
    try {
      number = Integer.parseInt(port == null ? "" : port.strip());
    } catch (NumberFormatException e) {
      number = -1;
    }
    if (requestId == null || number < 1 || number > 65535 || !("error".equals(type) || "data".equals(type))) {
      send(List.of(new DefaultSpdyRstStreamFrame(id, SpdyStreamStatus.PROTOCOL_ERROR)));
      return;
    }
    if ("error".equals(type)) {
      // The client waits for this reply before it opens the data stream.
      errorStreams.put(requestId, id);
      send(List.of(reply(id, "error")));
      return;
    }
    Integer errorStream = errorStreams.remove(requestId);
    if (errorStream == null) {
      send(List.of(new DefaultSpdyRstStreamFrame(id, SpdyStreamStatus.PROTOCOL_ERROR)));
      return;
    }
    Forward forward = new Forward(id, errorStream, number);
    forwards.put(id, forward);
    forward.start();
  }

  private void send(List<? extends SpdyFrame> frames) {
    Source.from(frames).<SpdyFrame>map(frame -> frame).runWith(outbound, system);
  }

  private void closeAll() {
    forwards.values().forEach(Forward::stop);
    forwards.clear();
    decoder.close();
  }

  /**
   * The reply that accepts a stream. It names the stream's type: Netty leaves the header block out
   * when there are no headers, and Go's SPDY framer cannot read a reply without one.
   */
  private static SpdyFrame reply(int stream, String type) {
    DefaultSpdySynReplyFrame reply = new DefaultSpdySynReplyFrame(stream);
    reply.headers().set("streamtype", type);
    return reply;
  }

  private static SpdyDataFrame data(int stream, ByteString bytes) {
    return new DefaultSpdyDataFrame(stream, Unpooled.wrappedBuffer(bytes.toArrayUnsafe()));
  }

  private static SpdyDataFrame fin(int stream) {
    DefaultSpdyDataFrame frame = new DefaultSpdyDataFrame(stream);
    frame.setLast(true);
    return frame;
  }

  /** One pair of streams: one TCP connection to the pod's port. */
  private final class Forward {
    private final int dataStream;
    private final int errorStream;
    private final int port;
    private final BoundedSourceQueue<ByteString> input;
    private final Source<ByteString, NotUsed> inputSource;
    private volatile UniqueKillSwitch output;

    Forward(int dataStream, int errorStream, int port) {
      this.dataStream = dataStream;
      this.errorStream = errorStream;
      this.port = port;
      Pair<BoundedSourceQueue<ByteString>, Source<ByteString, NotUsed>> queue =
          Source.<ByteString>queue(INPUT_BUFFER).preMaterialize(system);
      this.input = queue.first();
      this.inputSource = queue.second();
    }

    void start() {
      Source<SpdyFrame, NotUsed> frames = Source.<SpdyFrame>single(reply(dataStream, "data"))
          .concat(Source.completionStage(connect.apply(port).handle((connected, failure) -> {
            if (failure != null) {
              inputSource.runWith(Sink.ignore(), system);
              return failed(StoreException.cause(failure).getMessage());
            }
            inputSource.runWith(connected.input().getSink(), system);
            return connected.output().getSource()
                .<SpdyFrame>map(bytes -> data(dataStream, bytes))
                .concat(Source.from(List.of(fin(dataStream), fin(errorStream))))
                .recoverWithRetries(1, Throwable.class, () -> failed(
                    "error forwarding port %d: the connection to the pod broke".formatted(port)));
          })).flatMapConcat(source -> source));
      output = frames.viaMat(KillSwitches.single(), Keep.right())
          .watchTermination((killSwitch, done) -> {
            // Once the pod's side has ended, so does the client's: what it still sends has nowhere to go.
            done.whenComplete((ok, failure) -> {
              forwards.remove(dataStream);
              input.complete();
            });
            return killSwitch;
          })
          .to(outbound).run(system);
    }

    private Source<SpdyFrame, NotUsed> failed(String message) {
      return Source.from(List.of(data(errorStream, ByteString.fromString(message, StandardCharsets.UTF_8)),
          fin(errorStream), fin(dataStream)));
    }

    /** Whether the bytes fit (or the input has ended anyway); false when the pod is that far behind. */
    boolean offer(ByteString bytes) {
      return input.offer(bytes) != QueueOfferResult.dropped();
    }

    void endInput() {
      input.complete();
    }

    void stop() {
      input.complete();
      UniqueKillSwitch killSwitch = output;
      if (killSwitch != null) {
        killSwitch.shutdown();
      }
    }
  }
}
