package io.dirigent.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.pekko.http.javadsl.model.ws.BinaryMessage;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.util.ByteString;

/**
 * How channel frames (a channel byte, then data) travel in a WebSocket, as Kubernetes' wsstream has
 * them: {@link #BINARY} for {@code v4.channel.k8s.io} and {@code v5.channel.k8s.io}, binary messages
 * as they are; {@link #BASE64} for {@code v4.base64.channel.k8s.io}, text messages whose first
 * character is {@code '0'} plus the channel and whose rest is the data in standard base64 (for
 * clients that can only send text, browsers of old).
 */
enum ChannelEncoding {
  BINARY,
  BASE64;

  /** The encoding a negotiated subprotocol implies. */
  static ChannelEncoding of(String protocol) {
    return protocol.startsWith("v4.base64.") ? BASE64 : BINARY;
  }

  /**
   * A client's message, as the bytes it carried, back into a channel frame. A base64 message that
   * does not decode becomes the empty frame, which every reader drops.
   */
  ByteString decode(ByteString message) {
    if (this == BINARY || message.isEmpty()) {
      return message;
    }
    String text = message.decodeString(StandardCharsets.UTF_8);
    int channel = (text.codePointAt(0) - '0') & 0xff;
    try {
      byte[] data = Base64.getDecoder().decode(text.substring(Character.charCount(text.codePointAt(0))));
      return ByteString.fromArrayUnsafe(new byte[] {(byte) channel}).concat(ByteString.fromArrayUnsafe(data));
    } catch (IllegalArgumentException notBase64) {
      return ByteString.emptyByteString();
    }
  }

  /** A channel frame as the message that carries it to the client. */
  Message encode(ByteString frame) {
    if (this == BINARY) {
      return BinaryMessage.create(frame);
    }
    char channel = (char) (('0' + (frame.apply(0) & 0xff)) & 0xff);
    return TextMessage.create(channel + Base64.getEncoder().encodeToString(frame.drop(1).toArray()));
  }
}
