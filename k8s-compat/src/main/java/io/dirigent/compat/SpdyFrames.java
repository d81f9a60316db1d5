package io.dirigent.compat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.SpdyFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.util.ByteString;

/**
 * SPDY/3.1 framing, which kubectl's port-forward speaks (inside a WebSocket since 1.30), by Netty's
 * SPDY codec. A {@link Decoder} turns the bytes one peer sends into frames, an {@link Encoder} the
 * frames for it into bytes. Header blocks are compressed with one zlib context per direction for
 * the life of the connection, so each direction needs its own instance, used in the order the bytes
 * travel, by one thread at a time.
 */
public final class SpdyFrames {

  private static final int MAX_CHUNK = 8192;
  private static final int MAX_HEADER_SIZE = 16384;

  private SpdyFrames() {}

  private static EmbeddedChannel codec() {
    return new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1, MAX_CHUNK, MAX_HEADER_SIZE, 6, 15, 8, false));
  }

  /** The frames in the bytes one peer sends, as they arrive (a frame may span several calls). */
  public static final class Decoder {

    private final EmbeddedChannel channel = codec();

    /** The frames completed by {@code bytes}; a data frame's content is copied out of Netty's buffers. */
    public synchronized List<SpdyFrame> decode(ByteString bytes) {
      channel.writeInbound(Unpooled.wrappedBuffer(bytes.toArrayUnsafe()));
      List<SpdyFrame> frames = new ArrayList<>();
      for (Object frame = channel.readInbound(); frame != null; frame = channel.readInbound()) {
        frames.add((SpdyFrame) frame);
      }
      return frames;
    }

    /** Releases what the codec holds (its buffers, its zlib context); frames not yet taken are dropped. */
    public synchronized void close() {
      channel.finishAndReleaseAll();
    }
  }

  /** The bytes of frames sent to one peer, in order. */
  public static final class Encoder {

    private final EmbeddedChannel channel = codec();

    public synchronized ByteString encode(SpdyFrame frame) {
      channel.writeOutbound(frame);
      ByteString bytes = ByteString.emptyByteString();
      for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
        ByteBuf buffer = (ByteBuf) out;
        try {
          byte[] copy = new byte[buffer.readableBytes()];
          buffer.readBytes(copy);
          bytes = bytes.concat(ByteString.fromArrayUnsafe(copy));
        } finally {
          buffer.release();
        }
      }
      return bytes;
    }

    /** Releases what the codec holds (its buffers, its zlib context). */
    public synchronized void close() {
      channel.finishAndReleaseAll();
    }
  }

  /** The bytes of a data frame's content; the frame's buffer is released. */
  public static ByteString content(io.netty.handler.codec.spdy.SpdyDataFrame frame) {
    try {
      byte[] copy = new byte[frame.content().readableBytes()];
      frame.content().readBytes(copy);
      return ByteString.fromArrayUnsafe(copy);
    } finally {
      frame.release();
    }
  }
}
