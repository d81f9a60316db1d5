package io.dirigent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.compat.SpdyFrames;
import io.dirigent.core.node.PodStreams;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.model.ws.BinaryMessage;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.SinkRef;
import org.apache.pekko.stream.SourceRef;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;
import org.apache.pekko.stream.javadsl.StreamRefs;
import org.apache.pekko.util.ByteString;
import io.dirigent.core.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The port-forward protocol as kubectl speaks it inside the WebSocket, frame by frame: SPDY
 * streams in pairs by request id, replies, data both ways, FINs, errors on the error stream,
 * pings. The node's side is a stream reference pair made here; the real one is exercised by
 * KubectlIT against real containers.
 */
class PortForwardSessionTest {

  private static final ActorTestKit KIT = ActorTestKit.create();

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  /** A client: frames encoded into WebSocket messages, and the frames that come back, decoded. */
  private static final class Client {
    final SpdyFrames.Encoder encoder = new SpdyFrames.Encoder();
    final SpdyFrames.Decoder decoder = new SpdyFrames.Decoder();
    final SourceQueueWithComplete<Message> out;
    final List<SpdyFrame> received = new CopyOnWriteArrayList<>();
    final List<Integer> ports = new CopyOnWriteArrayList<>();

    Client(IntFunction<CompletionStage<PodStreams.Connected>> connect) {
      IntFunction<CompletionStage<PodStreams.Connected>> recording = port -> {
        ports.add(port);
        return connect.apply(port);
      };
      PortForwardSession session = new PortForwardSession(KIT.system(), recording);
      Pair<SourceQueueWithComplete<Message>, Source<Message, org.apache.pekko.NotUsed>> queue =
          Source.<Message>queue(64, OverflowStrategy.backpressure()).preMaterialize(KIT.system());
      out = queue.first();
      queue.second().via(session.flow(PodStreamsApi.binary(KIT.system())))
          .runWith(Sink.foreach(message -> received.addAll(decoder.decode(((BinaryMessage) message).getStrictData()))), KIT.system());
    }

    void send(SpdyFrame... frames) {
      ByteString bytes = ByteString.emptyByteString();
      for (SpdyFrame frame : frames) {
        bytes = bytes.concat(encoder.encode(frame));
      }
      out.offer(BinaryMessage.create(bytes)).toCompletableFuture().join();
    }

    void awaitFrames(String what, java.util.function.Predicate<List<SpdyFrame>> done) {
      Await.until(what, Duration.ofSeconds(10), () -> done.test(received));
    }

    String dataOn(int stream) {
      StringBuilder text = new StringBuilder();
      for (SpdyFrame frame : received) {
        if (frame instanceof SpdyDataFrame data && data.streamId() == stream) {
          text.append(data.content().toString(java.nio.charset.StandardCharsets.UTF_8));
        }
      }
      return text.toString();
    }

    long finsOn(int stream) {
      return received.stream().filter(f -> f instanceof SpdyDataFrame d && d.streamId() == stream && d.isLast()).count();
    }
  }

  private static DefaultSpdySynStreamFrame stream(int id, String type, int port, String requestId) {
    DefaultSpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
    syn.headers().set("streamtype", type).set("port", Integer.toString(port)).set("requestid", requestId);
    return syn;
  }

  private static SpdyDataFrame data(int stream, String text, boolean last) {
    DefaultSpdyDataFrame frame = new DefaultSpdyDataFrame(stream, Unpooled.wrappedBuffer(text.getBytes()));
    frame.setLast(last);
    return frame;
  }

  @Test
  void aPairOfStreamsCarriesBytesBothWaysAndEndsWithBothFinished() {
    Client client = new Client(UpperCasingPod.on(KIT.system()));

    client.send(stream(1, "error", 8080, "0"), data(1, "", true));
    client.awaitFrames("the error stream's reply", frames -> frames.stream().anyMatch(f -> f instanceof SpdySynReplyFrame r && r.streamId() == 1));
    client.send(stream(3, "data", 8080, "0"));
    client.send(data(3, "hello ", false), data(3, "pod", true));

    client.awaitFrames("both streams finished", frames -> client.finsOn(3) == 1 && client.finsOn(1) == 1);
    assertThat(client.ports).containsExactly(8080);
    assertThat(client.dataOn(3)).isEqualTo("HELLO POD");
    assertThat(client.dataOn(1)).isEmpty();
    List<Integer> replies = new ArrayList<>();
    client.received.stream().filter(SpdySynReplyFrame.class::isInstance).forEach(f -> replies.add(((SpdySynReplyFrame) f).streamId()));
    assertThat(replies).containsExactly(1, 3);
  }

  @Test
  void aConnectionThatCannotBeMadeIsReportedOnTheErrorStream() {
    Client client = new Client(port -> CompletableFuture.failedFuture(new IllegalStateException(
        "error forwarding port %d to pod web: dial tcp 172.17.0.9:%d: connection refused".formatted(port, port))));

    client.send(stream(1, "error", 9999, "7"), data(1, "", true), stream(3, "data", 9999, "7"));

    client.awaitFrames("both streams finished", frames -> client.finsOn(3) == 1 && client.finsOn(1) == 1);
    assertThat(client.dataOn(1)).isEqualTo("error forwarding port 9999 to pod web: dial tcp 172.17.0.9:9999: connection refused");
    assertThat(client.dataOn(3)).isEmpty();
  }

  @Test
  void whenThePodClosesFirstTheClientsSideOfTheConnectionEndsToo() {
    CompletableFuture<Void> inputEnded = new CompletableFuture<>();
    Client client = new Client(port -> {
      // The pod answers and closes at once, as an HTTP/1.0 server does; the client never sends FIN.
      SinkRef<ByteString> input = StreamRefs.<ByteString>sinkRef()
          .to(Sink.<ByteString>ignore().mapMaterializedValue(done -> {
            done.whenComplete((ok, failure) -> inputEnded.complete(null));
            return org.apache.pekko.NotUsed.getInstance();
          }))
          .run(KIT.system());
      SourceRef<ByteString> output = Source.single(ByteString.fromString("bye")).runWith(StreamRefs.sourceRef(), KIT.system());
      return CompletableFuture.completedFuture(new PodStreams.Connected(input, output));
    });

    client.send(stream(1, "error", 80, "0"), data(1, "", true), stream(3, "data", 80, "0"), data(3, "GET /", false));

    client.awaitFrames("both streams finished", frames -> client.finsOn(3) == 1 && client.finsOn(1) == 1);
    assertThat(client.dataOn(3)).isEqualTo("bye");
    Await.until("the connection's client side ended", Duration.ofSeconds(10), inputEnded::isDone);
  }

  @Test
  void aConnectionWhosePodStopsReadingIsResetWithoutHoldingUpTheOthers() {
    Client client = new Client(port -> {
      if (port == 8080) {
        return UpperCasingPod.on(KIT.system()).apply(port);
      }
      // This pod never reads what it is sent.
      SinkRef<ByteString> input = StreamRefs.<ByteString>sinkRef()
          .mapAsync(1, bytes -> new CompletableFuture<ByteString>())
          .to(Sink.ignore())
          .run(KIT.system());
      SourceRef<ByteString> output = Source.<ByteString>maybe().mapMaterializedValue(m -> org.apache.pekko.NotUsed.getInstance())
          .runWith(StreamRefs.sourceRef(), KIT.system());
      return CompletableFuture.completedFuture(new PodStreams.Connected(input, output));
    });

    client.send(stream(1, "error", 9000, "0"), data(1, "", true), stream(3, "data", 9000, "0"));
    client.awaitFrames("the stalled connection's reply", frames -> frames.stream().anyMatch(f -> f instanceof SpdySynReplyFrame r && r.streamId() == 3));
    for (int i = 0; i < 700; i++) {
      client.send(data(3, "x", false));
    }
    client.awaitFrames("the stalled stream reset", frames -> frames.stream().anyMatch(f -> f instanceof SpdyRstStreamFrame r && r.streamId() == 3));

    client.send(stream(5, "error", 8080, "1"), data(5, "", true), stream(7, "data", 8080, "1"), data(7, "still here", true));
    client.awaitFrames("the other connection served", frames -> client.finsOn(7) == 1);
    assertThat(client.dataOn(7)).isEqualTo("STILL HERE");
  }

  @Test
  void pingsAreAnsweredAndMalformedStreamsReset() {
    Client client = new Client(UpperCasingPod.on(KIT.system()));

    client.send(new DefaultSpdyPingFrame(1));
    client.awaitFrames("the ping's echo", frames -> frames.stream().anyMatch(f -> f instanceof SpdyPingFrame p && p.id() == 1));

    client.send(stream(1, "bogus", 80, "0"));
    client.send(stream(3, "data", 80, "no-error-stream-first"));
    client.awaitFrames("two resets", frames -> frames.stream().filter(SpdyRstStreamFrame.class::isInstance).count() == 2);
    assertThat(client.ports).isEmpty();
  }
}
