package io.dirigent.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.node.runtime.AttachedExec;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How a client's channel message becomes input for an exec'd or attached process. */
class PodStreamsInputTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      "bytes on channel 0 are stdin; 00 68 69; stdin hi",
      "the close signal for channel 0 ends stdin; ff 00; close stdin",
      "a resize on channel 4 carries width and height; 04 {\"Width\":80,\"Height\":24}; resize 80x24",
      "an empty message is dropped; ''; nothing",
      "channel 0 without data is dropped; 00; nothing",
      "the close signal for another channel is dropped; ff 01; nothing",
      "the close signal without a channel is dropped; ff; nothing",
      "a resize that is not JSON is dropped; 04 {not json; nothing",
      "output channels sent by the client are dropped; 01 6f 75 74; nothing",
      "the error channel sent by the client is dropped; 03 7b 7d; nothing",
      "a channel no protocol has is dropped; 09 78; nothing",
  })
  void aClientMessageBecomesInputOrIsDropped(String sentence, String message, String expected) {
    assertThat(describe(PodStreamsService.input(bytes(message)))).isEqualTo(expected);
  }

  private static String describe(java.util.List<AttachedExec.Input> inputs) {
    if (inputs.isEmpty()) {
      return "nothing";
    }
    assertThat(inputs).hasSize(1);
    AttachedExec.Input input = inputs.get(0);
    if (input instanceof AttachedExec.Stdin stdin) {
      return "stdin " + stdin.data().utf8String();
    }
    if (input instanceof AttachedExec.Resize resize) {
      return "resize %dx%d".formatted(resize.width(), resize.height());
    }
    return "close stdin";
  }

  /** Hex bytes, where a part that is not hex (the resize's JSON) stands for its UTF-8 bytes. */
  private static ByteString bytes(String message) {
    ByteString bytes = ByteString.emptyByteString();
    if (message.isEmpty()) {
      return bytes;
    }
    String[] parts = message.split(" ", 2);
    bytes = bytes.concat(ByteString.fromArray(HexFormat.of().parseHex(parts[0])));
    if (parts.length == 2) {
      String rest = parts[1];
      bytes = bytes.concat(rest.matches("([0-9a-f]{2} ?)+")
          ? ByteString.fromArray(HexFormat.of().parseHex(rest.replace(" ", "")))
          : ByteString.fromString(rest, StandardCharsets.UTF_8));
    }
    return bytes;
  }
}
