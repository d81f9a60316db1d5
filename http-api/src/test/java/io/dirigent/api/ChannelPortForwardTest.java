package io.dirigent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dirigent.core.node.PodStreams;
import io.dirigent.core.testing.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.model.Query;
import org.apache.pekko.http.javadsl.model.ws.BinaryMessage;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.SinkRef;
import org.apache.pekko.stream.SourceRef;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;
import org.apache.pekko.stream.javadsl.StreamRefs;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Port forwarding in the plain WebSocket channel protocol, message by message: the port announced
 * on both channels of each port, bytes both ways on the data channel, failures on the error
 * channel, the socket's end when the pod's side ends. The node's side is a stream reference pair
 * made here; the real one is exercised through {@code dirigent port-forward} against real
 * containers.
 */
class ChannelPortForwardTest {

  private static final ActorTestKit KIT = ActorTestKit.create();

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  /** A client: messages into the flow, and the messages that come back with their channel. */
  private static final class Client {
    final SourceQueueWithComplete<Message> out;
    final List<ByteString> received = new CopyOnWriteArrayList<>();
    final List<Integer> connected = new CopyOnWriteArrayList<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();

    Client(List<Integer> ports, IntFunction<CompletionStage<PodStreams.Connected>> connect) {
      IntFunction<CompletionStage<PodStreams.Connected>> recording = port -> {
        connected.add(port);
        return connect.apply(port);
      };
      Pair<SourceQueueWithComplete<Message>, Source<Message, NotUsed>> queue =
          Source.<Message>queue(64, OverflowStrategy.backpressure()).preMaterialize(KIT.system());
      out = queue.first();
      queue.second().via(ChannelPortForward.flow(KIT.system(), ports, recording, PodStreamsApi.binary(KIT.system()), ChannelEncoding.BINARY))
          .runWith(Sink.foreach(message -> received.add(((BinaryMessage) message).getStrictData())), KIT.system())
          .whenComplete((done, failure) -> closed.complete(null));
    }

    void send(int channel, String text) {
      out.offer(BinaryMessage.create(PodStreams.frame((byte) channel, ByteString.fromString(text)))).toCompletableFuture().join();
    }

    /** The bytes received on {@code channel}, its two-byte port prefix included. */
    byte[] on(int channel) {
      ByteString all = ByteString.emptyByteString();
      for (ByteString message : received) {
        if ((message.apply(0) & 0xff) == channel) {
          all = all.concat(message.drop(1));
        }
      }
      return all.toArray();
    }

    String textOn(int channel) {
      byte[] bytes = on(channel);
      return bytes.length < 2 ? "" : new String(bytes, 2, bytes.length - 2, StandardCharsets.UTF_8);
    }

    void await(String what, java.util.function.BooleanSupplier condition) {
      Await.until(what, Duration.ofSeconds(10), condition::getAsBoolean);
    }
  }

  @Test
  void eachPortIsAnnouncedOnBothItsChannelsThenCarriesBytesBothWays() {
    Client client = new Client(List.of(8080), UpperCasingPod.on(KIT.system()));

    client.send(0, "hello ");
    client.send(0, "pod");

    client.await("the answer", () -> client.textOn(0).equals("HELLO POD"));
    // 8080 = 0x1f90, little-endian.
    assertThat(client.on(0)).startsWith(0x90, 0x1f);
    assertThat(client.on(1)).containsExactly(0x90, 0x1f);
    assertThat(client.connected).containsExactly(8080);
  }

  @Test
  void textMessagesCountAsTheirBytes() {
    Client client = new Client(List.of(80), UpperCasingPod.on(KIT.system()));

    client.out.offer(TextMessage.create("\u0000typed")).toCompletableFuture().join();

    client.await("the answer", () -> client.textOn(0).equals("TYPED"));
  }

  @Test
  void twoPortsUseTwoPairsOfChannels() {
    Client client = new Client(List.of(80, 443), UpperCasingPod.on(KIT.system()));

    client.send(0, "plain");
    client.send(2, "secure");

    client.await("both answers", () -> client.textOn(0).equals("PLAIN") && client.textOn(2).equals("SECURE"));
    assertThat(client.on(3)).containsExactly(0xbb, 0x01);
    assertThat(client.connected).containsExactlyInAnyOrder(80, 443);
  }

  @Test
  void aConnectionThatCannotBeMadeIsReportedOnTheErrorChannelAndTheSocketEnds() {
    Client client = new Client(List.of(9999), port -> CompletableFuture.failedFuture(new IllegalStateException(
        "error forwarding port %d to pod web: dial tcp 172.17.0.9:%d: connection refused".formatted(port, port))));

    client.await("the socket closed", client.closed::isDone);
    assertThat(client.textOn(1)).isEqualTo("error forwarding port 9999 to pod web: dial tcp 172.17.0.9:9999: connection refused");
    assertThat(client.textOn(0)).isEmpty();
  }

  @Test
  void whenThePodClosesTheSocketEnds() {
    Client client = new Client(List.of(80), port -> {
      SinkRef<ByteString> input = StreamRefs.<ByteString>sinkRef().to(Sink.ignore()).run(KIT.system());
      SourceRef<ByteString> output = Source.single(ByteString.fromString("bye")).runWith(StreamRefs.sourceRef(), KIT.system());
      return CompletableFuture.completedFuture(new PodStreams.Connected(input, output));
    });

    client.await("the socket closed", client.closed::isDone);
    assertThat(client.textOn(0)).isEqualTo("bye");
  }

  @ParameterizedTest(name = "ports={0} is {1}")
  @CsvSource(delimiter = ';', value = {
      "8080; [8080]",
      "'80,443'; [80, 443]",
      "' 80 , 443 '; [80, 443]",
      "65535; [65535]",
  })
  void thePortsParameterListsPorts(String ports, String expected) {
    assertThat(PodStreamsApi.ports(Query.create(Pair.create("ports", ports))).toString()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "ports={0} is refused")
  @CsvSource(delimiter = ';', value = {
      "0; invalid port 0",
      "65536; invalid port 65536",
      "http; invalid port http",
      "'80,'; invalid port ",
  })
  void aPortOutsideOneTo65535IsRefused(String ports, String message) {
    assertThatThrownBy(() -> PodStreamsApi.ports(Query.create(Pair.create("ports", ports))))
        .isInstanceOfSatisfying(io.dirigent.core.store.StoreException.class, e -> assertThat(e.getMessage()).contains(message));
  }

  @Test
  void portsAreRequired() {
    assertThatThrownBy(() -> PodStreamsApi.ports(Query.EMPTY)).hasMessageContaining("the ports parameter is required");
  }
}
