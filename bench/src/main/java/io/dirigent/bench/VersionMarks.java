package io.dirigent.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Finds {@code "resourceVersion":"N"} in a watch stream's bytes as they arrive, without parsing
 * JSON: what a watch client of the fan-out benchmarks needs, at a fraction of a parser's cost.
 */
final class VersionMarks {

  private static final byte[] MARKER = "\"resourceVersion\":\"".getBytes(StandardCharsets.US_ASCII);

  private VersionMarks() {}

  /**
   * Scans {@code carry} (what the last call kept) followed by {@code bytes[0, length)}, tells
   * {@code seen} every version found, and returns what to carry to the next call: the tail that
   * may hold the start of a marker.
   */
  static byte[] scan(byte[] carry, byte[] bytes, int offset, int length, Consumer<String> seen) {
    byte[] data = new byte[carry.length + length];
    System.arraycopy(carry, 0, data, 0, carry.length);
    System.arraycopy(bytes, offset, data, carry.length, length);
    int from = 0;
    int carryFrom = Math.max(0, data.length - MARKER.length - 20);
    while (true) {
      int at = indexOf(data, MARKER, from);
      if (at < 0) {
        break;
      }
      int start = at + MARKER.length;
      int end = start;
      while (end < data.length && data[end] != '"') {
        end++;
      }
      if (end == data.length) {
        carryFrom = at;
        break;
      }
      seen.accept(new String(data, start, end - start, StandardCharsets.US_ASCII));
      from = end;
      carryFrom = Math.max(carryFrom, end);
    }
    return Arrays.copyOfRange(data, Math.min(carryFrom, data.length), data.length);
  }

  private static int indexOf(byte[] data, byte[] pattern, int from) {
    outer:
    for (int i = from; i <= data.length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
