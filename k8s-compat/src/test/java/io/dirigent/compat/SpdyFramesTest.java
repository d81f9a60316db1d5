package io.dirigent.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrame;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

class SpdyFramesTest {

  @Test
  void streamHeadersSurviveTheSharedCompressionContextAcrossFrames() {
    SpdyFrames.Encoder encoder = new SpdyFrames.Encoder();
    SpdyFrames.Decoder decoder = new SpdyFrames.Decoder();

    List<SpdyFrame> decoded = new ArrayList<>();
    for (int request = 0; request < 3; request++) {
      for (String type : List.of("error", "data")) {
        DefaultSpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(1 + 2 * decoded.size(), 0, (byte) 0);
        syn.headers().set("streamtype", type).set("port", "8080").set("requestid", Integer.toString(request));
        decoded.addAll(decoder.decode(encoder.encode(syn)));
      }
    }

    assertThat(decoded).hasSize(6).allMatch(SpdySynStreamFrame.class::isInstance);
    SpdySynStreamFrame last = (SpdySynStreamFrame) decoded.get(5);
    assertThat(last.streamId()).isEqualTo(11);
    assertThat(last.headers().getAsString("streamtype")).isEqualTo("data");
    assertThat(last.headers().getAsString("requestid")).isEqualTo("2");
    assertThat(last.headers().getAsString("port")).isEqualTo("8080");
  }

  @Test
  void framesSplitAcrossMessagesAreDecodedOnceComplete() {
    SpdyFrames.Encoder encoder = new SpdyFrames.Encoder();
    DefaultSpdySynReplyFrame reply = new DefaultSpdySynReplyFrame(3);
    reply.headers().set("streamtype", "data");
    DefaultSpdyDataFrame data = new DefaultSpdyDataFrame(3, Unpooled.wrappedBuffer("hello, pod".getBytes()));
    data.setLast(true);
    ByteString wire = encoder.encode(reply).concat(encoder.encode(data));

    SpdyFrames.Decoder decoder = new SpdyFrames.Decoder();
    List<SpdyFrame> frames = new ArrayList<>();
    for (int at = 0; at < wire.size(); at += 5) {
      frames.addAll(decoder.decode(wire.slice(at, Math.min(wire.size(), at + 5))));
    }

    assertThat(frames).hasSize(2);
    assertThat(((SpdySynReplyFrame) frames.get(0)).headers().getAsString("streamtype")).isEqualTo("data");
    SpdyDataFrame received = (SpdyDataFrame) frames.get(1);
    assertThat(received.isLast()).isTrue();
    assertThat(SpdyFrames.content(received).utf8String()).isEqualTo("hello, pod");
  }

  @Test
  void aReplyWithoutHeadersStillCarriesAHeaderBlockWhenOneHeaderIsSet() {
    // Go's framer (kubectl's) cannot read a SYN_REPLY without a header block; Netty omits an empty one.
    SpdyFrames.Encoder encoder = new SpdyFrames.Encoder();
    ByteString empty = encoder.encode(new DefaultSpdySynReplyFrame(1));
    DefaultSpdySynReplyFrame named = new DefaultSpdySynReplyFrame(3);
    named.headers().set("streamtype", "error");
    ByteString withHeader = encoder.encode(named);

    assertThat(empty.size()).isEqualTo(12);
    assertThat(withHeader.size()).isGreaterThan(12);
  }
}
