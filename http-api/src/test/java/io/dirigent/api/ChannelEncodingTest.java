package io.dirigent.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Kubernetes' two ways of carrying channel frames in WebSocket messages. */
class ChannelEncodingTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      "v5 and v4 are binary; v5.channel.k8s.io; BINARY",
      "v4 is binary; v4.channel.k8s.io; BINARY",
      "the base64 form of v4 is base64; v4.base64.channel.k8s.io; BASE64",
  })
  void theSubprotocolNamesTheEncoding(String sentence, String protocol, ChannelEncoding expected) {
    assertThat(ChannelEncoding.of(protocol)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      "a stdin message: '0' and the data in base64; 0aGk=; 006869",
      "a resize on channel 4; 4e30=; 047b7d",
      "a channel without data; 0; 00",
      "an empty message stays empty; ''; ''",
      "data that is not base64 becomes the empty frame, which readers drop; 0!!!; ''",
  })
  void base64TextBecomesAChannelFrame(String sentence, String text, String frameHex) {
    ByteString frame = ChannelEncoding.BASE64.decode(ByteString.fromString(text, StandardCharsets.UTF_8));
    assertThat(HexFormat.of().formatHex(frame.toArray())).isEqualTo(frameHex);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      "stdout; 016f6b0a; 1b2sK",
      "the error channel; 037b7d; 3e30=",
      "a port announced on channel 0; 00901f; 0kB8=",
  })
  void aFrameIsSentAsBase64Text(String sentence, String frameHex, String text) {
    var message = ChannelEncoding.BASE64.encode(ByteString.fromArray(HexFormat.of().parseHex(frameHex)));
    assertThat(message.isText()).isTrue();
    assertThat(message.asTextMessage().getStrictText()).isEqualTo(text);
  }

  @ParameterizedTest(name = "binary frame {0} travels as it is")
  @CsvSource({"006869", "ff00", "''"})
  void binaryFramesAreUnchanged(String frameHex) {
    ByteString frame = ByteString.fromArray(HexFormat.of().parseHex(frameHex));
    assertThat(ChannelEncoding.BINARY.decode(frame)).isEqualTo(frame);
  }
}
